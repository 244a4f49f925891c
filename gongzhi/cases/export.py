"""Excel export of a list of cases (the office lives in Excel): every row of the filtered list,
written with openpyxl's write_only mode so that memory stays flat however long the list is.
Headings are in Chinese, like the import templates. Text cells are always stored as text, so a
description beginning with "=" is never taken for a formula. The reporter column shows what the
user may see (`reporter(case)`: withheld, or a masked number)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.spreadsheets import table_workbook, xlsx_response

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


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def row_of(case, reporter) -> list:
    shown = reporter(case)
    if shown.withheld:
        name, phone = _("Identity withheld at the resident's request"), ""
    else:
        name, phone = shown.name, shown.phone
    return [
        case.number,
        _when(case.submitted_at),
        case.get_channel_display(),
        case.compound.name,
        case.building.number if case.building_id else "",
        case.unit.number if case.unit_id else "",
        case.location,
        case.category.name,
        case.get_urgency_display(),
        case.description,
        case.get_state_display(),
        case.handler.name,
        "、".join(o.name for o in case.co_handlers.all()),
        case.accept_due.isoformat(),
        case.resolve_due.isoformat(),
        _yes_no(case.due_provisional) if case.due_provisional else "",
        _yes_no(case.late) if case.late else "",
        name,
        phone,
        _yes_no(case.fixed),
        case.get_rating_display() if case.rating else "",
        case.feedback_comment,
        case.reopen_count,
        _when(case.closed_at),
    ]


def write_cases(cases: Iterable, reporter: Callable) -> bytes:
    """The workbook of `cases` (select_related category, compound, building, unit, handler;
    co_handlers prefetched) as bytes."""
    return table_workbook("居民诉求", HEADERS, (row_of(case, reporter) for case in cases))


def workbook_response(cases: Iterable, reporter: Callable, *, filename: str) -> HttpResponse:
    return xlsx_response(write_cases(cases, reporter), filename=filename)
