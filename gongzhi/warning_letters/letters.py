"""The letters' text: the default templates (in Chinese, the town's official language; the office
edits them per town) and their placeholders, filled in when a letter is approved. A placeholder is a
word in braces, `{organisation}`; nothing else in the text is interpreted, so a brace the office
types stays as typed."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _

from .models import LetterTemplate, Level

PLACEHOLDERS = {
    "organisation": _("the addressee organisation"),
    "cause": _("what caused the letter"),
    "deadline": _("the rectification deadline"),
    "days": _("the working days to rectify"),
    "number": _("the letter's number"),
    "date": _("the day it is sent"),
    "town": _("the town"),
    "measures": _("the measures taken (measures letters)"),
    "previous": _("the number of the letter it follows"),
}

_FIELD = re.compile(r"\{([a-z_]+)\}")

DEFAULTS = {
    Level.NOTICE: (
        "提示函",
        "{organisation}：\n\n"
        "经查，{cause}\n\n"
        "根据本镇“四位一体”社区治理警示制度，现予以提示。请你单位高度重视，在{days}个工作日内"
        "（{deadline}前）完成整改，并通过共治平台书面回复整改情况，附整改佐证材料。\n\n"
        "特此函告。\n\n"
        "{town}社区事务管理办公室\n{date}",
    ),
    Level.WARNING: (
        "警示函",
        "{organisation}：\n\n"
        "经查，{cause}\n\n"
        "根据本镇“四位一体”社区治理警示制度，现予以警示。物业服务企业收到本函的，同时记入诚信档案。"
        "请你单位切实落实整改责任，于{deadline}前完成整改并通过共治平台书面回复，附整改佐证材料。"
        "逾期仍未整改到位的，将依规采取进一步措施。\n\n"
        "特此函告。\n\n"
        "{town}社区事务管理办公室\n{date}",
    ),
    Level.MEASURES: (
        "整改措施通知",
        "{organisation}：\n\n"
        "经查，{cause}\n\n"
        "经提示、警示后仍未整改到位，根据本镇“四位一体”社区治理警示制度，现决定采取以下措施：\n"
        "{measures}\n\n"
        "请你单位于{deadline}前完成整改并通过共治平台书面回复，附整改佐证材料。\n\n"
        "特此通知。\n\n"
        "{town}社区事务管理办公室\n{date}",
    ),
}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _FIELD.findall(text or "") if name not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each known placeholder replaced; anything else left exactly as typed."""
    return _FIELD.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text or "")


def template_for(town_id: int, level: str) -> LetterTemplate:
    """The town's template for a level, or the default (unsaved)."""
    found = LetterTemplate.objects.filter(town_id=town_id, level=level).first()
    if found is not None:
        return found
    title, body = DEFAULTS[level]
    return LetterTemplate(town_id=town_id, level=level, title=title, body=body)


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def values_for(letter, *, sent_on: date | None = None) -> dict[str, str]:
    from .models import WarningSettings

    measures = "\n".join(f"{n}. {label}" for n, label in enumerate(letter.measure_labels, 1))
    return {
        "organisation": letter.addressee.name,
        "cause": letter.cause_text,
        "deadline": cn_date(letter.deadline) or "——",
        "days": str(WarningSettings.for_town(letter.town_id).days_for(letter.level)),
        "number": letter.number_label,
        "date": cn_date(sent_on),
        "town": letter.town.name,
        "measures": measures,
        "previous": letter.previous.number_label if letter.previous_id else "",
    }


def render(letter, *, sent_on: date | None = None) -> tuple[str, str]:
    """(title, text) of the letter from the town's template for its level."""
    template = template_for(letter.town_id, letter.level)
    return template.title, fill(template.body, values_for(letter, sent_on=sent_on))
