"""The evaluation reports' demo story on the small test world: last quarter's report started,
written, approved, distributed and read by two recipients, through the services; played once."""

import pytest

from gongzhi.core.models import User
from gongzhi.evaluation_reports import demo
from gongzhi.evaluation_reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-05 10:00")]


def test_the_story_plays_through_the_services_once(world):
    User.objects.filter(username="party_secretary").update(username="secretary")
    User.objects.filter(username="property_manager").update(username="property")
    told = demo.play(world.town)
    assert told == "Evaluation reports: 浦江镇 2026 Q3 evaluation report (Distributed, 7 recipients, 2 read)."
    report = Report.objects.get()
    assert report.files_at and report.approved_by.username == "leader"
    assert report.sections.get(key="overview").text.startswith("本季度")
    read = set(report.deliveries.filter(read_at__isnull=False).values_list("organization__code", flat=True))
    assert read == {"po1", "pc"}
    assert demo.play(world.town) == ""


@pytest.mark.frozen("2026-10-09 10:00")
def test_nothing_is_played_before_its_moment(world):
    assert demo.play(world.town) == ""  # ten days after the quarter
    assert not Report.objects.exists()
