"""The notice's public page as residents and others reach it: who may post an opinion there,
and what everyone else is told (nothing is saved for them)."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from gongzhi.notices import services
from gongzhi.notices.models import Opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(world):
    closes = timezone.localdate() + timedelta(days=7)
    notice = services.create_notice(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        compounds=[world.c1],
        title="绿化调整通报",
        body="拟调整中心绿地，请提出意见。",
        responsible=world.orgs["oc1"],
        closes_on=closes,
    )
    return services.publish_notice(
        actor=world.users["party_secretary"], notice=notice, closes_on=closes, expected_version=notice.version
    )


def test_a_resident_of_the_compound_posts_an_opinion(notice, world, client_for):
    response = client_for("resident").post(
        notice.public_url(), {"unit": world.unit(world.c1).uid, "text": "建议保留大树"}
    )
    assert response.status_code == 302
    assert Opinion.objects.get(notice=notice).text == "建议保留大树"


def test_someone_who_is_not_a_resident_is_told_why(notice, client_for):
    client = client_for("rc_worker")
    response = client.post(notice.public_url(), {"text": "我也想说"}, follow=True)
    assert "Opinions are given by residents registered at a unit of the compound." in unescape(
        response.content.decode()
    )
    assert not Opinion.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(notice, client):
    response = client.post(notice.public_url(), {"text": "匿名意见"})
    assert response.status_code == 302 and "/accounts/phone/" in response["Location"]
    assert not Opinion.objects.exists()


def test_after_the_period_everyone_is_told_it_has_ended(notice, world, client_for):
    type(notice).objects.filter(pk=notice.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = client_for("resident").post(
        notice.public_url(), {"unit": world.unit(world.c1).uid, "text": "晚了"}, follow=True
    )
    assert "The comment period of this notice has ended." in unescape(response.content.decode())
    assert not Opinion.objects.exists()


def test_the_unit_is_offered_with_its_compound_and_building(notice, world, client_for):
    """Issue 10, finding 3: "1号楼 101", not a bare "101" the resident cannot tell apart."""
    unit = world.unit(world.c1)
    page = unescape(client_for("resident").get(notice.public_url()).content.decode())
    assert f">新城一村 {unit.building.number} {unit.number}</option>" in page
