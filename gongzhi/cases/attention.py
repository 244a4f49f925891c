"""Home-page items of the cases (gongzhi.core.registry.attention): new cases to accept, cases
past their deadlines, residents awaiting a callback, cases awaiting the joint meeting."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem

from .selectors import inbox


def _new(n):
    return ngettext(
        "%(n)s new case for your organisation awaits acceptance.",
        "%(n)s new cases for your organisation await acceptance.",
        n,
    )


def _overdue(n):
    return ngettext("%(n)s case is past its deadline.", "%(n)s cases are past their deadlines.", n)


def _callback(n):
    return ngettext(
        "%(n)s resident awaits a callback: no feedback since the case was resolved.",
        "%(n)s residents await a callback: no feedback since their cases were resolved.",
        n,
    )


def _meeting(n):
    return ngettext("%(n)s case awaits the joint meeting.", "%(n)s cases await the joint meeting.", n)


def items_for(user, scope, today):
    if not scope.has("cases.view"):
        return
    boxes = []
    if scope.organization_ids and scope.has("cases.handle"):
        boxes.append(("new", "warning", _new))
    boxes.append(("overdue", "warning", _overdue))
    if scope.has("cases.callback"):
        boxes.append(("callback", "info", _callback))
    if scope.has("cases.route"):
        boxes.append(("meeting", "info", _meeting))
    cases_url = reverse("cases:inbox")
    for box, level, text in boxes:
        count = inbox(user, box).count()
        if count:
            yield AttentionItem(level, text(count) % {"n": count}, f"{cases_url}?box={box}")
