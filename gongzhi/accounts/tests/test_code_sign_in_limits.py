"""A one-time code signs residents in, never staff or administrators (issue 11, finding 2); a
person's login follows their mobile number; wrong codes are capped per number and day."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.accounts import services
from gongzhi.accounts.models import PhoneCode
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry, User
from gongzhi.orgs import services as org_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _code_for(phone, monkeypatch):
    sent = {}
    monkeypatch.setattr(services, "send_sms", lambda number, message: sent.setdefault("message", message))
    services.request_phone_code(phone=phone, address="198.51.100.7")
    PhoneCode.objects.filter(phone=phone).update(code_hash=services._digest(phone, "123456"))
    return "123456"


@pytest.mark.parametrize("who", ["office", "party_secretary", "admin"])
def test_a_code_alone_does_not_sign_in_staff_or_an_administrator(world, who, monkeypatch, settings):
    settings.OTP_RESEND_SECONDS = 0
    user = world.users[who]
    phone = user.phone or "13955556666"
    User.objects.filter(pk=user.pk).update(phone=phone)
    code = _code_for(phone, monkeypatch)
    with pytest.raises(ValidationError) as refused:
        services.verify_phone_code(phone=phone, code=code)
    assert refused.value.code == "staff"


def test_a_resident_still_signs_in_by_code(world, monkeypatch):
    phone = world.users["resident"].phone
    assert services.verify_phone_code(phone=phone, code=_code_for(phone, monkeypatch)) == world.users["resident"]


def test_wrong_codes_are_capped_per_number_and_day(world, monkeypatch, settings):
    settings.OTP_MAX_FAILURES_PER_PHONE_PER_DAY = 4
    settings.OTP_RESEND_SECONDS = 0
    phone = world.users["resident"].phone
    for _round in range(2):
        _code_for(phone, monkeypatch)
        for _wrong in range(2):
            with pytest.raises(ValidationError):
                services.verify_phone_code(phone=phone, code="000000")
    right = _code_for(phone, monkeypatch)
    with pytest.raises(ValidationError, match="today"):
        services.verify_phone_code(phone=phone, code=right)  # even the right code, once the day's cap is used


def test_a_login_follows_its_persons_mobile_number(world):
    person = world.people["rc_worker"]
    user = world.users["rc_worker"]
    org_services.update_person(
        actor=world.users["office"], person=person, data={"phone": "13977778888"}, expected_version=person.version
    )
    user.refresh_from_db()
    assert user.phone == "13977778888"
    entry = AuditEntry.objects.filter(action="core.user.update", object_id=str(user.pk)).get()
    assert entry.after == {"phone": audit.phone_pseudonym("13977778888")}  # the log keeps no number
