"""What needs a user's attention on their home page, by what they may do. Each item is a
count with a link to the records behind it; a zero count is not listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .scope import get_scope
from .workdays import years_missing_data

CONTRACT_WARNING_DAYS = 60
MEMBERSHIP_WARNING_DAYS = 30


@dataclass(frozen=True)
class Item:
    level: str  # "warning" or "info"
    text: str
    url: str | None = None


def items_for(user) -> list[Item]:
    from gongzhi.orgs.models import Membership, Organization, Residency, ServiceContract
    from gongzhi.places.models import Compound

    scope = get_scope(user)
    today = timezone.localdate()
    items: list[Item] = []

    if scope.has("calendar.manage"):
        for year in years_missing_data(today):
            items.append(
                Item(
                    "warning",
                    _(
                        "The working-day schedule of %(year)s has not been entered. Deadlines falling in %(year)s count "
                        "weekends only and are marked provisional until the office enters the official holidays."
                    )
                    % {"year": year},
                    reverse("core:calendar") + f"?year={year}",
                )
            )

    if scope.has("cases.view"):
        from gongzhi.cases.selectors import inbox

        cases_url = reverse("cases:inbox")
        boxes = []
        if scope.organization_ids and scope.has("cases.handle"):
            boxes.append(
                (
                    "new",
                    "warning",
                    lambda n: ngettext(
                        "%(n)s new case for your organisation awaits acceptance.",
                        "%(n)s new cases for your organisation await acceptance.",
                        n,
                    ),
                )
            )
        boxes.append(
            (
                "overdue",
                "warning",
                lambda n: ngettext("%(n)s case is past its deadline.", "%(n)s cases are past their deadlines.", n),
            )
        )
        if scope.has("cases.callback"):
            boxes.append(
                (
                    "callback",
                    "info",
                    lambda n: ngettext(
                        "%(n)s resident awaits a callback: no feedback since the case was resolved.",
                        "%(n)s residents await a callback: no feedback since their cases were resolved.",
                        n,
                    ),
                )
            )
        if scope.has("cases.route"):
            boxes.append(
                (
                    "meeting",
                    "info",
                    lambda n: ngettext(
                        "%(n)s case awaits the joint meeting.", "%(n)s cases await the joint meeting.", n
                    ),
                )
            )
        for box, level, text in boxes:
            count = inbox(user, box).count()
            if count:
                items.append(Item(level, text(count) % {"n": count}, f"{cases_url}?box={box}"))

    if scope.has("residents.bind"):
        claims = Residency.objects.for_user(user, "residents.bind").filter(status=Residency.Status.CLAIMED).count()
        if claims:
            items.append(
                Item(
                    "info",
                    ngettext(
                        "%(n)s resident's claim to a unit awaits confirmation.",
                        "%(n)s residents' claims to units await confirmation.",
                        claims,
                    )
                    % {"n": claims},
                    reverse("orgs:residency_claims"),
                )
            )

    if scope.has("orgs.view") and (scope.has("town.manage") or scope.area("orgs.view").compounds):
        soon = today + timedelta(days=CONTRACT_WARNING_DAYS)
        ending = ServiceContract.objects.for_user(user).filter(end__gte=today, end__lte=soon).count()
        if ending:
            items.append(
                Item(
                    "warning",
                    ngettext(
                        "%(n)s property service contract ends within %(days)s days.",
                        "%(n)s property service contracts end within %(days)s days.",
                        ending,
                    )
                    % {"n": ending, "days": CONTRACT_WARNING_DAYS},
                    reverse("orgs:contract_list") + "?ending=soon",
                )
            )

    if scope.has("town.manage"):
        active = ServiceContract.objects.active(today).filter(compound=OuterRef("pk"))
        uncovered = Compound.objects.for_user(user, "town.manage").filter(~Exists(active)).count()
        if uncovered:
            items.append(
                Item(
                    "warning",
                    ngettext(
                        "%(n)s compound has no current property service contract.",
                        "%(n)s compounds have no current property service contract.",
                        uncovered,
                    )
                    % {"n": uncovered},
                    reverse("places:compound_list") + "?contract=none",
                )
            )
        soon = today + timedelta(days=MEMBERSHIP_WARNING_DAYS)
        terms = Membership.objects.for_user(user, "town.manage").filter(end__gte=today, end__lte=soon).count()
        if terms:
            items.append(
                Item(
                    "info",
                    ngettext(
                        "%(n)s term of office ends within %(days)s days.",
                        "%(n)s terms of office end within %(days)s days.",
                        terms,
                    )
                    % {"n": terms, "days": MEMBERSHIP_WARNING_DAYS},
                    reverse("orgs:person_list") + "?term=ending",
                )
            )
        kinds = (Organization.Kind.PARTY_ORG, Organization.Kind.RESIDENTS_COMMITTEE)
        from gongzhi.places.models import Neighborhood

        missing = 0
        for kind in kinds:
            has_org = Organization.objects.filter(neighborhood=OuterRef("pk"), kind=kind)
            missing += Neighborhood.objects.for_user(user, "town.manage").filter(~Exists(has_org)).count()
        if missing:
            items.append(
                Item(
                    "warning",
                    ngettext(
                        "%(n)s party organisation or residents' committee is missing from a neighborhood.",
                        "%(n)s party organisations or residents' committees are missing from neighborhoods.",
                        missing,
                    )
                    % {"n": missing},
                    reverse("places:neighborhood_list"),
                )
            )
    from gongzhi.meetings.attention import items_for as meeting_items

    items.extend(meeting_items(user, scope, today, Item))
    return items
