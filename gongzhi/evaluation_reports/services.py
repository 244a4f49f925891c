"""Every write of the evaluation reports (DESIGN.md convention 1): keyword-only, with the actor, in
a transaction, checked, audited; rows locked at the version the user's page showed.

The office: `create_report` (a draft with its sections; the figures assembled by a job),
`request_assembly` (assemble again while drafting, or after a failed job), `save_section` (every
save kept as a draft), `submit`, `distribute` (a delivery per recipient organisation, in its
members' inbox and by SMS to its head), `new_version` (the correction of a frozen report),
`save_recipients` (the town's list), `request_files` (make the PDF and Word files again after a
failure). The leadership group: `approve` (freezes the report), `send_back`. A recipient's member:
`confirm_read` (the read receipt, 签收).

The jobs (`tasks.py`) call `assemble` and `make_files`: they take the report's id and a token, do
nothing when the report has moved on, and publish all or nothing."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.jobs import enqueue_on_commit, try_enqueue
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.scope import in_leadership_group
from gongzhi.core.workflow import lock
from gongzhi.notifications.services import Message, notify_many
from gongzhi.orgs.models import Membership, Organization

from . import figures, recipients
from .models import Delivery, Report, ReportKind, ReportSettings, Section, SectionDraft
from .workflow import REPORT_WORKFLOW, ReportAction, ReportState

logger = logging.getLogger(__name__)
MAX_TEXT = 20000
MAX_REASON = 2000


def _step(report: Report, action: str) -> str:
    to = REPORT_WORKFLOW.target(action, report.state)
    if to is None:
        if report.frozen and action in (ReportAction.EDIT, ReportAction.ASSEMBLE):
            raise ValidationError(
                _("This report is approved and frozen: to correct it, make a new version (this one is kept as it is).")
            )
        if report.frozen and action == ReportAction.APPROVE:
            raise ValidationError(_("This report has been approved already."))
        raise ValidationError(
            _("This report is at the step “%(state)s”: you cannot %(action)s now.")
            % {"state": report.get_state_display(), "action": ReportAction(action).label}
        )
    return to


def _save(report: Report, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])


def title_for(town, kind: str, label: str) -> str:
    """The report's title, in the site's language (a report is an official document)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _title(town, kind, label)


def _title(town, kind: str, label: str) -> str:
    if kind == ReportKind.QUARTER:
        return _("%(town)s %(year)s Q%(q)s evaluation report") % {"town": town.name, "year": label[:4], "q": label[5]}
    if kind == ReportKind.YEAR:
        return _("%(town)s %(year)s annual evaluation report") % {"town": town.name, "year": label}
    return _("%(town)s %(year)s year-end report to the leadership group") % {"town": town.name, "year": label}


def _check_period(kind: str, label: str):
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose a kind of report.")})
    try:
        period = figures.period_for(kind, label)
    except ValueError:
        example = "2026Q3" if kind == ReportKind.QUARTER else "2026"
        raise ValidationError({"period": _("Write the period like %(example)s.") % {"example": example}}) from None
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("This period has not begun yet.")})
    return period


def _write_sections(report: Report, actor, texts: dict | None = None) -> None:
    """The report's sections: its topics, then one per neighborhood; `texts` carries the text of a
    corrected version (by key and neighborhood), each kept as the new section's first draft."""
    from gongzhi.places.models import Neighborhood

    texts = texts or {}
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):  # the headings of an official document
        rows = [
            Section(report=report, key=t.key, position=i, heading=str(t.heading), text=texts.get((t.key, None), ""))
            for i, t in enumerate(figures.topics_for(report.kind))
        ]
    start = len(rows)
    for i, nb in enumerate(Neighborhood.objects.filter(town_id=report.town_id).order_by("code")):
        rows.append(
            Section(
                report=report, key=figures.NEIGHBORHOOD_TOPIC, neighborhood=nb, position=start + i,
                heading=nb.name, text=texts.get((figures.NEIGHBORHOOD_TOPIC, nb.pk), ""),
            )
        )  # fmt: skip
    created = Section.objects.bulk_create(rows)
    SectionDraft.objects.bulk_create(
        [SectionDraft(section=s, text=s.text, saved_at=now, saved_by=actor) for s in created if s.text]
    )


