"""What the awards hold about a person (gongzhi.accounts.personal_data): a compound manager's
candidacies for the 好管家 award are about them — each with the year, the award, the figure, the
credit, every exclusion, the nomination and whether they were awarded. The users named on rounds
and nominations are those who did the work (opened, nominated, approved): their organisation's work
record, kept with the round."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section, choice

from .models import Candidate


def _candidacies(user) -> list[dict]:
    rows = (
        Candidate.objects.filter(person__user=user)
        .select_related("round", "company", "person")
        .order_by("-round__year", "round__kind", "pk")
    )
    return [
        {
            "year": c.round.year,
            "award": choice(c.round, "kind"),
            "company": c.company.name if c.company_id else "",
            "figure": str(c.figure) if c.figure is not None else None,
            "credit": c.credit_text,
            "eligible": c.eligible,
            "exclusions": [text for _code, text, _url in c.exclusion_list],
            "nominated": c.nominated,
            "nomination": c.nomination,
            "proposed": c.proposed,
            "awarded": c.awarded,
            "round_state": choice(c.round, "state"),
        }
        for c in rows
    ]


SECTIONS = (
    Section(
        82,
        "award_candidacies",
        _("Your candidacies for awards as a compound manager"),
        _candidacies,
        "awards/personal_data/candidacies.html",
        covers=("awards.candidate.person",),
        only_when_held=True,
    ),
)

_WORK = "Work record: who opened an award round, nominated a candidate or approved the awards."
NOT_INCLUDED = {
    "awards.round.opened_by": _WORK,
    "awards.round.approved_by": _WORK,
    "awards.candidate.nominated_by": _WORK,
}
