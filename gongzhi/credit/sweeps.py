"""The rules this app runs itself, from records below it (the periodic sweep, idempotent: each
cause has its `source_key`, so a second run writes nothing):

- an overdue rectification order addressed to a property company → a bad record about the company,
  once per order, valid from the day after its due date;
- an annual report (年度述职) of a property company's compound rated poor — its 述职评议满意率
  (gongzhi.meetings.report_ratings) below the town's setting, once at least the set number of
  attendees have rated it → a bad record about the contract's compound manager (the company's,
  when the contract names none), once per report;
- complaints over the threshold: more cases handled by the company in a calendar month than the
  town's setting → a bad record about the company, once per company and month (the last three
  complete months are looked at, so a missed run catches up)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.inspections.models import RectificationOrder
from gongzhi.meetings.models import AnnualReport
from gongzhi.meetings.models.annual_reports import ReportState
from gongzhi.meetings.report_ratings import with_ratings
from gongzhi.orgs.models import Organization

from . import rules
from .models import CreditRecord, CreditSettings
from .services import record_by_rule

PC = Organization.Kind.PROPERTY_COMPANY


def _settings(cache: dict, town_id: int) -> CreditSettings:
    if town_id not in cache:
        cache[town_id] = CreditSettings.for_town(town_id)
    return cache[town_id]


def _known(keys) -> set[str]:
    return set(CreditRecord.objects.filter(source_key__in=list(keys)).values_list("source_key", flat=True))


def overdue_orders(today: date) -> int:
    code = rules.OVERDUE_RECTIFICATION.code
    orders = list(
        RectificationOrder.objects.filter(overdue=True, responsible__kind=PC).select_related(
            "responsible", "compound", "finding"
        )
    )
    known = _known(f"{code}:{o.uid}" for o in orders)
    written = 0
    for order in orders:
        key = f"{code}:{order.uid}"
        if key in known:
            continue
        record = record_by_rule(
            code,
            company=order.responsible,
            compound=order.compound,
            source_key=key,
            text=_("Rectification not done by %(due)s: %(finding)s")
            % {"due": order.due_on.isoformat(), "finding": order.finding.text[:200]},
            source_url=reverse("inspections:order", args=[order.uid]),
            valid_from=min(order.due_on + timedelta(days=1), today),
        )
        written += record is not None
    return written


def poor_reports(today: date) -> int:
    code = rules.POOR_ANNUAL_REPORT.code
    reports = with_ratings(
        AnnualReport.objects.filter(state=ReportState.RATED, company__kind=PC)
        .select_related("company", "compound", "contract__manager")
        .with_rating_counts()
    )
    known = _known(f"{code}:{r.uid}" for r in reports)
    cache: dict = {}
    written = 0
    for report in reports:
        key = f"{code}:{report.uid}"
        settings = _settings(cache, report.town_id)
        rating = report.rating
        if key in known or rating.percent is None or rating.total < settings.report_min_ratings:
            continue
        if rating.percent >= settings.report_poor_below:
            continue
        last = report.ratings.order_by("-recorded_at").values_list("recorded_at", flat=True).first()
        record = record_by_rule(
            code,
            company=report.company,
            manager=report.contract.manager,
            compound=report.compound,
            source_key=key,
            text=_("Annual report %(year)s of %(compound)s rated %(rate)s by %(n)s attendees")
            % {"year": report.year, "compound": report.compound.name, "rate": rating.text, "n": rating.total},
            source_url=report.get_absolute_url(),
            valid_from=min(timezone.localdate(last) if last else today, today),
        )
        written += record is not None
    return written


def _month_start(day: date, back: int) -> date:
    month = day.replace(day=1)
    for _i in range(back):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def complaints(today: date) -> int:
    code = rules.COMPLAINTS.code
    cache: dict = {}
    written = 0
    tz = timezone.get_current_timezone()
    for back in (3, 2, 1):
        start = _month_start(today, back)
        end = _month_start(today, back - 1)
        counts = {}
        rows = Case.objects.filter(
            handler__kind=PC,
            submitted_at__gte=datetime.combine(start, time.min, tz),
            submitted_at__lt=datetime.combine(end, time.min, tz),
        ).values_list("handler_id", flat=True)
        for handler_id in rows:
            counts[handler_id] = counts.get(handler_id, 0) + 1
        if not counts:
            continue
        month = start.strftime("%Y-%m")
        for company in Organization.objects.filter(pk__in=counts).order_by("pk"):
            settings = _settings(cache, company.town_id)
            n = counts[company.pk]
            key = f"{code}:{company.uid}:{month}"
            if n <= settings.complaints_per_month or CreditRecord.objects.filter(source_key=key).exists():
                continue
            record = record_by_rule(
                code,
                company=company,
                source_key=key,
                text=_("%(n)s cases handled in %(month)s, more than the town's %(limit)s")
                % {"n": n, "month": month, "limit": settings.complaints_per_month},
                valid_from=end,
            )
            written += record is not None
    return written


def run(today: date | None = None) -> dict:
    """The sweep step: each rule's records written now (0 when nothing new)."""
    today = today or timezone.localdate()
    return {
        "overdue_orders": overdue_orders(today),
        "poor_reports": poor_reports(today),
        "complaints": complaints(today),
    }
