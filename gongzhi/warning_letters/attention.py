"""Home-page items: for the office, drafts to approve, answers to verify and letters past their
deadline; for one of the four parties, the letters to its organisation to acknowledge or to answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem

from .models import Letter
from .workflow import LetterState


def items_for(user, scope, today):
    if not scope.has("warnings.view") or scope.is_platform_admin:
        return
    home = reverse("warnings:home")
    if scope.has("warnings.manage"):
        mine = Letter.objects.for_user(user, "warnings.manage")
        late = mine.past_deadline(today).count()
        if late:
            yield AttentionItem(
                "warning",
                ngettext("%(n)s warning letter past its deadline", "%(n)s warning letters past their deadline", late)
                % {"n": late},
                home + "?overdue=1",
            )
        drafts = mine.filter(state=LetterState.DRAFT).count()
        if drafts:
            yield AttentionItem(
                "warning",
                ngettext("%(n)s draft warning letter to approve", "%(n)s draft warning letters to approve", drafts)
                % {"n": drafts},
                home + "?state=draft",
            )
        answered = mine.filter(state=LetterState.ANSWERED).count()
        if answered:
            yield AttentionItem(
                "info",
                ngettext(
                    "%(n)s answer to a warning letter to verify", "%(n)s answers to warning letters to verify", answered
                )
                % {"n": answered},
                home + "?state=answered",
            )
    if scope.has("warnings.answer"):
        theirs = Letter.objects.for_user(user, "warnings.answer")
        to_ack = theirs.filter(state=LetterState.SENT).count()
        if to_ack:
            yield AttentionItem(
                "warning",
                ngettext(
                    "%(n)s warning letter to your organisation to acknowledge",
                    "%(n)s warning letters to your organisation to acknowledge",
                    to_ack,
                )
                % {"n": to_ack},
                home + "?state=sent",
            )
        to_answer = theirs.filter(state__in=[LetterState.ACKNOWLEDGED, LetterState.SENT_BACK]).count()
        if to_answer:
            yield AttentionItem(
                "warning",
                ngettext(
                    "%(n)s warning letter to answer with the rectification",
                    "%(n)s warning letters to answer with the rectification",
                    to_answer,
                )
                % {"n": to_answer},
                home + "?state=to_answer",
            )
