"""Where the town asks for it, staff confirm their password sign-in with a code by SMS (issue 11,
finding 2): the password alone does not sign in; the code sent to the person's number does; a
wrong code does not; a town that does not ask signs in with the password alone."""

import re

import pytest
from django.test import Client

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.places.models import Town
from gongzhi.testing import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def second_factor(world, settings):
    settings.SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    Town.objects.filter(pk=world.town.pk).update(staff_second_factor=True)
    world.users["office"].phone = "13912340000"
    world.users["office"].save(update_fields=["phone"])


def _last_code(phone):
    for sms in reversed(MemoryBackend.outbox):
        if sms.phone == phone:
            return re.search(r"\b(\d{6})\b", sms.message).group(1)
    raise AssertionError("no code sent")


def test_the_password_alone_does_not_sign_in_where_the_town_asks_for_a_code(
    world, second_factor, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert client.get("/").status_code == 302  # not signed in yet
    wrong = client.post("/accounts/login/code/", {"code": "000000"})
    assert wrong.status_code == 200 and "not correct" in wrong.content.decode()
    assert client.get("/").status_code == 302
    done = client.post("/accounts/login/code/", {"code": _last_code("13912340000")})
    assert done.status_code == 302 and client.get("/").status_code == 200


def test_a_town_that_does_not_ask_signs_staff_in_with_the_password(world, settings):
    client = Client()
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != "/accounts/login/code/"
    assert client.get("/").status_code == 200


def test_without_a_mobile_number_the_sign_in_is_refused_in_words(world, second_factor):
    world.users["office"].phone = None
    world.users["office"].save(update_fields=["phone"])
    response = Client().post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 200 and "Ask the office to record it" in response.content.decode()


def test_the_office_turns_it_on(world, client_for):
    town = world.town
    response = client_for("office").post(
        f"/orgs/towns/{town.uid}/inspection-coverage/",
        {"version": town.version, "inspection_groups_may_overlap": "on", "staff_second_factor": "on"},
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.staff_second_factor and town.inspection_groups_may_overlap
