"""Schemes as text lines (the office's editor) and the defaults seeded for a town.

An indicator is one line: `section | indicator | points | rule`, where the rule is
`manual`, `formula <figure> <low> <high>` (0 points at `low`, all at `high`, linear between) or
`deductions <figure> <points per event> <cap>`. A grade band is one line:
`grade | from score | fee % | fail` (the fee and the word `fail` optional)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import sources


@dataclass(frozen=True)
class IndicatorSpec:
    section: str
    text: str
    max_points: Decimal
    rule: str
    source: str = ""
    low: Decimal | None = None
    high: Decimal | None = None
    per_event: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class BandSpec:
    label: str
    from_score: Decimal
    fee_percent: int | None = None
    fails: bool = False


def _number(text: str, line: int) -> Decimal:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Line %(n)s: %(text)s is not a number.") % {"n": line, "text": text}) from None
    if not value.is_finite():
        raise ValidationError(_("Line %(n)s: %(text)s is not a number.") % {"n": line, "text": text})
    return value


def parse_indicators(text: str) -> list[IndicatorSpec]:
    specs = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) != 4 or not parts[0] or not parts[1]:
            raise ValidationError(_("Line %(n)s: write section | indicator | points | rule.") % {"n": n})
        section, label, points, rule = parts
        max_points = _number(points, n)
        if not Decimal(0) < max_points <= 100:
            raise ValidationError(_("Line %(n)s: an indicator has more than 0 and at most 100 points.") % {"n": n})
        words = rule.split()
        kind = words[0].lower() if words else ""
        if kind == "manual" and len(words) == 1:
            specs.append(IndicatorSpec(section[:40], label[:200], max_points, "manual"))
            continue
        if kind in ("formula", "deductions") and len(words) == 4:
            code = words[1]
            if sources.get(code) is None:
                raise ValidationError(_("Line %(n)s: unknown figure %(code)s.") % {"n": n, "code": code})
            a, b = _number(words[2], n), _number(words[3], n)
            if kind == "formula":
                if a == b:
                    raise ValidationError(_("Line %(n)s: the two thresholds must differ.") % {"n": n})
                specs.append(IndicatorSpec(section[:40], label[:200], max_points, "formula", code, low=a, high=b))
            else:
                if a <= 0 or b <= 0:
                    raise ValidationError(_("Line %(n)s: points per event and the cap must be above 0.") % {"n": n})
                specs.append(
                    IndicatorSpec(section[:40], label[:200], max_points, "deductions", code, per_event=a, cap=b)
                )
            continue
        raise ValidationError(
            _("Line %(n)s: the rule is manual, formula <figure> <low> <high> or deductions <figure> <per event> <cap>.")
            % {"n": n}
        )
    if not specs:
        raise ValidationError(_("A scheme needs at least one indicator."))
    return specs


def parse_bands(text: str) -> list[BandSpec]:
    specs = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if not 2 <= len(parts) <= 4 or not parts[0]:
            raise ValidationError(_("Line %(n)s: write grade | from score | fee %% | fail.") % {"n": n})
        from_score = _number(parts[1], n)
        if not Decimal(0) <= from_score <= 100:
            raise ValidationError(_("Line %(n)s: a score is from 0 to 100.") % {"n": n})
        fee = None
        if len(parts) >= 3 and parts[2]:
            fee_number = _number(parts[2].rstrip("%"), n)
            if fee_number != fee_number.to_integral() or not 0 <= fee_number <= 100:
                raise ValidationError(_("Line %(n)s: the fee is a whole percentage from 0 to 100.") % {"n": n})
            fee = int(fee_number)
        fails = len(parts) == 4 and parts[3].lower() == "fail"
        if len(parts) == 4 and parts[3] and not fails:
            raise ValidationError(_("Line %(n)s: the last column is empty or the word fail.") % {"n": n})
        specs.append(BandSpec(parts[0][:20], from_score, fee, fails))
    if not specs:
        raise ValidationError(_("A scheme needs at least one grade band."))
    scores = [b.from_score for b in specs]
    if len(set(scores)) != len(scores):
        raise ValidationError(_("Two grade bands start at the same score."))
    if min(scores) != 0:
        raise ValidationError(_("The lowest grade band must start at 0."))
    return specs


def check_weights(specs: list[IndicatorSpec], total_weight: int) -> None:
    total = sum((s.max_points for s in specs), Decimal(0))
    if total != Decimal(total_weight):
        raise ValidationError(
            _("The indicators' points add up to %(sum)s; the scheme requires %(total)s.")
            % {"sum": _plain(total), "total": total_weight}
        )


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())


def indicator_line(i) -> str:
    if i.rule == "formula":
        rule = f"formula {i.source} {_plain(i.low)} {_plain(i.high)}"
    elif i.rule == "deductions":
        rule = f"deductions {i.source} {_plain(i.per_event)} {_plain(i.cap)}"
    else:
        rule = "manual"
    return f"{i.section} | {i.text} | {_plain(i.max_points)} | {rule}"


def band_line(b) -> str:
    fee = "" if b.fee_percent is None else str(b.fee_percent)
    return f"{b.label} | {_plain(b.from_score)} | {fee} | {'fail' if b.fails else ''}".rstrip(" |")


# --- Defaults (DOMAIN-RULES "Assessments"; the indicators beyond its sections are ours) ------------

PROPERTY_BANDS = """优秀 | 95 | 100
良好 | 85 | 98
合格 | 75 | 95
一般 | 65 | 90
较差 | 60 | 80
不合格 | 0 | 70 | fail"""

PLAIN_BANDS = """优秀 | 90
良好 | 80
合格 | 60
不合格 | 0 | | fail"""

DEFAULTS = {
    "property_service": (
        "quarter",
        "物业服务季度考评",
        """保洁 | 公共区域保洁、垃圾分类与清运 | 25 | manual
