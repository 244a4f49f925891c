"""Sign-in: staff by password (Argon2, locked after repeated failures), residents by mobile number
and a one-time code through the pluggable SMS backend; residents join with an invite code."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from gongzhi.accounts.models import PhoneCode
from gongzhi.accounts.sms import MemoryBackend
from gongzhi.core.models import AuditEntry, User
from gongzhi.orgs.models import Person, Residency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    """The SMS goes out after commit; inside a test's transaction, run those callbacks at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1].message).group(1)


def sign_in_by_phone(client: Client, phone: str) -> None:
    response = client.post("/accounts/phone/", {"phone": phone})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post("/accounts/phone/verify/", {"code": sent_code()})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_argon2_is_the_password_hasher_in_production_settings():
    import importlib

    import gongzhi.settings as real

    importlib.reload(real)
    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_staff_password_login_and_lockout(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "office", "password": "wrong"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()  # "Sign-in temporarily locked", in Chinese
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "office", "password": "correct-horse-battery"})
    assert response.status_code == 429


def test_staff_password_login_succeeds(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "office", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_new_resident_signs_in_by_code(db):
    client = Client()
    client.post("/accounts/phone/", {"phone": "139 1234 5678"})
    assert MemoryBackend.outbox[-1].phone == "13912345678"
    code = sent_code()
    assert PhoneCode.objects.get().code_hash != code  # only a keyed hash is stored
    response = client.post("/accounts/phone/verify/", {"code": code})
    assert response.status_code == 302
    user = User.objects.get(phone="13912345678")
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(action="core.user.register", object_id=str(user.pk)).exists()
    home = client.get("/")
    assert "邀请码" in home.content.decode()  # the empty state invites them to enter the invite code


def test_code_is_single_use_and_expires(db, settings):
    client = Client()
    client.post("/accounts/phone/", {"phone": "13912345678"})
    code = sent_code()
    client.post("/accounts/phone/verify/", {"code": code})
    other = Client()
    session = other.session
    session["otp_phone"] = "13912345678"
    session.save()
    response = other.post("/accounts/phone/verify/", {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in other.session


def test_wrong_codes_are_limited(db, settings):
    settings.OTP_MAX_ATTEMPTS = 3
    client = Client()
    client.post("/accounts/phone/", {"phone": "13912345678"})
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        response = client.post("/accounts/phone/verify/", {"code": wrong})
        assert response.status_code == 200
    response = client.post("/accounts/phone/verify/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert "重新获取" in response.content.decode() or "新的验证码" in response.content.decode()


def test_resend_is_rate_limited(db):
    client = Client()
    client.post("/accounts/phone/", {"phone": "13912345678"})
    response = Client().post("/accounts/phone/", {"phone": "13912345678"})
    assert response.status_code == 200
    assert len(MemoryBackend.outbox) == 1


def test_codes_per_address_are_limited(db, settings):
    settings.OTP_MAX_PER_ADDRESS_PER_HOUR = 2
    for n in range(3):
        Client().post("/accounts/phone/", {"phone": f"1391234567{n}"}, REMOTE_ADDR="10.0.0.9")
    assert len(MemoryBackend.outbox) == 2


@pytest.mark.parametrize("bad", ["", "12345", "23812345678", "1381234567x", "<script>alert(1)</script>"])
def test_bad_phone_numbers_are_refused_with_a_message(db, bad):
    response = Client().post("/accounts/phone/", {"phone": bad})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert not MemoryBackend.outbox


def test_resident_known_to_staff_is_linked_on_first_sign_in(world):
    person = world.people["resident"]
    person.user.delete() if False else None  # the persona already has an account; use a new one
    newcomer = Person.objects.create(town=world.town, name="新居民", phone="13700000009")
    client = Client()
    sign_in_by_phone(client, "13700000009")
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.phone == "13700000009"


def test_resident_joins_with_invite_code_and_staff_confirm(world):
    client = Client()
    sign_in_by_phone(client, "13700000008")
    compound = world.c2
    page = client.get(f"/accounts/join/?code={compound.invite_code.lower()}")
    assert compound.name in page.content.decode()
    building = compound.buildings.get()
    response = client.post(
        "/accounts/join/",
        {
            "invite_code": compound.invite_code,
            "building": building.uid,
            "unit_number": "999",
            "relation": "owner",
            "name": "王五",
        },
    )
    assert response.status_code == 200 and "999" in response.content.decode()  # no such unit: a clear error
    response = client.post(
        "/accounts/join/",
        {
            "invite_code": compound.invite_code,
            "building": building.uid,
            "unit_number": "101",
            "relation": "owner",
            "name": "王五",
        },
    )
    assert response.status_code == 302
    residency = Residency.objects.get(unit__compound=compound, person__phone="13700000008")
    assert residency.status == "claimed" and residency.source == "invite"
    assert "待" in client.get("/").content.decode() or "确认" in client.get("/").content.decode()


def test_wrong_invite_code_is_refused(world):
    client = Client()
    sign_in_by_phone(client, "13700000007")
    response = client.get("/accounts/join/?code=NOPE1234")
    assert response.status_code == 200
    assert (
        "invalid" in response.content.decode()
        or "无效" in response.content.decode()
        or "不正确" in response.content.decode()
    )


def test_production_refuses_the_development_secret(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import gongzhi.settings as real

    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", real.DEVELOPMENT_SECRET_KEY)
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(real)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    importlib.reload(real)
    assert real.DEBUG is False
    monkeypatch.delenv("DEBUG")
    monkeypatch.delenv("SECRET_KEY")
    importlib.reload(real)
    assert django_settings.configured
