"""The assessments' demo story on the small test world (the property persona's login is named as
in the demo town): last quarter's property service and last year's neighborhood assessments, played
through the services to publication, one objection decided; deterministic and played once."""

from decimal import Decimal as D

import pytest

from gongzhi.assessments import demo
from gongzhi.assessments.models import Cycle, Objection
from gongzhi.core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-01-20 10:00")]


def test_the_story_plays_through_the_services_once(world):
    User.objects.filter(username="property_manager").update(username="property")
    told = demo.play(world.town)
    assert told == (
        "Assessments: 2026Q4 property service (3 contracts, published); 2026 party_org (2, published); "
        "2026 residents_committee (2, published)."
    )
    assert set(Cycle.objects.values_list("state", flat=True)) == {"published"}
    objection = Objection.objects.get()
    assert objection.decision == "changed" and objection.assessment.cycle.subject_kind == "property_service"
    ps = Cycle.objects.get(subject_kind="property_service")
    totals = sorted(a.total for a in ps.assessments.all())
    assert all(D(60) <= t <= D(100) for t in totals)
    assert sorted(a.rank for a in ps.assessments.all())[0] == 1
    again = {a.uid: a.total for a in ps.assessments.all()}
    assert demo.play(world.town) == ""
    assert {a.uid: a.total for a in Cycle.objects.get(pk=ps.pk).assessments.all()} == again
