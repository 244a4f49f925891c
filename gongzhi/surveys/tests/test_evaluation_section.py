"""The survey is the third part of a neighborhood's quarterly inspection-evaluation (R-MECH-4):
its page shows the quarter's surveys of the neighborhood's compounds with per-party satisfaction."""

import pytest
from django.urls import reverse

from gongzhi.evaluations.tests.factories import open_quarter, part_of
from gongzhi.surveys import services
from gongzhi.surveys.models import SampledUnit

from .factories import all_answers, fill, open_survey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_quarters_survey_shows_on_the_neighborhoods_evaluation(client, world):
    fill(world.c3, {"21号楼": 20, "22号楼": 20})
    survey = open_survey(world, world.c3, quarter="2026Q4")
    for sampled in SampledUnit.objects.filter(survey=survey, status=SampledUnit.Status.PENDING)[:5]:
        services.record_answer(
            actor=world.users["office"], survey=survey, unit=sampled.unit, channel="door", answers=all_answers(survey)
        )
    evaluation = open_quarter(world, year=2026, quarter=4)
    client.force_login(world.users["office"])
    page = client.get(reverse("evaluations:neighborhood", args=[part_of(evaluation, world.n2).uid])).content.decode()
    assert 'data-testid="evaluation-survey"' in page and "2026Q4" in page
    assert "5 of" in page and "100.0%" in page  # five households, all satisfied
    other = client.get(reverse("evaluations:neighborhood", args=[part_of(evaluation, world.n1).uid])).content.decode()
    assert 'data-testid="evaluation-survey"' not in other and "No survey yet this quarter." in other
