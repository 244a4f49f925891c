"""Taking cases in, from every channel: a resident's report (QR code, the resident pages, the
API's intake queue) or a staff member's entry (a call, a visit, a walk-in), one at a time or in
batches. Each case is numbered, given its deadlines in working days, routed, stored with its
photos, counted (gongzhi.cases.stats), audited, and announced to the handling organisation and
the resident after commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit
from gongzhi.core.phones import PHONE_RE
from gongzhi.core.scope import get_scope
from gongzhi.core.uploads import CleanPhoto
from gongzhi.core.workdays import deadline_after
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.places.models import Building, Compound, Unit

from .. import stats
from ..models import Case, CaseNumber, CasePhoto, CaseSettings, Category, Urgency, Visit
from ..routing import Route, Router
from ..town_settings import settings_for
from .access import may_report_as_resident
from .visits import log_visit

RESIDENT_CHANNELS = (Case.Channel.QR, Case.Channel.RESIDENT)
STAFF_NOT_RESIDENT = gettext_lazy(
    "You hold a post in the town: enter the problem through “Enter a case” on your workbench, where the "
    "channel is recorded as it was. The resident form is for residents (and for staff in the compound they "
    "live in, once the residents' committee has confirmed their unit)."
)
CREATE_AUDITED = [
    "number",
    "compound",
    "building",
    "unit",
    "category",
    "urgency",
    "channel",
    "handler",
    "accept_due",
    "resolve_due",
    "due_provisional",
]


@dataclass(frozen=True)
class Report:
    """What a report says, from whichever channel."""

    compound: Compound
    category: Category
    description: str
    urgency: str = Urgency.NORMAL
    building: Building | None = None
    unit: Unit | None = None
    location: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    hide_identity: bool = False


@dataclass(frozen=True)
class Submission:
    """One report to take in, with who submits it and how."""

    actor: object
    report: Report
    channel: str
    photos: Sequence[CleanPhoto] = ()
    visit: Visit | None = None
    address: str | None = None
    reporter_user: object = None


@dataclass(frozen=True)
class NewVisit:
    """A household visit (today) to log together with the case a staff member enters from it."""

    unit: Unit | None = None
    household: str = ""
    notes: str = ""


# --- Checks ----------------------------------------------------------------------------------


def field_errors(*, description: str, urgency: str, reporter_phone: str) -> dict[str, str]:
    """What is wrong with a report's own fields (no database): also used by the API to answer
    a bad call at once."""
    errors = {}
    description = (description or "").strip()
    if len(description) < 5:
        errors["description"] = _("Describe the problem in a few words (at least 5 characters).")
    elif len(description) > 2000:
        errors["description"] = _("Keep the description under 2000 characters.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose urgent or normal.")
    if reporter_phone and not PHONE_RE.match(reporter_phone):
        errors["reporter_phone"] = _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
    return errors


def _check_report(report: Report) -> None:
    errors = field_errors(description=report.description, urgency=report.urgency, reporter_phone=report.reporter_phone)
    compound = report.compound
    if report.category.town_id != compound.town_id or report.category.retired:
        errors["category"] = _("Choose one of the town's categories.")
    if report.building is not None and report.building.compound_id != compound.pk:
        errors["building"] = _("This building is not in the compound.")
    if report.unit is not None and (
        report.unit.compound_id != compound.pk
        or (report.building is not None and report.unit.building_id != report.building.pk)
    ):
        errors["unit"] = _("This unit is not in the compound or building.")
    if errors:
        raise ValidationError(errors)


def _check_rate_limits(report: Report, settings: CaseSettings, address: str | None, now) -> None:
    if (
        report.reporter_phone
        and Case.objects.filter(reporter_phone=report.reporter_phone, submitted_at__gte=now - timedelta(days=1)).count()
        >= settings.reports_per_phone_per_day
    ):
        raise ValidationError(
            _(
                "This mobile number has reported many problems today. Please try again tomorrow, "
                "or call the residents' committee."
            ),
            code="rate_phone",
        )
    if (
        address
        and Case.objects.filter(submitted_from=address, submitted_at__gte=now - timedelta(hours=1)).count()
        >= settings.reports_per_address_per_hour
    ):
        raise ValidationError(
            _("Too many reports from this network in the last hour. Please try again later."), code="rate_address"
        )


def _admit(item: Submission, now) -> None:
    """Refuse a submission the actor may not make or the report does not allow (raises)."""
    report = item.report
    _check_report(report)
    if item.channel not in RESIDENT_CHANNELS and item.actor is not None:
        scope = get_scope(item.actor)
        if not scope.has("cases.enter") or not scope.area("cases.enter").covers_compound(report.compound):
            raise PermissionDenied("cases.enter")
    if item.channel in RESIDENT_CHANNELS:
        if item.actor is not None and not may_report_as_resident(item.actor, report.compound):
            raise ValidationError(STAFF_NOT_RESIDENT, code="staff")
        _check_rate_limits(report, settings_for(report.compound.town_id), item.address, now)


def _routed(items: Sequence[Submission], now, today, results: list) -> dict[int, Route]:
    """Admit and route each submission: {index: route} of those taken in; why the others were
    refused goes into `results`."""
    admitted = []
    for index, item in enumerate(items):
        try:
            _admit(item, now)
        except (ValidationError, PermissionDenied) as error:
            results[index] = error
        else:
            admitted.append(index)
    if not admitted:
        return {}
    router = Router([items[i].report.compound for i in admitted], today)
    routes = {}
    for index in admitted:
        try:
            routes[index] = router.route(items[index].report.category, items[index].report.compound)
        except ValidationError as error:
            results[index] = error
    return routes


# --- Intake ----------------------------------------------------------------------------------


def submit_case(
    *,
    actor,
    report: Report,
    channel: str,
    photos: Sequence[CleanPhoto] = (),
    visit: Visit | None = None,
    address: str | None = None,
    reporter_user=None,
) -> Case:
    """Take in a report from any channel: number it, set its deadlines in working days, route it,
    store its photos, count it and notify the handling organisation and the resident."""
    (result,) = submit_cases([Submission(actor, report, channel, photos, visit, address, reporter_user)])
    if isinstance(result, Exception):
        raise result
    return result


def enter_case(
    *,
    actor,
    report: Report,
    channel: str,
    photos: Sequence[CleanPhoto] = (),
    visit: Visit | None = None,
    new_visit: NewVisit | None = None,
) -> Case:
    """A staff member enters a case (a call, a walk-in, a household visit). From a visit, the case
    records that visit, or a new one logged today in the same transaction: either both are
    saved or neither."""
    if channel != Case.Channel.VISIT:
        visit, new_visit = None, None
    with transaction.atomic():
        if new_visit is not None:
            visit = log_visit(
                actor=actor,
                compound=report.compound,
                visited_on=timezone.localdate(),
                unit=new_visit.unit,
                household=new_visit.household,
                notes=new_visit.notes,
            )
        return submit_case(actor=actor, report=report, channel=channel, photos=photos, visit=visit)


def submit_cases(items: Sequence[Submission]) -> list[Case | Exception]:
    """Take in several reports in one transaction: what a single report costs in statements
    (numbering, routing, the case rows, counters, history, notifications) is paid once per batch.
    Returns, for each submission in order, its case or why it was refused (ValidationError or
    PermissionDenied); the refused ones leave nothing behind."""
    now = timezone.now()
    today = timezone.localtime(now).date()
    results: list[Case | Exception] = [None] * len(items)  # type: ignore[list-item]
    routes = _routed(items, now, today, results)
    if not routes:
        return results
    with transaction.atomic():
        cases = _new_cases(items, routes, now, today)
        Case.objects.bulk_create(list(cases.values()))
        for index, case in cases.items():
            store_photos(case, items[index].photos)
        counts: Counter = Counter()
        for case in cases.values():
            counts.update(stats.contributions(case, settings_for(case.town_id).period_start_day))
        stats.apply(counts)
        _audit_created(items, routes, cases)
        notify_many([message for case in cases.values() for message in _created_messages(case)])
    for index, case in cases.items():
        results[index] = case
    return results


def _new_cases(items: Sequence[Submission], routes: dict[int, Route], now, today) -> dict[int, Case]:
    """The unsaved cases of the routed submissions, numbered per town, in the submissions' order."""
    deadlines: dict[tuple[int, int], object] = {}

    def due(town_id: int, days: int):  # the same few deadlines per town for the whole batch
        if (town_id, days) not in deadlines:
            deadlines[town_id, days] = deadline_after(today, days, town_id)
        return deadlines[town_id, days]

    by_town: dict[int, list[int]] = {}
    for index in routes:
        by_town.setdefault(items[index].report.compound.town_id, []).append(index)
    cases: dict[int, Case] = {}
    for town_id, indexes in sorted(by_town.items()):
        for index, number in zip(indexes, _take_numbers(town_id, now, len(indexes)), strict=True):
            item, report = items[index], items[index].report
            accept = due(town_id, report.category.accept_days)
            resolve = due(town_id, report.category.resolve_days_for(report.urgency))
            cases[index] = Case(
                town_id=town_id,
                neighborhood_id=report.compound.neighborhood_id,
                compound=report.compound,
                building=report.building,
                unit=report.unit,
                location=report.location.strip()[:200],
                category=report.category,
                urgency=report.urgency,
                description=report.description.strip(),
                channel=item.channel,
                reporter_name=report.reporter_name.strip()[:50],
                reporter_phone=report.reporter_phone,
                reporter_user=item.reporter_user,
                hide_identity=report.hide_identity,
                entered_by=item.actor if item.channel not in RESIDENT_CHANNELS else None,
                visit=item.visit,
                handler=routes[index].organization,
                submitted_at=now,
                submitted_from=item.address,
                accept_due=accept.date,
                resolve_due=resolve.date,
                due_provisional=accept.provisional or resolve.provisional,
                number=number,
            )
    return {index: cases[index] for index in routes}


