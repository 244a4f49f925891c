"""The property company's annual report to the joint meeting (年度述职, R-MTG-5).

Who reports: the compound manager of the report's service contract (`ServiceContract.manager`,
seed 四㈢: 物业服务企业小区经理每年向联席会议述职). The manager — or the company's head (an
active membership in the company with position *head*) — may name a deputy, an active member of
the company with a login, who then writes and submits the report instead; the naming is recorded
on the report (who, by whom, when) and in the audit log. Nobody else writes it.

How: the reporter keeps the report as a draft (`save_annual_report_draft`, files attached with
it) as long as they like, then submits it (`submit_annual_report`); submitted is final — the
meeting rates what was submitted (`rate_annual_report`), and the first rating marks it rated.
Every write is checked against the table REPORT_WORKFLOW and the report's version (two editors
never overwrite each other). A refusal is a ValidationError in words, shown on the report's
page with what was typed kept."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core import audit
from gongzhi.core.uploads import clean_files
from gongzhi.core.workflow import lock
from gongzhi.orgs.models import Membership, Person

from ..models import (
    REPORT_WORKFLOW,
    AnnualReport,
    AnnualReportFile,
    AnnualReportRating,
    Invitee,
    ReportAction,
    ReportState,
)
from ..workflow import (
    MeetingState,
)
from .access import (
    _require_chair,
)

REPORT_SECTIONS = ("service", "management", "rectification", "other")
MAX_SECTION = 10000
MAX_REPORT_FILES = 20  # files on one report, all uploads together


# --- who may write the report -----------------------------------------------------------------


def _person_in_town(user, town_id: int) -> Person | None:
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user, town_id=town_id).first()


def _company_members(report: AnnualReport):
    return Membership.objects.filter(organization_id=report.company_id).active()


def _is_company_head(person: Person | None, report: AnnualReport) -> bool:
    return bool(person) and _company_members(report).filter(person=person, position=Membership.Position.HEAD).exists()


def reporter_refusal(user, report: AnnualReport) -> str | None:
    """Why `user` may not write or submit `report` (None when they may): only the contract's
    compound manager, or the deputy named for this report while still in the company."""
    person = _person_in_town(user, report.town_id)
    manager_id = report.contract.manager_id
    if person is not None and person.pk == manager_id:
        return None
    if person is not None and person.pk == report.deputy_id and _company_members(report).filter(person=person).exists():
        return None
    names = {"compound": report.compound.name}
    if report.deputy_id:
        names.update(deputy=report.deputy.name)
        if manager_id:
            names.update(manager=report.contract.manager.name)
            return (
                _(
                    "Only the compound manager of %(compound)s (%(manager)s) or the named deputy (%(deputy)s) writes this report."
                )
                % names
            )
        return _("Only the deputy named for %(compound)s (%(deputy)s) writes this report.") % names
    if manager_id:
        names.update(manager=report.contract.manager.name)
        return (
            _(
                "Only the compound manager of %(compound)s (%(manager)s) writes this report, or a deputy the manager "
                "or the company's head names."
            )
            % names
        )
    return (
        _(
            "The service contract of %(compound)s names no compound manager: the company's head names a deputy "
            "to report, or the office records the manager on the contract."
        )
        % names
    )


def delegation_refusal(user, report: AnnualReport) -> str | None:
    """Why `user` may not name a deputy for `report` (None when they may): the compound manager
    of the contract and the company's head may."""
    person = _person_in_town(user, report.town_id)
    if person is not None and (person.pk == report.contract.manager_id or _is_company_head(person, report)):
        return None
    return _("Only the compound manager or the head of %(company)s names a deputy for this report.") % {
        "company": report.company.name
    }


def deputy_candidates(report: AnnualReport):
    """Whom a deputy may be: the company's active members with a login, not the manager."""
    people = Person.objects.filter(
        pk__in=_company_members(report).values("person_id"), user__isnull=False, user__is_active=True
    )
    if report.contract.manager_id:
        people = people.exclude(pk=report.contract.manager_id)
    return people.order_by("name")


