"""The evaluation reports' demo story on the small test world: last quarter's report started,
written and submitted through the services, played once; once the group has approved it (the
leadership group's story), `after_approval` makes its files, distributes it and two recipients
read it."""

import pytest

from gongzhi.core.models import User
from gongzhi.evaluation_reports import demo, services
from gongzhi.evaluation_reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-05 10:00")]


def test_the_story_plays_through_the_services_once(world):
    User.objects.filter(username="party_secretary").update(username="secretary")
    User.objects.filter(username="property_manager").update(username="property")
    told = demo.play(world.town)
    assert told == "Evaluation reports: 浦江镇 2026 Q3 evaluation report (Awaiting approval)."
    report = Report.objects.get()
    assert report.sections.get(key="overview").text.startswith("本季度")
    assert demo.play(world.town) == ""
    with demo._clock(demo._at(report.submitted_at.date().replace(day=15), 15)):
        report = services.approve(actor=world.users["leader"], report=report, version=report.version)
    told = demo.after_approval(report)
    assert told == "浦江镇 2026 Q3 evaluation report (Distributed, 7 recipients, 2 read)"
    report.refresh_from_db()
    assert report.files_at and report.approved_by.username == "leader"
    read = set(report.deliveries.filter(read_at__isnull=False).values_list("organization__code", flat=True))
    assert read == {"po1", "pc"}


@pytest.mark.frozen("2026-10-09 10:00")
def test_nothing_is_played_before_its_moment(world):
    assert demo.play(world.town) == ""  # ten days after the quarter
    assert not Report.objects.exists()