def _take_numbers(town_id: int, when, count: int) -> list[str]:
    """The town's next `count` case numbers of the month, in one statement (insert or add). The
    row stays locked until the intake commits, so numbers are taken as late as possible."""
    month = timezone.localtime(when).strftime("%y%m")
    table = CaseNumber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (town_id, month, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (town_id, month) DO UPDATE SET last = {table}.last + excluded.last RETURNING last",
            [town_id, month, count],
        )
        (last,) = cursor.fetchone()
    return [f"{month}-{n:04d}" for n in range(last - count + 1, last + 1)]


def store_photos(case: Case, photos: Sequence[CleanPhoto], stage: str = CasePhoto.Stage.REPORTED) -> None:
    for photo in photos:
        row = CasePhoto(
            case=case,
            stage=stage,
            extension=photo.extension,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size=len(photo.data),
            sha256=photo.sha256,
        )
        row.image.save(f"{row.uid}.{photo.extension}", ContentFile(photo.data), save=False)
        row.save()


def _audit_created(items: Sequence[Submission], routes: dict[int, Route], cases: dict[int, Case]) -> None:
    """One history entry per case, written in one batch per actor."""
    by_actor: dict[object, list[audit.Change]] = {}
    for index, case in cases.items():
        item = items[index]
        after = {
            **audit.snapshot(case, CREATE_AUDITED),
            "routing_note": routes[index].note,
            "photos": len(item.photos),
        }
        by_actor.setdefault(item.actor or item.reporter_user, []).append(
            audit.Change("cases.case.create", case, after=after)
        )
    for actor, changes in by_actor.items():
        audit.record_many(actor, changes)


def _created_messages(case: Case) -> list[Message]:
    handler_text = _("New case %(number)s at %(place)s: %(category)s. Accept by %(due)s.") % {
        "number": case.number,
        "place": case.compound.name,
        "category": case.category.name,
        "due": case.accept_due.isoformat(),
    }
    resident_text = _("Your report was received as case %(number)s. We will tell you how it goes.") % {
        "number": case.number
    }
    return [
        Message(users=users_of([case.handler_id]), text=handler_text, url=case.get_absolute_url()),
        Message(
            users=[case.reporter_user_id] if case.reporter_user_id else [],
            text=resident_text,
            url=case.tracking_url(),
            sms_phone=case.reporter_phone,
        ),
    ]
