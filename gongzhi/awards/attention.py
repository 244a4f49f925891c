"""Home-page items: the office — rounds sent back, approved rounds to announce; the leadership
group — proposals to approve; the inspection groups — open rounds with eligible candidates in the
places they cover and no nomination of theirs yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.registry import AttentionItem

from .models import Candidate, Round
from .services import may_approve
from .workflow import RoundState


def items_for(user, scope, today):
    if not scope.has("awards.view") or scope.is_platform_admin:
        return
    if scope.has("awards.manage"):
        towns = scope.area("awards.manage").towns
        for r in Round.objects.filter(town_id__in=towns, state=RoundState.APPROVED):
            yield AttentionItem(
                "info", _("%(round)s approved: announce it") % {"round": r}, reverse("awards:round", args=[r.uid])
            )
        for r in Round.objects.filter(town_id__in=towns, state=RoundState.OPEN).exclude(returned_reason=""):
            yield AttentionItem(
                "warning",
                _("%(round)s sent back by the leadership group") % {"round": r},
                reverse("awards:round", args=[r.uid]),
            )
    if scope.has("awards.approve"):
        # the office carries every permission string: only the leadership group is asked
        submitted = Round.objects.for_user(user).filter(state=RoundState.SUBMITTED)
        for r in (r for r in submitted if may_approve(user, r)):
            yield AttentionItem(
                "warning", _("%(round)s: the proposal awaits your approval") % {"round": r},
                reverse("awards:round", args=[r.uid]),
            )  # fmt: skip
    if scope.has("awards.nominate") and not scope.has("awards.manage"):
        open_rounds = Round.objects.for_user(user, "awards.nominate").filter(state=RoundState.OPEN)
        for r in open_rounds:
            if r.standard_check:
                continue
            mine = Candidate.objects.for_user(user, "awards.nominate").filter(round=r)
            if mine.filter(eligible=True).exists() and not mine.filter(nominated_by=user).exists():
                yield AttentionItem(
                    "info",
                    _("%(round)s: nominations are open for the places you cover") % {"round": r},
                    reverse("awards:round", args=[r.uid]),
                )
