"""What the assessments hold about a person (gongzhi.accounts.personal_data): nothing about them
as its subject — an assessment is about an organisation (a property company's contract, a
committee, a party organisation) or a compound, never a person. The users named on its records
are those who did the work (opened, scored, objected, decided, approved, uploaded): their
organisation's work record, kept with the assessment."""

from __future__ import annotations

SECTIONS = ()

_WORK = (
    "Work record: who drafted a scheme, opened, approved or scored an assessment, objected to it for "
    "their organisation, decided an objection or uploaded its evidence."
)
NOT_INCLUDED = {
    "assessments.scheme.created_by": _WORK,
    "assessments.cycle.opened_by": _WORK,
    "assessments.cycle.approved_by": _WORK,
    "assessments.score.scored_by": _WORK,
    "assessments.objection.raised_by": _WORK,
    "assessments.objection.decided_by": _WORK,
    "assessments.evidence.uploaded_by": _WORK,
}