绿化 | 绿化养护 | 15 | manual
照明 | 公共照明及设施设备完好 | 10 | manual
秩序维护 | 门岗、巡逻与消防通道 | 5 | manual
维修 | 报修响应与维修及时 | 5 | manual
住户满意 | 住户满意度（抽样调查） | 30 | formula surveys.satisfaction 60 95
整改 | 检查整改逾期 | 10 | deductions inspections.rectifications_late 2 10""",
        PROPERTY_BANDS,
    ),
    "owners_committee": (
        "quarter",
        "业主委员会季度考评",
        """制度公开 | 管理规约、议事规则公开 | 8 | manual
制度公开 | 委员名单及联系方式公开 | 7 | manual
监督 | 监督物业服务合同履行 | 8 | manual
财务公开 | 按季度公布公共收益收支 | 10 | manual
廉洁自律 | 委员按时交纳物业费 | 7 | manual
廉洁自律 | 无亲属受雇于物业服务企业 | 7 | manual
业主大会 | 依法召集业主大会 | 8 | manual
业主大会 | 如实计票、公布表决结果 | 8 | manual
决议执行 | 联席会议决议按时落实 | 10 | formula meetings.resolutions_on_time 50 100
联席会议 | 参加联席会议 | 7 | manual
档案 | 档案资料保管完整 | 7 | manual
居民评价 | 业主满意度（抽样调查） | 13 | formula surveys.satisfaction 60 95""",
        PLAIN_BANDS,
    ),
    "compound": (
        "half_year",
        "小区综合治理半年考评",
        """检查 | 检查得分 | 40 | formula inspections.score 60 95
整改 | 整改按时回复率 | 20 | formula inspections.rectifications_on_time 50 100
三率 | 调处率 | 20 | formula cases.handling 60 100
三率 | 群众满意率 | 20 | formula cases.satisfaction 60 100""",
        PLAIN_BANDS,
    ),
    "party_org": (
        "year",
        "社区党组织年度考评",
        """联席会议 | 联席会议规范率 | 30 | formula meetings.compliance 50 100
三率 | 调处率 | 20 | formula cases.handling 60 100
三率 | 处置有效率 | 20 | formula cases.effective 50 100
三率 | 群众满意率 | 20 | formula cases.satisfaction 60 100
党建引领 | 党建引领与统筹协调 | 10 | manual""",
        PLAIN_BANDS,
    ),
    "residents_committee": (
        "year",
        "居民委员会年度考评",
        """联席会议 | 联席会议规范率 | 20 | formula meetings.compliance 50 100
三率 | 调处率 | 20 | formula cases.handling 60 100
三率 | 处置有效率 | 20 | formula cases.effective 50 100
三率 | 群众满意率 | 20 | formula cases.satisfaction 60 100
决议执行 | 决议按时落实率 | 10 | formula meetings.resolutions_on_time 50 100
居民自治 | 居民自治与议事协商 | 10 | manual""",
        PLAIN_BANDS,
    ),
}