def _refuse_unless(action: str, report: AnnualReport) -> str:
    to = REPORT_WORKFLOW.target(action, report.state)
    if to is None:
        if report.state == ReportState.DRAFT:
            raise ValidationError(_("The report has not been submitted yet."))
        raise ValidationError(_("The report has been submitted: it can no longer change."))
    return to


# --- writing ----------------------------------------------------------------------------------


def _clean_sections(sections: dict[str, str]) -> dict[str, str]:
    values = {name: (sections.get(name) or "").strip() for name in REPORT_SECTIONS}
    errors = {name: _("At most 10,000 characters.") for name, value in values.items() if len(value) > MAX_SECTION}
    if errors:
        raise ValidationError(errors)
    return values


def _lock_for_writing(actor, report: AnnualReport, action: str, expected_version: int) -> AnnualReport:
    current = lock(report, expected_version=expected_version, related=("contract", "compound", "company"))
    _refuse_unless(action, current)
    refusal = reporter_refusal(actor, current)
    if refusal:
        raise ValidationError(refusal)
    return current


def _attach(actor, report: AnnualReport, files: Sequence, now) -> list[str]:
    clean = clean_files(files)
    if not clean:
        return []
    if report.files.count() + len(clean) > MAX_REPORT_FILES:
        raise ValidationError({"files": _("A report has at most %(n)d files.") % {"n": MAX_REPORT_FILES}})
    for c in clean:
        row = AnnualReportFile(report=report, name=c.name, size=c.size, added_by=actor, added_at=now)
        row.file.save(c.name, ContentFile(c.content), save=False)
        row.save()
    return [c.name for c in clean]


def _write(actor, current: AnnualReport, values: dict[str, str], files: Sequence, now) -> tuple[dict, dict]:
    """Write the sections and attach the files; the audit's before and after."""
    before = audit.snapshot(current, REPORT_SECTIONS)
    after = {name: value for name, value in values.items() if value != before[name]}
    before = {name: before[name] for name in after}
    added = _attach(actor, current, files, now)
    if added:
        after["files"] = "、".join(added)
    for name, value in values.items():
        setattr(current, name, value)
    current.saved_by, current.saved_at = actor, now
    current.version += 1
    return before, after


def save_annual_report_draft(
    *, actor, report: AnnualReport, sections: dict[str, str], files: Sequence = (), expected_version: int
) -> AnnualReport:
    """Keep the report as a draft (nothing is required yet; nobody outside the company reads it)."""
    values = _clean_sections(sections)
    with transaction.atomic():
        current = _lock_for_writing(actor, report, ReportAction.SAVE, expected_version)
        now = timezone.now()
        before, after = _write(actor, current, values, files, now)
        current.save(update_fields=[*REPORT_SECTIONS, "saved_by", "saved_at", "version"])
        audit.record(actor, "meetings.annualreport.draft", current, before=before or None, after=after or None)
    return current


def submit_annual_report(
    *, actor, report: AnnualReport, sections: dict[str, str], files: Sequence = (), expected_version: int
) -> AnnualReport:
    """Submit the report (service, management, rectification, other work): final — the meeting
    rates what was submitted."""
    values = _clean_sections(sections)
    if not values["service"] or not values["management"]:
        raise ValidationError({"service": _("Report at least on service and on management.")})
    with transaction.atomic():
        current = _lock_for_writing(actor, report, ReportAction.SUBMIT, expected_version)
        now = timezone.now()
        to = _refuse_unless(ReportAction.SUBMIT, current)
        before, after = _write(actor, current, values, files, now)
        reporter = _person_in_town(actor, current.town_id)
        before["state"], after["state"] = current.state, to
        after["reporter"] = reporter.pk
        if current.deputy_id == reporter.pk and current.delegated_by_id:
            after["delegated_by"] = current.delegated_by_id
        current.state, current.reporter = to, reporter
        current.submitted_by, current.submitted_at = actor, now
        current.save(
            update_fields=[
                *REPORT_SECTIONS,
                "state",
                "reporter",
                "submitted_by",
                "submitted_at",
                "saved_by",
                "saved_at",
                "version",
            ]
        )
        audit.record(actor, "meetings.annualreport.submit", current, before=before, after=after)
    return current


