"""Small hardening (issue 11, findings 6, 10, 14): signed-in pages are not cached, a
Permissions-Policy on every response, wrong invite codes throttled, claims capped per account,
opinions from confirmed residents only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.notices import services as notices
from gongzhi.orgs import services as org_services
from gongzhi.orgs.models import Residency
from gongzhi.testing import UnitFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_signed_in_pages_are_not_kept_in_the_cache_and_features_are_off(client_for, client):
    page = client_for("office").get("/")
    assert page["Cache-Control"] == "private, no-store"
    assert "camera=()" in page["Permissions-Policy"]
    assert "camera=()" in client.get("/accounts/login/")["Permissions-Policy"]  # anonymous pages too


def test_wrong_invite_codes_are_throttled(world, settings, client_for):
    settings.INVITE_CODE_ATTEMPTS = 3
    client = client_for("resident")
    for n in range(3):
        assert client.get("/accounts/join/", {"code": f"WRONG{n}"}).status_code == 200
    world.c1.refresh_from_db()
    stopped = client.get("/accounts/join/", {"code": world.c1.invite_code})
    assert stopped.status_code == 429  # even the right code is not checked any more in this window
    assert "Too many wrong codes" in stopped.content.decode() or "错误" in stopped.content.decode()


def _resident(world, phone="13900000123"):
    return UserFactory(username=phone, phone=phone)


def test_an_account_holds_at_most_a_few_open_claims(world, settings):
    settings.OPEN_CLAIMS_PER_ACCOUNT = 2
    actor = _resident(world)
    code = world.c1.invite_code
    for n in range(2):
        org_services.claim_residency(
            actor=actor, invite_code=code, unit=UnitFactory(building=world.unit(world.c1).building, number=f"90{n}"),
            relation="owner", name="张三",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        org_services.claim_residency(
            actor=actor, invite_code=code, unit=UnitFactory(building=world.unit(world.c1).building, number="909"),
            relation="owner", name="张三",
        )  # fmt: skip
    assert Residency.objects.filter(person__user=actor).count() == 2


def test_opinions_come_from_confirmed_residents_only(world):
    actor = _resident(world)
    unit = UnitFactory(building=world.unit(world.c1).building, number="808")
    org_services.claim_residency(
        actor=actor, invite_code=world.c1.invite_code, unit=unit, relation="owner", name="李四"
    )
    closes = timezone.localdate() + timedelta(days=7)
    notice = notices.create_notice(
        actor=world.users["party_secretary"], neighborhood=world.n1, compounds=[world.c1], title="通报",
        body="请提意见", responsible=world.orgs["rc1"], closes_on=closes,
    )  # fmt: skip
    notice = notices.publish_notice(
        actor=world.users["party_secretary"], notice=notice, closes_on=closes, expected_version=notice.version
    )
    with pytest.raises(ValidationError) as refused:
        notices.submit_opinion(actor=actor, notice=notice, unit=unit, text="同意")
    assert "waits for the residents' committee" in str(refused.value)
    residency = Residency.objects.get(person__user=actor)
    org_services.verify_residency(
        actor=world.users["rc_worker"], residency=residency, expected_version=residency.version
    )
    assert notices.submit_opinion(actor=actor, notice=notice, unit=unit, text="同意").text == "同意"


def test_a_wrong_code_posted_with_a_claim_is_answered_not_crashed(world, client_for):
    response = client_for("resident").post("/accounts/join/", {"invite_code": "NOPE42", "unit": "x"})
    assert response.status_code == 200  # the code page again, with the reason
