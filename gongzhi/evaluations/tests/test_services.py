"""The services of the quarterly evaluation: allowed and refused paths; nothing is written when
refused; the workflow table walked."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.records import ConcurrentEditError
from gongzhi.evaluations import services
from gongzhi.evaluations.models import (
    Forum,
    ForumOpinion,
    ForumParticipant,
    NeighborhoodEvaluation,
    PartyReport,
    QuarterlyEvaluation,
)
from gongzhi.evaluations.workflow import EVALUATION_WORKFLOW, EvaluationAction, EvaluationState
from gongzhi.notifications.models import Notification

from .factories import open_quarter, part_of, record_forum

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-20 10:00")]


def test_workflow_table():
    for action in EvaluationAction:
        assert EVALUATION_WORKFLOW.allows(action, EvaluationState.OPEN)
        assert not EVALUATION_WORKFLOW.allows(action, EvaluationState.CLOSED)
    assert EVALUATION_WORKFLOW.target(EvaluationAction.CLOSE, EvaluationState.OPEN) == EvaluationState.CLOSED


def test_opening_a_quarter_makes_one_row_per_neighborhood_and_tells_the_parties(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = open_quarter(world)
    assert set(NeighborhoodEvaluation.objects.filter(evaluation=evaluation).values_list("neighborhood", flat=True)) == {
        world.n1.pk,
        world.n2.pk,
    }
    told = set(Notification.objects.values_list("user_id", flat=True))
    for persona in ("party_secretary", "rc_worker", "oc_member", "property_manager", "cross_appointed"):
        assert world.users[persona].pk in told, persona
    for persona in ("office", "inspector", "gov_staff", "outsider"):
        assert world.users[persona].pk not in told, persona
    assert AuditEntry.objects.filter(action="evaluations.quarterlyevaluation.open").count() == 1


def test_a_quarter_is_opened_once(world):
    open_quarter(world)
    with pytest.raises(ValidationError, match="already been opened"):
        open_quarter(world)
    assert QuarterlyEvaluation.objects.count() == 1


def test_only_the_office_of_the_town_opens_a_quarter(world):
    for persona in ("inspector", "party_secretary", "outsider"):
        with pytest.raises(PermissionDenied):
            services.open_quarter(
                actor=world.users[persona], town=world.town, year=2026, quarter=4, reports_due=timezone.localdate()
            )
    assert not QuarterlyEvaluation.objects.exists()


def test_reports_cannot_be_due_in_the_past(world):
    with pytest.raises(ValidationError, match="past"):
        open_quarter(world, due=timezone.localdate() - timedelta(days=1))
    assert not QuarterlyEvaluation.objects.exists()


def test_a_member_submits_the_report_once(world):
    evaluation = open_quarter(world)
    part = part_of(evaluation, world.n1)
    report = services.submit_report(
        actor=world.users["party_secretary"], part=part, organization=world.orgs["po1"], text="本季度工作汇报。"
    )
    assert report.submitted_by == world.users["party_secretary"]
    assert AuditEntry.objects.filter(action="evaluations.partyreport.submit").count() == 1
    with pytest.raises(ValidationError, match="already submitted"):
        services.submit_report(
            actor=world.users["party_secretary"], part=part, organization=world.orgs["po1"], text="再交一次"
        )
    assert PartyReport.objects.count() == 1


def test_a_report_as_a_file_is_checked(world):
    part = part_of(open_quarter(world), world.n1)
    fake = SimpleUploadedFile("report.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError, match="genuine"):
        services.submit_report(actor=world.users["rc_worker"], part=part, organization=world.orgs["rc1"], file=fake)
    good = SimpleUploadedFile("汇报.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    report = services.submit_report(
        actor=world.users["rc_worker"], part=part, organization=world.orgs["rc1"], file=good
    )
    assert report.file_name == "汇报.pdf" and report.file


def test_an_empty_report_is_refused(world):
    part = part_of(open_quarter(world), world.n1)
    with pytest.raises(ValidationError, match="Write the report"):
        services.submit_report(actor=world.users["rc_worker"], part=part, organization=world.orgs["rc1"], text=" ")
    assert not PartyReport.objects.exists()


def test_only_a_member_reports_for_a_party(world):
    part = part_of(open_quarter(world), world.n1)
    for persona in ("rc_worker", "office", "inspector"):
        with pytest.raises(ValidationError, match="Only a member"):
            services.submit_report(actor=world.users[persona], part=part, organization=world.orgs["po1"], text="x")
    assert not PartyReport.objects.exists()


def test_an_organisation_not_a_party_of_the_neighborhood_is_refused(world):
    part = part_of(open_quarter(world), world.n1)
    for org in ("po2", "police", "oc4"):
        with pytest.raises(ValidationError, match="not one of the four parties"):
            services.submit_report(
                actor=world.users["cross_appointed"], part=part, organization=world.orgs[org], text="x"
            )
    assert not PartyReport.objects.exists()


def test_nothing_is_added_after_closing(world):
    evaluation = open_quarter(world)
    part = part_of(evaluation, world.n1)
    forum = record_forum(world, part)
    evaluation = services.close_quarter(
        actor=world.users["office"], evaluation=evaluation, expected_version=evaluation.version
    )
    assert evaluation.state == EvaluationState.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        services.submit_report(
            actor=world.users["party_secretary"], part=part, organization=world.orgs["po1"], text="迟交"
        )
    with pytest.raises(ValidationError, match="closed"):
        record_forum(world, part)
    with pytest.raises(ValidationError, match="closed"):
        services.add_opinion(
            actor=world.users["office"], forum=forum, text="x", organization=world.orgs["pc"], asks_for_action=False
        )
    with pytest.raises(ValidationError, match="closed"):
        services.close_quarter(actor=world.users["office"], evaluation=evaluation, expected_version=evaluation.version)
    assert not PartyReport.objects.exists() and Forum.objects.count() == 1 and not ForumOpinion.objects.exists()


def test_closing_on_a_stale_page_is_refused(world):
    evaluation = open_quarter(world)
    services.close_quarter(actor=world.users["office"], evaluation=evaluation, expected_version=evaluation.version)
    with pytest.raises(ConcurrentEditError):
        services.close_quarter(actor=world.users["office"], evaluation=evaluation, expected_version=evaluation.version)


def test_the_inspection_group_records_a_forum_in_its_coverage_only(world):
    evaluation = open_quarter(world)
    forum = record_forum(world, part_of(evaluation, world.n2), actor="inspector")  # g1 covers 世博 (n2)
    assert forum.participants.count() == 4
    assert AuditEntry.objects.filter(action="evaluations.forum.create").count() == 1
    with pytest.raises(ValidationError, match="outside your inspection group's coverage"):
        record_forum(world, part_of(evaluation, world.n1), actor="inspector")
    assert Forum.objects.count() == 1 and ForumParticipant.objects.count() == 4


def test_a_forum_needs_participants_and_a_past_date(world):
    part = part_of(open_quarter(world), world.n1)
    with pytest.raises(ValidationError, match="at least one participant"):
        services.record_forum(
            actor=world.users["office"], part=part, held_on=timezone.localdate(), place="x", participants=[]
        )
    with pytest.raises(ValidationError, match="future"):
        services.record_forum(
            actor=world.users["office"],
            part=part,
            held_on=timezone.localdate() + timedelta(days=1),
            place="x",
            participants=[("王", "rc_cadre", None)],
        )
    assert not Forum.objects.exists()


def test_opinions_are_tagged_to_an_organisation_serving_the_neighborhood(world):
    part = part_of(open_quarter(world), world.n1)
    forum = record_forum(world, part)
    opinion = services.add_opinion(
        actor=world.users["office"],
        forum=forum,
        text="电梯经常故障，希望物业加强维保。",
        organization=world.orgs["pc"],
        asks_for_action=True,
    )
    assert opinion.asks_for_action
    for org in ("po2", "oc3", "oc4"):  # another neighborhood's, another town's
        with pytest.raises(ValidationError, match="does not serve"):
            services.add_opinion(
                actor=world.users["office"], forum=forum, text="x", organization=world.orgs[org], asks_for_action=False
            )
    services.add_opinion(  # the town's government units serve every compound
        actor=world.users["office"],
        forum=forum,
        text="夜间噪音",
        organization=world.orgs["police"],
        asks_for_action=False,
    )
    assert ForumOpinion.objects.count() == 2


def test_editing_an_opinion_checks_the_version(world):
    part = part_of(open_quarter(world), world.n2)
    forum = record_forum(world, part, actor="inspector")
    opinion = services.add_opinion(
        actor=world.users["inspector"], forum=forum, text="绿化差", organization=world.orgs["pc"], asks_for_action=False
    )
    edited = services.update_opinion(
        actor=world.users["inspector"],
        opinion=opinion,
        text="绿化养护不到位",
        organization=world.orgs["pc"],
        asks_for_action=True,
        expected_version=opinion.version,
    )
    assert edited.version == 2 and edited.asks_for_action
    assert AuditEntry.objects.filter(action="evaluations.forumopinion.update").count() == 1
    with pytest.raises(ConcurrentEditError):
        services.update_opinion(
            actor=world.users["office"],
            opinion=opinion,
            text="另一个人的改动",
            organization=world.orgs["pc"],
            asks_for_action=False,
            expected_version=1,
        )
    opinion.refresh_from_db()
    assert opinion.text == "绿化养护不到位"


def test_an_inspector_cannot_add_opinions_outside_coverage(world):
    part = part_of(open_quarter(world), world.n1)
    forum = record_forum(world, part)
    with pytest.raises(ValidationError, match="coverage"):
        services.add_opinion(
            actor=world.users["inspector"], forum=forum, text="x", organization=world.orgs["pc"], asks_for_action=False
        )
    assert not ForumOpinion.objects.exists()