def remove_annual_report_file(
    *, actor, report: AnnualReport, file: AnnualReportFile, expected_version: int
) -> AnnualReport:
    """Take a file off a draft."""
    with transaction.atomic():
        current = _lock_for_writing(actor, report, ReportAction.ATTACH, expected_version)
        row = AnnualReportFile.objects.filter(report=current, pk=file.pk).first()
        if row is None:
            raise ValidationError(_("That file is no longer attached."))
        name = row.name
        row.file.delete(save=False)
        row.delete()
        current.saved_by, current.saved_at = actor, timezone.now()
        current.version += 1
        current.save(update_fields=["saved_by", "saved_at", "version"])
        audit.record(actor, "meetings.annualreport.remove_file", current, before={"files": name})
    return current


def delegate_annual_report(
    *, actor, report: AnnualReport, deputy: Person | None, expected_version: int
) -> AnnualReport:
    """Name a deputy who writes and submits the report instead of the compound manager (None:
    take the naming back). The compound manager or the company's head names them."""
    with transaction.atomic():
        current = lock(report, expected_version=expected_version, related=("contract", "compound", "company"))
        _refuse_unless(ReportAction.DELEGATE, current)
        refusal = delegation_refusal(actor, current)
        if refusal:
            raise ValidationError(refusal)
        if deputy is not None and not deputy_candidates(current).filter(pk=deputy.pk).exists():
            raise ValidationError(
                {
                    "deputy": _("A deputy is a member of %(company)s with a login, other than the compound manager.")
                    % {"company": current.company.name}
                }
            )
        if (deputy.pk if deputy else None) == current.deputy_id:
            raise ValidationError({"deputy": _("That is already so.")})
        by = _person_in_town(actor, current.town_id)
        before = {"deputy": current.deputy_id}
        after = {"deputy": deputy.pk, "delegated_by": by.pk} if deputy else {"deputy": None, "by": by.name}
        current.deputy = deputy
        current.delegated_by, current.delegated_at = (by, timezone.now()) if deputy else (None, None)
        current.version += 1
        current.save(update_fields=["deputy", "delegated_by", "delegated_at", "version"])
        audit.record(actor, "meetings.annualreport.delegate", current, before=before, after=after)
    return current


# --- the meeting's rating ---------------------------------------------------------------------


def rate_annual_report(
    *, actor, report: AnnualReport, invitee: Invitee, rating: str, comment: str = ""
) -> AnnualReportRating:
    """An attendee's rating of the report at the meeting (satisfied / basically / not)."""
    if rating not in Case.Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or unsatisfied.")})
    with transaction.atomic():
        current = lock(report, check_version=False)  # serialises the ratings; the text is not edited
        meeting = invitee.meeting
        is_self = invitee.person_id and Person.objects.filter(pk=invitee.person_id, user=actor).exists()
        if not is_self:
            _require_chair(actor, meeting)
        to = _refuse_unless(ReportAction.RATE, current)
        if not meeting.items.filter(annual_report=current).exists():
            raise ValidationError(_("The report is not on this meeting's agenda."))
        if meeting.state != MeetingState.IN_SESSION:
            raise ValidationError(_("The report is rated at the meeting."))
        if not invitee.here:
            raise ValidationError(_("%(name)s is not recorded as present.") % {"name": invitee.name})
        if invitee.organization_id == current.company_id:
            raise ValidationError(_("The reporting company does not rate its own report."))
        try:
            with transaction.atomic():
                row = AnnualReportRating.objects.create(
                    report=current,
                    invitee=invitee,
                    rating=rating,
                    comment=(comment or "").strip()[:2000],
                    recorded_by=actor,
                    recorded_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s has already rated the report.") % {"name": invitee.name}) from None
        after = {"by": invitee.name, "rating": rating}
        if to != current.state:
            after["state"] = to
            current.state = to
            current.version += 1
            current.save(update_fields=["state", "version"])
        audit.record(actor, "meetings.annualreport.rate", current, after=after)
    return row