def _queue_assembly(report: Report, actor) -> None:
    from .tasks import assemble_report

    report.assembly_requested_at, report.assembly_requested_by = timezone.now(), actor
    report.assembly_error, report.assembly_done, report.assembly_total = "", 0, 0
    token = report.assembly_requested_at.isoformat()
    # report.pk read at commit: a new report is saved after this call
    transaction.on_commit(lambda: try_enqueue(assemble_report, report.pk, token))


ASSEMBLY_FIELDS = [
    "assembly_requested_at",
    "assembly_requested_by",
    "assembly_error",
    "assembly_done",
    "assembly_total",
]


def create_report(*, actor, town, kind: str, period: str) -> Report:
    """A new draft (version 1) of the town's report for the period; its figures are assembled by a job."""
    ensure_town_manager(actor, town.pk, "reports.write")
    label = (period or "").strip().upper()
    _check_period(kind, label)
    if Report.objects.filter(town=town, kind=kind, period=label).exists():
        raise ValidationError(
            {"period": _("There is a report for this period already: open it (or make a new version of it).")}
        )
    try:
        with transaction.atomic():
            report = Report(town=town, kind=kind, period=label, title=title_for(town, kind, label), created_by=actor)
            _queue_assembly(report, actor)
            report.save()
            _write_sections(report, actor)
            audit.record(actor, "evaluation_reports.report.create", report, after={"kind": kind, "period": label})
    except IntegrityError:
        raise ValidationError({"period": _("There is a report for this period already.")}) from None
    return report


def request_assembly(*, actor, report: Report, version: int | None) -> Report:
    """Assemble the figures again from the records (while drafting; or after a failed job)."""
    ensure_town_manager(actor, report.town_id, "reports.write")
    with transaction.atomic():
        current = lock(report, expected_version=version)
        _step(current, ReportAction.ASSEMBLE)
        _queue_assembly(current, actor)
        _save(current, ASSEMBLY_FIELDS)
        audit.record(actor, "evaluation_reports.report.assemble", current)
    return current


def assemble(report_id: int, token: str, attempt: int = 1) -> str:
    """The assembly job's work: compute the snapshot outside any transaction (it reads much), then
    store it in one step — only if the report is still a draft waiting for this very request. A
    failure stores its message and leaves the previous figures as they were."""
    report = Report.objects.select_related("town").get(pk=report_id)
    if report.assembly_requested_at is None or report.assembly_requested_at != datetime.fromisoformat(token):
        return "stale"
    if report.state != ReportState.DRAFT:
        return "frozen"

    def progress(done: int, total: int) -> None:
        Report.objects.filter(pk=report_id).update(assembly_done=done, assembly_total=total)

    try:
        snapshot = figures.assemble(report.town, report.kind, report.period, progress)
    except Exception as error:  # tried again by itself; at the last attempt stored for the office to see
        from .tasks import again, assemble_report

        logger.exception("assembling report %s failed (attempt %s)", report_id, attempt)
        if again(assemble_report, report_id, token, attempt=attempt):
            return "retrying"
        Report.objects.filter(pk=report_id, assembly_requested_at=report.assembly_requested_at).update(
            assembly_error=_("The figures could not be assembled (%(error)s). Nothing was changed: try again.")
            % {"error": type(error).__name__}
        )
        return "failed"
    with transaction.atomic():
        current = lock(Report, report_id, check_version=False)
        if current.assembly_requested_at != report.assembly_requested_at or current.state != ReportState.DRAFT:
            return "stale"
        current.figures, current.figures_at = snapshot, timezone.now()
        current.assembly_requested_at, current.assembly_error = None, ""
        _save(current, ["figures", "figures_at", "assembly_requested_at", "assembly_error"])
        audit.record(
            current.assembly_requested_by, "evaluation_reports.report.assembled", current,
            after={"neighborhoods": len(snapshot["neighborhoods"])},
        )  # fmt: skip
    return "done"


