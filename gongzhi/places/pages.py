"""Page helpers that need the places."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet

from gongzhi.core.scope import get_scope

from .models import Town


def managed_towns(request, permission: str = "town.manage"):
    """The towns where the user holds `permission` (a town-level right), in code order."""
    area = get_scope(request.user).area(permission)
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    return towns.order_by("code")


@dataclass(frozen=True)
class TownFilter:
    """The town filter of a list page for a user who works in several towns (the platform
    administrator: every town of the city). `towns` are its choices — None for a user of one town,
    who sees the page as before, with no filter; `chosen` is the town picked by the query's `town`
    (a town's code, `uid`), None when none is. A page whose rows are a town's own analysis (its
    coverage, its hotspots) shows them for the chosen town only; a list narrows to it and pages."""

    towns: QuerySet | None = None
    chosen: Town | None = None

    @property
    def shown(self) -> bool:
        return self.towns is not None

    @property
    def waiting(self) -> bool:
        """Several towns and none chosen yet."""
        return self.shown and self.chosen is None

    def narrow(self, queryset, key: str = "town_id"):
        """`queryset` narrowed to the chosen town (unchanged when none is chosen)."""
        return queryset if self.chosen is None else queryset.filter(**{key: self.chosen.pk})

    @property
    def query(self) -> str:
        """The query string that keeps the choice in a link ("" when none)."""
        return urlencode({"town": self.chosen.uid}) if self.chosen is not None else ""


def user_town_ids(user) -> frozenset[int] | None:
    """The towns where the user works (any grant; None: every town, the platform administrator)."""
    scope = get_scope(user)
    return None if scope.is_platform_admin else scope.town_ids


def town_filter(request, param: str = "town") -> TownFilter:
    """The page's town filter for `request.user` (see TownFilter): no query for a user of one town."""
    ids = user_town_ids(request.user)
    if ids is not None and len(ids) <= 1:
        return TownFilter()
    towns = (Town.objects.all() if ids is None else Town.objects.filter(pk__in=ids)).order_by("code")
    value = request.GET.get(param) or ""
    chosen = towns.filter(uid=value).first() if value and len(value) <= 40 else None
    return TownFilter(towns=towns, chosen=chosen)
