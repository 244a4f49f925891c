"""Account changes made in the admin, and a person changing their own password, are in the audit
log (issue 11, finding 7, part)."""

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.core.models import AuditEntry, User
from gongzhi.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-new-long-password-2026"


def admin_client(world):
    client = Client()
    client.force_login(world.users["admin"])
    return client


def test_making_someone_an_administrator_in_the_admin_is_audited(world):
    user = world.users["leader"]
    url = f"/{settings.ADMIN_PATH}core/user/{user.pk}/change/"
    page = admin_client(world).get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, tuple))}
    data.update({"username": user.username, "is_superuser": "on", "is_staff": "on", "is_active": "on"})
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": ""})
    data.pop("password", None)
    response = admin_client(world).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.filter(action="core.user.update", object_id=str(user.pk)).get()
    assert entry.before["is_superuser"] is False and entry.after["is_superuser"] is True
    assert entry.actor_id == world.users["admin"].pk


def test_a_password_set_in_the_admin_is_audited(world):
    user = world.users["leader"]
    response = admin_client(world).post(
        f"/{settings.ADMIN_PATH}core/user/{user.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="core.user.set_password", object_id=str(user.pk)).exists()


def test_changing_ones_own_password_is_audited(world):
    client = Client()
    user = world.users["office"]
    client.force_login(user)
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW)
    assert AuditEntry.objects.filter(action="core.user.change_password", object_id=str(user.pk)).exists()