def save_section(*, actor, section: Section, version: int | None, text: str) -> Section:
    """Save a section's text; the save is kept as a draft (who, when, what)."""
    ensure_town_manager(actor, section.report.town_id, "reports.write")
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    with transaction.atomic():
        report = lock(Report, section.report_id, check_version=False)
        _step(report, ReportAction.EDIT)
        current = lock(section, expected_version=version)
        before = current.text
        if text == before:
            return current
        current.text = text
        current.version += 1
        current.save(update_fields=["text", "version", "updated_at"])
        SectionDraft.objects.create(section=current, text=text, saved_at=timezone.now(), saved_by=actor)
        audit.record(
            actor, "evaluation_reports.section.save", current, after={"characters": len(text)}, town_id=report.town_id
        )
    return current


def submit(*, actor, report: Report, version: int | None) -> Report:
    """Put the draft before the leadership group: its figures assembled, none being assembled."""
    ensure_town_manager(actor, report.town_id, "reports.write")
    with transaction.atomic():
        current = lock(report, expected_version=version)
        to = _step(current, ReportAction.SUBMIT)
        if current.assembly_requested_at is not None and not current.assembly_error:
            raise ValidationError(_("The figures are being assembled: submit once they are ready."))
        if current.figures_at is None:
            raise ValidationError(_("The figures have not been assembled: assemble them first."))
        current.state, current.submitted_at, current.submitted_by = to, timezone.now(), actor
        current.returned_reason = ""
        _save(current, ["state", "submitted_at", "submitted_by", "returned_reason"])
        audit.record(actor, "evaluation_reports.report.submit", current, after={"state": to})
    return current


def may_approve(actor, report: Report) -> bool:
    return in_leadership_group(actor, report.town_id)


def send_back(*, actor, report: Report, version: int | None, reason: str) -> Report:
    """The leadership group sends the report back to the office, saying why."""
    if not may_approve(actor, report):
        raise PermissionDenied(f"may not decide report {report.pk}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report goes back.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": MAX_REASON}})
    with transaction.atomic():
        current = lock(report, expected_version=version)
        to = _step(current, ReportAction.SEND_BACK)
        current.state, current.returned_reason = to, reason
        _save(current, ["state", "returned_reason"])
        audit.record(actor, "evaluation_reports.report.send_back", current, after={"state": to, "reason": reason})
    return current


def approve(*, actor, report: Report, version: int | None) -> Report:
    """The leadership group approves: the report is frozen; its PDF and Word files are made by a job."""
    from .tasks import make_report_files

    if not may_approve(actor, report):
        raise PermissionDenied(f"may not approve report {report.pk}")
    with transaction.atomic():
        current = lock(report, expected_version=version)
        to = _step(current, ReportAction.APPROVE)
        current.state, current.approved_at, current.approved_by = to, timezone.now(), actor
        _save(current, ["state", "approved_at", "approved_by"])
        audit.record(actor, "evaluation_reports.report.approve", current, after={"state": to})
        enqueue_on_commit(make_report_files, current.pk)
    return current


