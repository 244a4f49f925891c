"""Every write of the quarterly inspection-evaluation (DESIGN.md convention 1): open a quarter,
submit a party's report, record a forum with its participants, record and edit the opinions heard
there, close the quarter; and the reminder sweep. Each runs in one transaction, checks the
workflow table and the actor's scope, and writes one audit entry per change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, workdays
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.records import create_record, update_record
from gongzhi.core.scope import get_scope
from gongzhi.core.uploads import clean_file
from gongzhi.core.workflow import lock
from gongzhi.inspections.services import groups_for, issue_order_from_forum
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.orgs.models import Membership, Organization
from gongzhi.orgs.pickers import neighborhood_parties, serving
from gongzhi.places.models import Compound, Neighborhood

from .models import (
    Forum,
    ForumOpinion,
    ForumParticipant,
    NeighborhoodEvaluation,
    ParticipantCategory,
    PartyReport,
    QuarterlyEvaluation,
    ReportReminder,
)
from .workflow import EVALUATION_WORKFLOW, EvaluationAction, EvaluationState

REMIND_WORKING_DAYS = 3  # parties are reminded when their report is due within this many working days
MAX_PARTICIPANTS = 200


def _refuse_unless_open(evaluation: QuarterlyEvaluation, action: str) -> None:
    if EVALUATION_WORKFLOW.target(action, evaluation.state) is None:
        raise ValidationError(
            _("The %(quarter)s is closed: nothing more can be added to it.") % {"quarter": evaluation},
            code="closed",
        )


def parties_of(part: NeighborhoodEvaluation):
    """The four parties of the neighborhood now (its party organisation, residents' committee, the
    owners' committees of its compounds and the property companies serving them)."""
    return neighborhood_parties(part.neighborhood_id).order_by("kind", "name")


def _is_member(actor, organization: Organization) -> bool:
    return Membership.objects.filter(person__user=actor, organization=organization).active().exists()


def reporting_organizations(actor, part: NeighborhoodEvaluation):
    """The parties of the neighborhood the actor belongs to (who may write their report)."""
    if not get_scope(actor).has("evaluations.report"):
        return Organization.objects.none()
    mine = Membership.objects.filter(person__user=actor).active().values("organization_id")
    return parties_of(part).filter(pk__in=mine)


# --- Opening and closing ----------------------------------------------------------------------


def open_quarter(*, actor, town, year: int, quarter: int, reports_due: date) -> QuarterlyEvaluation:
    """Open a town's quarter: one row per neighborhood, and each neighborhood's four parties told
    when their report is due."""
    ensure_town_manager(actor, town.pk, "evaluations.manage")
    if reports_due < timezone.localdate():
        raise ValidationError({"reports_due": _("The reports cannot be due in the past.")}, code="past")
    with transaction.atomic():
        evaluation = create_record(
            QuarterlyEvaluation(town=town, year=year, quarter=quarter, reports_due=reports_due, opened_by=actor),
            actor=actor,
            action="evaluations.quarterlyevaluation.open",
            fields=["year", "quarter", "reports_due"],
        )
        neighborhoods = list(Neighborhood.objects.filter(town=town).order_by("code"))
        NeighborhoodEvaluation.objects.bulk_create(
            NeighborhoodEvaluation(evaluation=evaluation, town=town, neighborhood=n) for n in neighborhoods
        )
        org_ids: set[int] = set()
        for n in neighborhoods:
            org_ids |= set(neighborhood_parties(n.pk).values_list("pk", flat=True))
        text = _("The %(quarter)s is open: please submit your organisation's quarterly report by %(due)s.") % {
            "quarter": evaluation,
            "due": reports_due.isoformat(),
        }
        users = users_of(org_ids)
        url = evaluation.get_absolute_url()
        transaction.on_commit(lambda: notify_many([Message(text=text, users=users, url=url)]))
    return evaluation


def close_quarter(*, actor, evaluation: QuarterlyEvaluation, expected_version: int) -> QuarterlyEvaluation:
    ensure_town_manager(actor, evaluation.town_id, "evaluations.manage")
    with transaction.atomic():
        current = lock(evaluation, expected_version=expected_version)
        _refuse_unless_open(current, EvaluationAction.CLOSE)
        return update_record(
            current,
            actor=actor,
            action="evaluations.quarterlyevaluation.close",
            changes={"state": EvaluationState.CLOSED, "closed_at": timezone.now(), "closed_by": actor},
            expected_version=expected_version,
        )


# --- The parties' reports ---------------------------------------------------------------------


def submit_report(
    *, actor, part: NeighborhoodEvaluation, organization: Organization, text: str = "", file=None
) -> PartyReport:
    """A party's quarterly report, written or uploaded or both, by a member of that organisation.
    Submitted once: it is final."""
    text = (text or "").strip()
    if not text and not file:
        raise ValidationError(_("Write the report or attach it as a file."), code="empty")
    if not parties_of(part).filter(pk=organization.pk).exists():
        raise ValidationError(
            _("%(org)s is not one of the four parties of %(nb)s.") % {"org": organization, "nb": part.neighborhood},
            code="not_a_party",
        )
    if not get_scope(actor).has("evaluations.report") or not _is_member(actor, organization):
        raise ValidationError(
            _("Only a member of %(org)s can submit its report.") % {"org": organization}, code="not_a_member"
        )
    clean = clean_file(file) if file else None
    with transaction.atomic():
        evaluation = lock(part.evaluation, check_version=False)
        _refuse_unless_open(evaluation, EvaluationAction.REPORT)
        if PartyReport.objects.filter(evaluation=evaluation, organization=organization).exists():
            raise ValidationError(
                _("%(org)s has already submitted its report for the quarter; a submitted report is final.")
                % {"org": organization},
                code="duplicate",
            )
        report = PartyReport(
            evaluation=evaluation,
            town_id=evaluation.town_id,
            organization=organization,
            text=text,
            submitted_at=timezone.now(),
            submitted_by=actor,
        )
        if clean is not None:
            report.file_name = clean.name
            # Stored only after every check has passed (nothing half-written).
            report.file.save(clean.name, ContentFile(clean.content), save=False)
        report.save()
        audit.record(
            actor,
            "evaluations.partyreport.submit",
            report,
            after=audit.snapshot(report, ["organization", "text", "file_name"]),
        )
    return report


# --- Forums and opinions ----------------------------------------------------------------------


def _ensure_covers(actor, part: NeighborhoodEvaluation) -> None:
    if actor is None:
        return
    if not NeighborhoodEvaluation.objects.for_user(actor, "evaluations.forum").filter(pk=part.pk).exists():
        raise ValidationError(
            _("%(nb)s is outside your inspection group's coverage: you cannot record its forums.")
            % {"nb": part.neighborhood},
            code="outside_coverage",
        )


def record_forum(
    *,
    actor,
    part: NeighborhoodEvaluation,
    held_on: date,
    place: str,
    participants: Iterable[tuple[str, str, Organization | None]],
) -> Forum:
    """A forum held for the quarter in the neighborhood, with its participants (name, category,
    organisation or None)."""
    _ensure_covers(actor, part)
    participants = [(name.strip(), category, org) for name, category, org in participants if name.strip()]
    if not participants:
        raise ValidationError(_("Name at least one participant."), code="no_participants")
    if len(participants) > MAX_PARTICIPANTS:
        raise ValidationError(_("At most %(n)s participants.") % {"n": MAX_PARTICIPANTS}, code="too_many")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A forum is recorded after it is held: the date is in the future.")})
    for _name, category, org in participants:
        if category not in ParticipantCategory.values:
            raise ValidationError(_("Unknown participant category."), code="category")
        if org is not None and org.town_id != part.town_id:
            raise ValidationError(_("The organisation is not in this town."), code="org_town")
    with transaction.atomic():
        evaluation = lock(part.evaluation, check_version=False)
        _refuse_unless_open(evaluation, EvaluationAction.FORUM)
        forum = create_record(
            Forum(
                part=part,
                town_id=part.town_id,
                neighborhood_id=part.neighborhood_id,
                held_on=held_on,
                place=place.strip(),
                recorded_by=actor,
            ),
            actor=actor,
            action="evaluations.forum.create",
            fields=["held_on", "place"],
        )
        ForumParticipant.objects.bulk_create(
            ForumParticipant(forum=forum, name=name[:50], category=category, organization=org)
            for name, category, org in participants
        )
    return forum


def opinion_organizations(part: NeighborhoodEvaluation):
    """Whom an opinion may concern: the organisations serving the neighborhood's compounds."""
    compounds = Compound.objects.filter(neighborhood_id=part.neighborhood_id).values_list("pk", flat=True)
    return serving(part.town_id, compounds)


def _check_organization(part: NeighborhoodEvaluation, organization: Organization) -> None:
    if not opinion_organizations(part).filter(pk=organization.pk).exists():
        raise ValidationError(
            {"organization": _("%(org)s does not serve %(nb)s.") % {"org": organization, "nb": part.neighborhood}},
            code="not_serving",
        )


def add_opinion(*, actor, forum: Forum, text: str, organization: Organization, asks_for_action: bool) -> ForumOpinion:
    part = forum.part
    _ensure_covers(actor, part)
    _check_organization(part, organization)
    with transaction.atomic():
        evaluation = lock(part.evaluation, check_version=False)
        _refuse_unless_open(evaluation, EvaluationAction.OPINION)
        return create_record(
            ForumOpinion(
                forum=forum,
                town_id=forum.town_id,
                text=text.strip(),
                organization=organization,
                asks_for_action=asks_for_action,
                recorded_by=actor,
            ),
            actor=actor,
            action="evaluations.forumopinion.create",
            fields=["text", "organization", "asks_for_action"],
        )


def update_opinion(
    *,
    actor,
    opinion: ForumOpinion,
    text: str,
    organization: Organization,
    asks_for_action: bool,
    expected_version: int,
) -> ForumOpinion:
    part = opinion.forum.part
    _ensure_covers(actor, part)
    _check_organization(part, organization)
    if opinion.rectification_id:
        raise ValidationError(_("This opinion became a rectification order: it is kept as it was heard."))
    with transaction.atomic():
        evaluation = lock(part.evaluation, check_version=False)
        _refuse_unless_open(evaluation, EvaluationAction.OPINION)
        return update_record(
            opinion,
            actor=actor,
            action="evaluations.forumopinion.update",
            changes={"text": text.strip(), "organization": organization, "asks_for_action": asks_for_action},
            expected_version=expected_version,
        )


def follow_up_compounds(actor, opinion: ForumOpinion):
    """The compounds an opinion may be followed up in by this actor: those of the forum's
    neighborhood that one of the actor's inspection groups covers (any, for the town's office)."""
    compounds = Compound.objects.filter(neighborhood_id=opinion.forum.neighborhood_id).order_by("name")
    return [c for c in compounds if groups_for(actor, c)]


def follow_up_opinion(*, actor, opinion: ForumOpinion, compound: Compound, expected_version: int):
    """An opinion asking for action becomes a rectification order (issue 12 item 6) from the actor's
    inspection group to the organisation it concerns, for the compound it is about; the order is
    answered, re-checked and swept in the inspections app. Once per opinion."""
    if not opinion.asks_for_action:
        raise ValidationError(_("Only an opinion that asks for action is followed up."))
    if compound is None or compound.neighborhood_id != opinion.forum.neighborhood_id:
        raise ValidationError({"compound": _("Choose a compound of %(nb)s.") % {"nb": opinion.forum.neighborhood}})
    groups = groups_for(actor, compound)
    if not groups:
        raise ValidationError(
            {"compound": _("No inspection group of yours covers %(compound)s.") % {"compound": compound}}
        )
    with transaction.atomic():
        current = lock(opinion, expected_version=expected_version)
        if current.rectification_id:
            raise ValidationError(_("This opinion is already followed up by a rectification order."))
        order = issue_order_from_forum(
            actor=actor,
            group=groups[0],
            compound=compound,
            responsible=current.organization,
            subject=current.text,
            source_url=current.forum.get_absolute_url(),
        )
        return update_record(
            current,
            actor=actor,
            action="evaluations.forumopinion.follow_up",
            changes={"compound": compound, "rectification": order},
            expected_version=current.version,
        )


# --- Where each party stands ------------------------------------------------------------------


def report_status(evaluation: QuarterlyEvaluation, report: PartyReport | None, today: date) -> str:
    """ "received", "late" (received after the due date), "overdue" or "missing"."""
    if report is not None:
        return "late" if report.late else "received"
    return "overdue" if today > evaluation.reports_due else "missing"


def remind_date(evaluation: QuarterlyEvaluation, today: date) -> bool:
    """Whether the parties still to report are reminded today: due within REMIND_WORKING_DAYS
    working days, or overdue."""
    return workdays.add_working_days(today, REMIND_WORKING_DAYS, evaluation.town_id) >= evaluation.reports_due


def missing_parties(evaluation: QuarterlyEvaluation) -> dict[int, list[Organization]]:
    """neighborhood id → its parties that have not reported."""
    reported = set(PartyReport.objects.filter(evaluation=evaluation).values_list("organization_id", flat=True))
    missing: dict[int, list[Organization]] = {}
    for part in evaluation.neighborhoods.all():
        missing[part.neighborhood_id] = [o for o in parties_of(part) if o.pk not in reported]
    return missing


def sweep_reminders(today: date | None = None) -> dict:
    """Remind the parties of every open quarter whose report is due within three working days or
    overdue: once a day per organisation (the reminders sent are recorded: running twice sends
    nothing more)."""
    today = today or timezone.localdate()
    sent = 0
    for evaluation in QuarterlyEvaluation.objects.open():
        if not remind_date(evaluation, today):
            continue
        overdue = today > evaluation.reports_due
        org_ids: set[int] = set()
        for orgs in missing_parties(evaluation).values():
            org_ids |= {o.pk for o in orgs}
        with transaction.atomic():
            already = set(
                ReportReminder.objects.filter(
                    evaluation=evaluation, sent_on=today, organization_id__in=org_ids
                ).values_list("organization_id", flat=True)
            )
            due = sorted(org_ids - already)
            if not due:
                continue
            ReportReminder.objects.bulk_create(
                [ReportReminder(evaluation=evaluation, organization_id=o, sent_on=today, overdue=overdue) for o in due],
                ignore_conflicts=True,
            )
            if overdue:
                text = _("Your quarterly report for the %(quarter)s was due on %(due)s: please submit it now.")
            else:
                text = _("Reminder: your quarterly report for the %(quarter)s is due on %(due)s.")
            text = text % {"quarter": evaluation, "due": evaluation.reports_due.isoformat()}
            url = evaluation.get_absolute_url()
            messages = [Message(text=text, users=users_of([o]), url=url) for o in due]
            transaction.on_commit(lambda messages=messages: notify_many(messages))
            sent += len(due)
    return {"reminded": sent}
