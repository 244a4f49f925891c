"""What the credit files hold about a person (gongzhi.accounts.personal_data): a compound
manager's credit records are about them — every record naming them as the compound manager is in
their download, with its state, its objection and correction and their outcomes (not the evidence
files, which are the company's and the office's documents; the page names how many there are).
What staff did on records (wrote, objected, decided, checked) is their organisation's work record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section, choice

from . import rules
from .models import CreditRecord


def _records(user) -> list[dict]:
    rows = (
        CreditRecord.objects.filter(manager__user=user)
        .select_related("company", "compound", "objection", "correction")
        .prefetch_related("evidence")
        .order_by("-valid_from", "-pk")
    )
    out = []
    for r in rows:
        objection = getattr(r, "objection", None) if hasattr(r, "objection") else None
        correction = getattr(r, "correction", None) if hasattr(r, "correction") else None
        out.append(
            {
                "company": r.company.name,
                "compound": r.compound.name if r.compound_id else "",
                "kind": choice(r, "kind"),
                "points": r.points,
                "category": rules.label_of(r.category),
                "text": r.text,
                "valid_from": r.valid_from,
                "valid_until": r.valid_until,
                "state": choice(r, "state"),
                "recorded_at": r.recorded_at,
                "evidence_files": len(r.evidence.all()),
                "objection": {
                    "reason": objection.reason,
                    "raised_at": objection.raised_at,
                    "decision": choice(objection, "decision"),
                    "decision_reason": objection.decision_reason,
                }
                if objection
                else None,
                "correction": {
                    "reason": correction.reason,
                    "asked_at": correction.asked_at,
                    "outcome": choice(correction, "outcome"),
                    "check_reason": correction.check_reason,
                }
                if correction
                else None,
            }
        )
    return out


SECTIONS = (
    Section(
        80,
        "credit_records",
        _("Credit records about you as a compound manager"),
        _records,
        "credit/personal_data/records.html",
        covers=("credit.creditrecord.manager",),
        only_when_held=True,
    ),
)

_WORK = "Work record: who wrote, objected to, decided or checked a credit record, or uploaded its evidence."
NOT_INCLUDED = {
    "credit.creditrecord.recorded_by": _WORK,
    "credit.objection.raised_by": _WORK,
    "credit.objection.decided_by": _WORK,
    "credit.correction.asked_by": _WORK,
    "credit.correction.checked_by": _WORK,
    "credit.evidence.uploaded_by": _WORK,
}