def make_files(report_id: int, attempt: int = 1) -> str:
    """The files job's work: the PDF and the Word file of a frozen report, made in memory, then both
    stored and published together; a failure publishes neither and says so on the report."""
    from .documents import report_docx, report_pdf

    report = Report.objects.select_related("town").get(pk=report_id)
    if not report.frozen:
        return "not frozen"
    if report.files_at is not None:
        return "done already"
    try:
        pdf, docx = report_pdf(report), report_docx(report)
    except Exception as error:
        from .tasks import again, make_report_files

        logger.exception("making the files of report %s failed (attempt %s)", report_id, attempt)
        if again(make_report_files, report_id, attempt=attempt):
            return "retrying"
        Report.objects.filter(pk=report_id).update(
            files_error=_("The PDF and Word files could not be made (%(error)s): try again.")
            % {"error": type(error).__name__}
        )
        return "failed"
    with transaction.atomic():
        current = lock(Report, report_id, check_version=False)
        if current.files_at is not None:
            return "done already"
        name = f"{current.town.code}-{current.kind}-{current.period}-v{current.number}"
        current.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        current.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        current.files_at, current.files_error = timezone.now(), ""
        _save(current, ["pdf", "docx", "files_at", "files_error"])
    return "done"


def request_files(*, actor, report: Report, version: int | None) -> Report:
    """Ask for the files again after the job failed."""
    from .tasks import make_report_files

    ensure_town_manager(actor, report.town_id, "reports.write")
    with transaction.atomic():
        current = lock(report, expected_version=version)
        if not current.frozen:
            raise ValidationError(_("The files are made once the report is approved."))
        if current.files_at is not None:
            raise ValidationError(_("The files are made already."))
        current.files_error = ""
        _save(current, ["files_error"])
        audit.record(actor, "evaluation_reports.report.files", current)
        enqueue_on_commit(make_report_files, current.pk)
    return current


def _notify_members(organizations: list[Organization], text: str, url_of) -> dict[int, tuple[int, int]]:
    """In-app to each active member with an account; SMS to the organisation's head(s) (each
    member when it has no head). Returns {organisation id: (members notified, SMS)}."""
    rows = Membership.objects.filter(organization__in=organizations).active().select_related("person")
    by_org: dict[int, list] = {}
    for m in rows.order_by("organization_id", "person_id"):
        by_org.setdefault(m.organization_id, []).append(m)
    messages, counts = [], {}
    for org in organizations:
        members = by_org.get(org.pk, [])
        heads = [m for m in members if m.position == Membership.Position.HEAD] or members
        users = sorted({m.person.user_id for m in members if m.person.user_id})
        phones = sorted({m.person.phone for m in heads if m.person.phone})
        messages.append(Message(text=text, users=users, url=url_of(org)))
        messages += [Message(text=text, sms_phone=phone, url=url_of(org)) for phone in phones]
        counts[org.pk] = (len(users), len(phones))
    notify_many(messages)
    return counts


def distribute(*, actor, report: Report, version: int | None) -> Report:
    """Send the approved report to each recipient organisation of the town's list (for the year-end
    report: the leadership group's member units): its inbox, an SMS to its head, a read receipt."""
    ensure_town_manager(actor, report.town_id, "reports.write")
    with transaction.atomic():
        current = lock(report, expected_version=version)
        to = _step(current, ReportAction.DISTRIBUTE)
        if current.files_at is None:
            raise ValidationError(_("The PDF and Word files are not made yet: distribute once they are ready."))
        orgs = recipients.for_report(current)
        if not orgs:
            raise ValidationError(_("The distribution list is empty: add recipients first."))
        foreign = [o for o in orgs if o.town_id != current.town_id]
        if foreign:
            raise ValidationError(
                _("Not an organisation of this town: %(names)s") % {"names": "、".join(o.name for o in foreign)}
            )
        now = timezone.now()
        deliveries = {}
        for org in orgs:
            whole, nbs = recipients.neighborhoods_of(org, current)
            deliveries[org.pk] = Delivery.objects.create(
                report=current, organization=org, whole_town=whole, neighborhood_ids=nbs, delivered_at=now
            )
        text = _("%(title)s has been sent to you by the community affairs office: read it and confirm.") % {
            "title": str(current)
        }
        counts = _notify_members(orgs, text, lambda org: deliveries[org.pk].get_absolute_url())
        for org_id, (notified, sms) in counts.items():
            Delivery.objects.filter(pk=deliveries[org_id].pk).update(notified=notified, sms=sms)
        current.state, current.distributed_at, current.distributed_by = to, now, actor
        _save(current, ["state", "distributed_at", "distributed_by"])
        audit.record(
            actor, "evaluation_reports.report.distribute", current,
            after={"state": to, "recipients": len(orgs), "sms": sum(s for _n, s in counts.values())},
        )  # fmt: skip
    return current


