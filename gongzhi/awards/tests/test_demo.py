"""The awards' demo story on the small test world, after the assessments' story: last year's 好当家
and 好管家 rounds played through the services to announcement; deterministic and played once."""

import pytest

from gongzhi.assessments import demo as assessments_demo
from gongzhi.awards import demo
from gongzhi.awards.models import Candidate, Round
from gongzhi.core.models import User
from gongzhi.credit.models import CreditRecord

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-02-10 10:00")]


def test_the_story_plays_through_the_services_once(world):
    User.objects.filter(username="property_manager").update(username="property")
    assessments_demo.play(world.town)
    told = demo.play(world.town)
    assert told.startswith("Awards: 2026 Good steward award (好当家) (Announced, ")
    assert "2026 Good manager award (好管家) (Announced, 1 awarded)" in told  # 申江物业, the only company
    assert set(Round.objects.values_list("state", flat=True)) == {"announced"}
    awarded = Candidate.objects.filter(awarded=True)
    assert awarded.exists() and all(c.eligible and c.nominated for c in awarded)
    # the inspection group nominated what it covers (世博, n2) when eligible; the office the rest
    by = set(Candidate.objects.filter(nominated_at__isnull=False).values_list("nominated_by__username", flat=True))
    assert "office" in by
    record = CreditRecord.objects.get(category="awards.award")
    assert (record.company, record.kind, record.points) == (world.orgs["pc"], "good", 10)
    assert demo.play(world.town) == ""
    assert CreditRecord.objects.filter(category="awards.award").count() == 1


@pytest.mark.frozen("2027-01-10 10:00")
def test_nothing_is_played_before_its_moment(world):
    assert demo.play(world.town) == ""  # the rounds open on 20 January
    assert not Round.objects.exists()
