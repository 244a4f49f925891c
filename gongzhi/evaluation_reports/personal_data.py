"""What the evaluation reports hold about a person (gongzhi.accounts.personal_data): nothing about
them as a subject — the reports are about organisations and places. The users named on reports,
sections and deliveries are those who did the work (drafted, submitted, approved, distributed,
saved a draft, confirmed a receipt for their organisation): their organisation's work record, kept
with the report."""

from __future__ import annotations

SECTIONS = ()

_WORK = (
    "Work record: who started, submitted, approved or distributed an evaluation report, saved a draft "
    "of its text, or confirmed its receipt for their organisation."
)
NOT_INCLUDED = {
    "evaluation_reports.report.created_by": _WORK,
    "evaluation_reports.report.assembly_requested_by": _WORK,
    "evaluation_reports.report.submitted_by": _WORK,
    "evaluation_reports.report.approved_by": _WORK,
    "evaluation_reports.report.distributed_by": _WORK,
    "evaluation_reports.sectiondraft.saved_by": _WORK,
    "evaluation_reports.delivery.read_by": _WORK,
}
