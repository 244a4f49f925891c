"""The office gives a person a staff login or sets a new password (which lifts a lock-out)."""

import pytest
from django.test import Client

from gongzhi.core.models import AuditEntry, User
from gongzhi.testing import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_office_creates_a_login_and_the_person_signs_in(world, client_for):
    person = PersonFactory(town=world.town, name="新社工")
    MembershipFactory(person=person, organization=world.orgs["rc1"], title="社工")  # a login needs a post
    response = client_for("office").post(
        f"/accounts/people/{person.uid}/login/",
        {"username": "xinshegong", "password1": "Gz-2026-strong", "password2": "Gz-2026-strong"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="xinshegong")
    assert user.person == person
    assert AuditEntry.objects.filter(action="core.user.create", object_id=str(user.pk)).exists()
    client = Client()
    assert client.post("/accounts/login/", {"username": "xinshegong", "password": "Gz-2026-strong"}).status_code == 302


@pytest.mark.parametrize(
    "data, field",
    [
        ({"username": "ab", "password1": "Gz-2026-strong", "password2": "Gz-2026-strong"}, "username"),
        ({"username": "rc_worker", "password1": "Gz-2026-strong", "password2": "Gz-2026-strong"}, "username"),
        ({"username": "newone", "password1": "Gz-2026-strong", "password2": "other-2026-pw"}, "password2"),
        ({"username": "newone", "password1": "123", "password2": "123"}, "password1"),
    ],
)
def test_bad_login_input_is_refused(world, client_for, data, field):
    person = PersonFactory(town=world.town)
    MembershipFactory(person=person, organization=world.orgs["rc1"], title="社工")
    response = client_for("office").post(f"/accounts/people/{person.uid}/login/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert field in form.errors or form.non_field_errors()
    person.refresh_from_db()
    assert person.user is None


def test_new_password_lifts_the_lockout(world, client_for, settings):
    settings.AXES_FAILURE_LIMIT = 2
    stranger = Client()
    for _ in range(2):
        stranger.post("/accounts/login/", {"username": "rc_worker", "password": "wrong"})
    assert stranger.post("/accounts/login/", {"username": "rc_worker", "password": "x"}).status_code == 429
    response = client_for("office").post(
        f"/accounts/people/{world.people['rc_worker'].uid}/login/",
        {"password1": "Gz-2026-reset", "password2": "Gz-2026-reset"},
    )
    assert response.status_code == 302
    assert Client().post("/accounts/login/", {"username": "rc_worker", "password": "Gz-2026-reset"}).status_code == 302
    assert AuditEntry.objects.filter(action="core.user.set_password").count() == 1
