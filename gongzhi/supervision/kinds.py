"""What the leadership group and the office may urge (督办): an overdue case, an overdue
rectification order, an overdue resolution and a warning letter past its deadline. Each kind says
where its overdue records are (by the rule its own app defines: `Case.objects.overdue`,
`RectificationOrder.objects.overdue`, `Resolution.objects.overdue`, `Letter.objects.past_deadline`),
who is responsible for one, and whether it is still overdue — an urged record "moves" when it no
longer is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case
from gongzhi.inspections.models import RectificationOrder
from gongzhi.meetings.models import Resolution
from gongzhi.warning_letters.models import Letter


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    model: type
    object_type: str  # the audit log's name of the model: the urging is on the record's timeline
    overdue: Callable[[QuerySet, date], QuerySet]  # the overdue ones among a queryset of the model
    responsible: Callable[[Any], list]  # the organisations to notify
    title: Callable[[Any], str]
    due: Callable[[Any], date | None]
    related: tuple[str, ...] = ()
    detail: str = ""  # the URL name of the record's page (its uid the last argument)

    def url(self, obj) -> str:
        return reverse(self.detail, args=[obj.uid])

    def overdue_in(self, town_ids, today: date) -> QuerySet:
        rows = self.model.objects.filter(town_id__in=town_ids).select_related(*self.related)
        return self.overdue(rows, today)

    def still_overdue(self, obj, today: date) -> bool:
        return self.overdue(self.model.objects.filter(pk=obj.pk), today).exists()

    def state_label(self, obj) -> str:
        return str(obj.get_state_display())

    def days_late(self, obj, today: date) -> int | None:
        """Today − the record's date, in calendar days (docs/metrics.md, 督办)."""
        due = self.due(obj)
        return (today - due).days if due else None

    def described(self, obj, today: date, url=None) -> dict:
        """What the pages show of one record: its title, link, state, who is responsible, its date
        and how late it is. `url`: uid → link (a list's `core.pages.uid_link`, reversed once)."""
        return {
            "obj": obj,
            "title": self.title(obj),
            "url": url(obj.uid) if url is not None else self.url(obj),
            "state": self.state_label(obj),
            "responsible": [o.name for o in self.responsible(obj) if o is not None],
            "due": self.due(obj),
            "days_late": self.days_late(obj, today),
        }


def _case_due(case: Case):
    return case.accept_due if case.state == "submitted" else case.resolve_due


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "case",
            _("Cases"),
            Case,
            "cases.case",
            lambda rows, today: rows.overdue(),
            lambda case: [case.handler],
            lambda case: f"{case.number} {case.compound.name} {case.description[:40]}",
            _case_due,
            related=("handler", "compound"),
            detail="cases:case_detail",
        ),
        Kind(
            "order",
            _("Rectification orders"),
            RectificationOrder,
            "inspections.rectificationorder",
            lambda rows, today: rows.overdue(),
            lambda order: [order.responsible],
            lambda order: str(order),
            lambda order: order.due_on,
            related=("responsible", "compound"),
            detail="inspections:order",
        ),
        Kind(
            "resolution",
            _("Resolutions"),
            Resolution,
            "meetings.resolution",
            lambda rows, today: rows.overdue(today),
            lambda r: [r.lead, *r.co_organizations.all()],
            lambda r: str(r),
            lambda r: r.due,
            related=("lead",),
            detail="meetings:resolution",
        ),
        Kind(
            "letter",
            _("Warning letters"),
            Letter,
            "warnings.letter",
            lambda rows, today: rows.past_deadline(today),
            lambda letter: [letter.addressee],
            lambda letter: f"{letter.number_label} {letter.get_level_display()} · {letter.addressee.name}",
            lambda letter: letter.deadline,
            related=("addressee",),
            detail="warnings:letter",
        ),
    )
}


def get(code: str) -> Kind | None:
    return KINDS.get(code)
