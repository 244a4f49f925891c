"""Bearer tokens: who gets in, what is stored, how cheap the lookup is."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from gongzhi.api.auth import TOKEN_CACHE, TOKEN_SECONDS, find_token
from gongzhi.api.models import ApiToken
from gongzhi.api.services import create_api_token, revoke_api_token
from gongzhi.core import process_cache
from gongzhi.core.models import AuditEntry

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/categories"


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_no_token_is_401(world, categories):
    assert_401(ApiClient().get(URL))


@pytest.mark.parametrize(
    "header",
    ["Bearer gzt_unknown", "Bearer ", "Bearer", "Token abc", "Basic b2ZmaWNlOnB3", "gzt_x", "Bearer " + "x" * 500],
)
def test_unknown_or_malformed_token_is_401(world, categories, token_for, header):
    token_for("office")
    assert_401(ApiClient().get(URL, Authorization=header))


def test_revoked_token_is_401(world, categories, token_for):
    token, secret = token_for("office")
    assert ApiClient(secret).get(URL).status_code == 200
    revoke_api_token(actor=world.users["office"], token=token)
    assert_401(ApiClient(secret).get(URL))


def test_token_of_a_disabled_account_is_401(world, categories, token_for):
    _token, secret = token_for("office")
    world.users["office"].is_active = False
    world.users["office"].save(update_fields=["is_active"])
    assert_401(ApiClient(secret).get(URL))


def test_a_signed_in_session_is_not_a_token(world, categories, client_for):
    """The API reads no cookie: a staff member signed in on the site still needs a token."""
    response = client_for("office").get(URL)
    assert_401(response)
    response = client_for("office").post("/api/v1/cases", {}, content_type="application/json")
    assert_401(response)


def test_only_the_hash_of_the_secret_is_stored(world, token_for):
    token, secret = token_for("office")
    token.refresh_from_db()
    assert secret.startswith("gzt_") and len(secret) > 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value for value in stored)
    entry = AuditEntry.objects.get(action="api.apitoken.create", object_id=str(token.pk))
    assert secret not in str(entry.after)


def test_lookup_is_one_query(world, token_for, django_assert_num_queries):
    token, secret = token_for("office")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    with django_assert_num_queries(1):
        found = find_token(secret)
    assert found.pk == token.pk and found.user == world.users["office"] and found.town == world.town


def test_last_used_is_written_at_most_once_a_minute(world, token_for, django_assert_num_queries):
    token, secret = token_for("office")
    assert token.last_used_at is None
    with django_assert_num_queries(2):  # the lookup, and the first use written
        find_token(secret)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(0):  # kept by this process for TOKEN_SECONDS
        find_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    process_cache.forget(TOKEN_CACHE)  # TOKEN_SECONDS later
    with django_assert_num_queries(2):  # the lookup, and the use written again
        find_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_a_revoked_token_stops_within_seconds(world, token_for, monkeypatch):
    from gongzhi.api.services import revoke_api_token

    token, secret = token_for("office")
    assert find_token(secret) is not None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # revoked by another process
    assert find_token(secret) is not None  # this process still has it…
    clock = [process_cache.time.monotonic() + TOKEN_SECONDS + 1]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: clock[0])
    assert find_token(secret) is None  # …for TOKEN_SECONDS only
    other, other_secret = token_for("office", name="second")
    assert find_token(other_secret) is not None
    revoke_api_token(actor=None, token=other)  # revoked here: at once
    assert find_token(other_secret) is None


def test_tokens_act_only_as_staff_of_the_town(world):
    town = world.town
    for persona in ("resident", "admin", "outsider"):
        with pytest.raises(ValidationError) as caught:
            create_api_token(actor=None, town=town, user=world.users[persona], name="bridge")
        assert "user" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        create_api_token(actor=None, town=town, user=world.users["office"], name=" ")
    assert "name" in caught.value.message_dict
    # A government unit has no places, but works in the town.
    token, _secret = create_api_token(actor=None, town=town, user=world.users["gov_staff"], name="police bridge")
    assert token.town == town


def test_only_the_office_creates_and_revokes_tokens(world, token_for):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_api_token(actor=world.users["rc_worker"], town=world.town, user=world.users["office"], name="x")
    with pytest.raises(PermissionDenied):
        create_api_token(actor=world.users["outsider"], town=world.town, user=world.users["office"], name="x")
    token, _secret = create_api_token(
        actor=world.users["office"], town=world.town, user=world.users["office"], name="x"
    )
    with pytest.raises(PermissionDenied):
        revoke_api_token(actor=world.users["party_secretary"], token=token)
    revoked = revoke_api_token(actor=world.users["office"], token=token)
    assert revoked.revoked_at is not None
    assert AuditEntry.objects.filter(action="api.apitoken.revoke", object_id=str(token.pk)).count() == 1


def test_management_command_prints_the_secret_once(world, categories, capsys):
    call_command("create_api_token", town="pj", user="office", name="12345 hotline bridge")
    out = capsys.readouterr().out
    secret = next(line for line in out.splitlines() if line.startswith("gzt_"))
    token = ApiToken.objects.get()
    assert token.name == "12345 hotline bridge" and token.user == world.users["office"] and token.created_by is None
    assert ApiClient(secret).get(URL).status_code == 200
    call_command("create_api_token", revoke=token.prefix)
    assert ApiClient(secret).get(URL).status_code == 401


def test_management_command_refuses_what_it_cannot_do(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", town="nowhere", user="office", name="x")
    with pytest.raises(CommandError):
        call_command("create_api_token", town="pj", user="nobody", name="x")
    with pytest.raises(CommandError):
        call_command("create_api_token", town="pj", user="outsider", name="x")
    with pytest.raises(CommandError):
        call_command("create_api_token", town="pj", user="office")


def test_admin_lists_tokens_without_their_hash_and_revokes(world, token_for, client_for):
    from django.urls import reverse

    token, _secret = token_for("office")
    admin = client_for("admin")
    changelist = reverse("admin:api_apitoken_changelist")
    page = admin.get(changelist)
    assert page.status_code == 200 and token.prefix in page.content.decode()
    detail = admin.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert token.secret_hash not in detail
    response = admin.post(changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
