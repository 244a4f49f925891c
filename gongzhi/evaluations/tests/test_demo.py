"""The evaluations' demo story in the demo town: last quarter's evaluation, most reports in and one
overdue, one forum per neighborhood with opinions, some asking for action."""

import io
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.evaluations import services
from gongzhi.evaluations.models import Forum, ForumOpinion, PartyReport, QuarterlyEvaluation

pytestmark = pytest.mark.django_db


def test_the_demo_quarter():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "inspection-evaluation" in out.getvalue()
    evaluation = QuarterlyEvaluation.objects.get()
    assert evaluation.is_open and evaluation.reports_due < timezone.localdate()
    missing = {o.pk for orgs in services.missing_parties(evaluation).values() for o in orgs}
    assert len(missing) == 1 and PartyReport.objects.count() >= 5
    assert Forum.objects.count() == evaluation.neighborhoods.count()
    assert ForumOpinion.objects.filter(asks_for_action=True).exists()
    assert ForumOpinion.objects.filter(asks_for_action=False).exists()
    started = time.monotonic()
    from gongzhi.evaluations import demo

    assert demo.play(evaluation.town) == ""  # idempotent
    assert time.monotonic() - started < 1
