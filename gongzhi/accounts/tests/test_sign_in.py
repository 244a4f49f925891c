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


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1].message).group(1)


@pytest.fixture
def ask_code(django_capture_on_commit_callbacks):
    """ask_code(client, phone, **request) → the answer to "send me a code"; the SMS, which goes out
    after commit, is sent."""

    def ask(client: Client, phone: str, **request):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/phone/", {"phone": phone}, **request)

    return ask


@pytest.fixture
def sign_in_by_phone(ask_code):
    def sign_in(client: Client, phone: str) -> None:
        response = ask_code(client, phone)
        assert response.status_code == 302, response.content.decode()[:2000]
        response = client.post("/accounts/phone/verify/", {"code": sent_code()})
        assert response.status_code == 302, response.content.decode()[:2000]

    return sign_in


def test_production_settings_hash_passwords_with_argon2(tmp_path):
    """The settings module as production loads it (DEBUG off, no test overrides), in a fresh
    interpreter: new passwords are hashed with Argon2 (and argon2-cffi is installed)."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth.hashers import check_password, get_hasher, make_password\n"
        "encoded = make_password('correct-horse-battery')\n"
        "print(get_hasher().algorithm, encoded.split('$')[0], check_password('correct-horse-battery', encoded))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongzhi.settings",
        "DEBUG": "false",
        "SECRET_KEY": "p" * 50,
        "AUDIT_KEY": "a" * 50,
        "ALLOWED_HOSTS": "gongzhi.example.gov.cn",
        "SMS_BACKEND": "gongzhi.accounts.sms.HttpBackend",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["argon2", "argon2", "True"]


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


def test_new_resident_signs_in_by_code(db, ask_code):
    client = Client()
    ask_code(client, "139 1234 5678")
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


def test_code_is_single_use_and_expires(db, settings, ask_code):
    client = Client()
    ask_code(client, "13912345678")
    code = sent_code()
    client.post("/accounts/phone/verify/", {"code": code})
    other = Client()
    session = other.session
    session["otp_phone"] = "13912345678"
    session.save()
    response = other.post("/accounts/phone/verify/", {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in other.session


def test_wrong_codes_are_limited(db, settings, ask_code):
    settings.OTP_MAX_ATTEMPTS = 3
    client = Client()
    ask_code(client, "13912345678")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        response = client.post("/accounts/phone/verify/", {"code": wrong})
        assert response.status_code == 200
    response = client.post("/accounts/phone/verify/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert "重新获取" in response.content.decode() or "新的验证码" in response.content.decode()


def test_resend_is_rate_limited(db, ask_code):
    client = Client()
    ask_code(client, "13912345678")
    response = ask_code(Client(), "13912345678")
    assert response.status_code == 200
    assert len(MemoryBackend.outbox) == 1


def test_codes_per_address_are_limited(db, settings, ask_code):
    settings.OTP_MAX_PER_ADDRESS_PER_HOUR = 2
    for n in range(3):
        ask_code(Client(), f"1391234567{n}", REMOTE_ADDR="10.0.0.9")
    assert len(MemoryBackend.outbox) == 2


@pytest.mark.parametrize("bad", ["", "12345", "23812345678", "1381234567x", "<script>alert(1)</script>"])
def test_bad_phone_numbers_are_refused_with_a_message(db, bad, ask_code):
    response = ask_code(Client(), bad)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert not MemoryBackend.outbox


def test_resident_known_to_staff_is_linked_on_first_sign_in(world, sign_in_by_phone):
    person = world.people["resident"]
    person.user.delete() if False else None  # the persona already has an account; use a new one
    newcomer = Person.objects.create(town=world.town, name="新居民", phone="13700000009")
    client = Client()
    sign_in_by_phone(client, "13700000009")
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.phone == "13700000009"


def test_resident_joins_with_invite_code_and_staff_confirm(world, sign_in_by_phone):
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


def test_wrong_invite_code_is_refused(world, sign_in_by_phone):
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
    monkeypatch.setenv("SMS_BACKEND", "gongzhi.accounts.sms.HttpBackend")
    monkeypatch.setenv("AUDIT_KEY", "a" * 50)
    monkeypatch.setenv("SECRET_KEY", real.DEVELOPMENT_SECRET_KEY)
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(real)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    importlib.reload(real)
    assert real.DEBUG is False
    monkeypatch.setenv("DEBUG", "true")  # back to the development configuration the tests run
    monkeypatch.delenv("SMS_BACKEND")
    monkeypatch.delenv("SECRET_KEY")
    importlib.reload(real)
    assert django_settings.configured


def test_a_code_asked_for_in_a_transaction_that_rolls_back_is_not_sent(db, rolled_back):
    from gongzhi.accounts.services import request_phone_code

    with rolled_back():
        request_phone_code(phone="13912345678", address="10.0.0.9")
        assert PhoneCode.objects.exists()
    assert not MemoryBackend.outbox and not PhoneCode.objects.exists()


def test_a_code_asked_for_is_sent_once_the_transaction_commits(db, django_capture_on_commit_callbacks):
    from gongzhi.accounts.services import request_phone_code

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request_phone_code(phone="13912345678", address="10.0.0.9")
        assert not MemoryBackend.outbox  # not before the commit
    assert len(callbacks) == 1 and [sms.phone for sms in MemoryBackend.outbox] == ["13912345678"]