def may_confirm(actor, delivery: Delivery) -> bool:
    from gongzhi.core.scope import get_scope

    scope = get_scope(actor)
    return any(
        g.organization_id == delivery.organization_id and "reports.receive" in g.permissions for g in scope.grants
    )


def confirm_read(*, actor, delivery: Delivery) -> Delivery:
    """A member of the recipient organisation confirms it has read the report (签收); the first
    confirmation is the organisation's receipt, later ones change nothing."""
    if not may_confirm(actor, delivery):
        raise PermissionDenied(f"may not confirm delivery {delivery.pk}")
    with transaction.atomic():
        current = lock(Delivery, delivery.pk, check_version=False)
        if current.read_at is not None:
            return current
        current.read_at, current.read_by = timezone.now(), actor
        current.save(update_fields=["read_at", "read_by"])
        audit.record(actor, "evaluation_reports.delivery.read", current, town_id=current.report.town_id)
    return current


def new_version(*, actor, report: Report, version: int | None, reason: str) -> Report:
    """A correction of a frozen report: a new draft numbered next, naming the one it corrects (kept
    as it is), with its sections' text carried over and its figures assembled anew."""
    ensure_town_manager(actor, report.town_id, "reports.write")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the new version corrects.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": MAX_REASON}})
    try:
        with transaction.atomic():
            current = lock(report, expected_version=version)
            if not current.frozen:
                raise ValidationError(_("This version is still a draft: edit it instead of making a new one."))
            latest = Report.objects.filter(town_id=current.town_id, kind=current.kind, period=current.period)
            if latest.filter(number__gt=current.number).exists():
                raise ValidationError(_("A newer version of this report exists: correct that one."))
            texts = {(s.key, s.neighborhood_id): s.text for s in current.sections.all()}
            new = Report(
                town_id=current.town_id, kind=current.kind, period=current.period, number=current.number + 1,
                previous=current, correction_reason=reason, title=current.title, created_by=actor,
            )  # fmt: skip
            _queue_assembly(new, actor)
            new.save()
            _write_sections(new, actor, texts)
            audit.record(
                actor, "evaluation_reports.report.new_version", new, after={"number": new.number, "reason": reason}
            )
    except IntegrityError:
        raise ValidationError(_("A version of this report is being drafted already.")) from None
    return new


def save_recipients(*, actor, town, organizations, version: int | None) -> ReportSettings:
    """The town's distribution list (the office): organisations of the town only."""
    ensure_town_manager(actor, town.pk, "reports.write")
    orgs = list(organizations)
    foreign = [o for o in orgs if o.town_id != town.pk]
    if foreign:
        raise ValidationError(
            {
                "recipients": _("Not an organisation of this town: %(names)s")
                % {"names": "、".join(o.name for o in foreign)}
            }
        )
    if not orgs:
        raise ValidationError({"recipients": _("Choose at least one recipient.")})
    with transaction.atomic():
        current, _created = ReportSettings.objects.get_or_create(town=town)
        current = lock(current, expected_version=version if current.customised else current.version)
        before = sorted(current.recipients.values_list("pk", flat=True)) if current.customised else None
        current.customised = True
        current.version += 1
        current.save(update_fields=["customised", "version", "updated_at"])
        current.recipients.set(orgs)
        audit.record(
            actor, "evaluation_reports.reportsettings.update", current,
            before={"recipients": before}, after={"recipients": sorted(o.pk for o in orgs)}, town_id=town.pk,
        )  # fmt: skip
    return current


def visible_deliveries(user):
    return Delivery.objects.for_user(user).filter(Q(report__state=ReportState.DISTRIBUTED))
