"""Excel export of the staff's case list (the office lives in Excel): every row of the box and
filters on the page, written in the background by gongzhi.exports (the list's button starts the
job; a million rows at flat memory). Headings are in Chinese, like the import templates. Text cells
are always stored as text (gongzhi.core.spreadsheets), so a description beginning with "=" is never
taken for a formula. The reporter column shows what the user may see (`reporter(case)`: withheld,
or a masked number). The rows are the page's own query (listing.listed), built for the user when
the job runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scope import get_scope
from gongzhi.exports.kinds import Kind, Source

from . import listing, selectors
from .models import Case

HEADERS = [
    ("编号", 11),
    ("提交时间", 17),
    ("渠道", 12),
    ("小区", 16),
    ("楼栋", 9),
    ("房号", 9),
    ("具体位置", 18),
    ("类别", 12),
    ("紧急程度", 9),
    ("问题描述", 40),
    ("状态", 14),
    ("处理单位", 18),
    ("协办单位", 18),
    ("受理期限", 11),
    ("办结期限", 11),
    ("期限待定", 9),
    ("曾超期", 8),
    ("反映人", 12),
    ("联系电话", 14),
    ("是否解决", 9),
    ("评价", 10),
    ("评价意见", 24),
    ("重办次数", 9),
    ("结案时间", 17),
]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@dataclass(frozen=True)
class Words:
    """What a row says in words, translated once per export (in the language active then) rather
    than once per row: a million rows would otherwise look up every label a million times."""

    choices: dict[str, dict]
    yes: str
    no: str
    withheld: str

    @classmethod
    def now(cls) -> Words:
        choices = {
            name: {value: str(label) for value, label in Case._meta.get_field(name).flatchoices}
            for name in ("channel", "urgency", "state", "rating")
        }
        return cls(choices, _("yes"), _("no"), _("Identity withheld at the resident's request"))

    def yes_no(self, value) -> str:
        if value is None:
            return ""
        return self.yes if value else self.no


def row_of(case, reporter, words: Words) -> list:
    shown = reporter(case)
    if shown.withheld:
        name, phone = words.withheld, ""
    else:
        name, phone = shown.name, shown.phone
    choices = words.choices
    return [
        case.number,
        _when(case.submitted_at),
        choices["channel"].get(case.channel, case.channel),
        case.compound.name,
        case.building.number if case.building_id else "",
        case.unit.number if case.unit_id else "",
        case.location,
        case.category.name,
        choices["urgency"].get(case.urgency, case.urgency),
        case.description,
        choices["state"].get(case.state, case.state),
        case.handler.name,
        "、".join(o.name for o in case.co_handlers.all()),
        case.accept_due.isoformat(),
        case.resolve_due.isoformat(),
        words.yes_no(case.due_provisional) if case.due_provisional else "",
        words.yes_no(case.late) if case.late else "",
        name,
        phone,
        words.yes_no(case.fixed),
        choices["rating"].get(case.rating, case.rating) if case.rating else "",
        case.feedback_comment,
        case.reopen_count,
        _when(case.closed_at),
    ]


def source(user, params: dict) -> Source:
    """The user's case list with the page's box and filters, as the user may read it now."""
    scope = get_scope(user)
    _box, cases = listing.listed(user, params)

    def reporter(case):
        return listing.reporter_of(scope, case, [o.pk for o in case.co_handlers.all()])

    words = Words.now()
    return Source("居民诉求", HEADERS, cases, lambda case: row_of(case, reporter, words))


def title(user, params: dict) -> str:
    box = selectors.BOXES[listing.box_of(user, params)]
    if any(key != "box" for key in params):
        return _("Cases: %(box)s (filtered)") % {"box": box}
    return _("Cases: %(box)s") % {"box": box}


def file_name(user, params: dict, today: date) -> str:
    return f"cases-{listing.box_of(user, params)}-{today:%Y%m%d}.xlsx"


KIND = Kind(
    key="cases",
    permission="cases.view",
    keys=listing.KEYS,
    source=source,
    title=title,
    file_name=file_name,
)
