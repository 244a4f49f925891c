"""What the warning letters hold about a person (gongzhi.accounts.personal_data): nothing about them
as a private person. Letters are addressed to organisations; who drafted, approved, acknowledged,
answered, verified, escalated or discarded one, and who uploaded its evidence, is their
organisation's work record."""

from __future__ import annotations

_WORK = (
    "Work record: who drafted, approved, discarded, acknowledged, answered, verified or escalated a "
    "warning letter, or uploaded its evidence."
)
NOT_INCLUDED = {
    "warnings.letter.drafted_by": _WORK,
    "warnings.letter.sent_by": _WORK,
    "warnings.letter.acknowledged_by": _WORK,
    "warnings.letter.answered_by": _WORK,
    "warnings.letter.verified_by": _WORK,
    "warnings.letter.escalated_by": _WORK,
    "warnings.letter.discarded_by": _WORK,
    "warnings.evidence.uploaded_by": _WORK,
}
