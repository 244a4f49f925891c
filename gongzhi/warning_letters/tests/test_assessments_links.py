"""The warning letters and the assessments feed each other: a failed published assessment drafts a
letter to the assessed organisation, once (the trigger `assessments.failed`); the letters an
organisation received in a period are the assessments' figure `warnings.letters`, each linked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.assessments import services as assessment_services
from gongzhi.assessments import sources
from gongzhi.assessments.models import Cycle
from gongzhi.assessments.tests.factories import drafts_shown, opened, score_all
from gongzhi.warning_letters import triggers
from gongzhi.warning_letters.assessments_links import failed_assessments
from gongzhi.warning_letters.models import Letter, WarningSettings
from gongzhi.warning_letters.workflow import LetterState

from .factories import draft, sent

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-07 10:00")]


def _published_failing_party_orgs(world):
    """Last year's party-organisation cycle, every point 0 (不合格), published."""
    cycle = opened(world, "party_org")
    score_all(world, cycle, points=0, reason="全年未按要求开展")
    cycle = drafts_shown(world, cycle)
    Cycle.objects.filter(pk=cycle.pk).update(objection_until=timezone.localdate() - timedelta(days=1))
    cycle.refresh_from_db()
    office = world.users["office"]
    cycle = assessment_services.close_objections(actor=office, cycle=cycle, version=cycle.version)
    cycle = assessment_services.approve(actor=world.users["leader"], cycle=cycle, version=cycle.version)
    return assessment_services.publish(actor=office, cycle=cycle, version=cycle.version)


def test_a_failed_assessment_drafts_one_letter_to_the_organisation(world):
    cycle = _published_failing_party_orgs(world)
    failing = {a.organization_id for a in cycle.assessments.filter(fails=True)}
    assert failing == {world.orgs["po1"].pk, world.orgs["po2"].pk}
    today = timezone.localdate()
    causes = failed_assessments(world.town, WarningSettings.for_town(world.town.pk), today)
    assert {c.addressee.pk for c in causes} == failing
    assert all(c.url.startswith("/assessments/a/") and "0.0" in c.text for c in causes)
    assert triggers.draft_new(today) >= 2
    letters = Letter.objects.filter(trigger="assessments.failed")
    assert letters.count() == 2 and all(letter.state == LetterState.DRAFT for letter in letters)  # nothing sent
    triggers.draft_new(today)
    assert Letter.objects.filter(trigger="assessments.failed").count() == 2  # once per assessment
    # Past the look-back window, nothing is found.
    later = today + timedelta(days=WarningSettings.for_town(world.town.pk).lookback_days + 1)
    assert failed_assessments(world.town, WarningSettings.for_town(world.town.pk), later) == []


def test_the_letters_received_are_a_figure_of_the_assessments(world):
    first = sent(world, "pc")
    sent(world, "pc")
    draft(world, "pc")  # a draft was never sent: not counted
    sent(world, "rc1")  # another organisation
    today = timezone.localdate()
    quarter = sources.period_of("quarter", f"{today.year}Q{(today.month - 1) // 3 + 1}")
    subject = sources.Subject(kind="property_service", town_id=world.town.pk, organization=world.orgs["pc"])
    figure = sources.get("warnings.letters").figure(subject, quarter)
    assert figure.value == 2 and figure.count == 2
    assert (first.number_label + " · " + first.get_level_display(), first.get_absolute_url()) in figure.records
    previous = sources.previous_period(quarter)
    assert sources.get("warnings.letters").figure(subject, previous).value == 0
