"""Who receives a town's evaluation reports (seed 七.4): 区房地局、居民区党委、社区管理中心、区房管办事处、
各物业服务公司、各居民区党组织、居委会、各小区业委会、物业管理企业、所属开发商.

- `default_for(town)`: until the office edits the list, every party organisation, residents'
  committee, owners' committee, property company and developer of the town, and the government
  units whose names are those of the seed's list (`GOVERNMENT_NAMES`, matched by part of the name).
- `for_report(report)`: the list a report goes to — the town's (edited or default) for the
  quarterly and annual reports; the leadership group's member units (the town's government units)
  for the year-end report.
- `neighborhoods_of(org, report)`: the neighborhoods whose section the organisation receives in
  full — its own for a neighborhood's organisations and owners' committees, those of the compounds
  it served in the period for a property company, all for the others (a town-wide reader)."""

from __future__ import annotations

from django.db.models import Q

from gongzhi.orgs.models import Organization, ServiceContract

from . import figures
from .models import ReportKind, ReportSettings

GOVERNMENT_NAMES = ("房地局", "居民区党委", "社区管理中心", "社区中心", "房管办")
DEFAULT_KINDS = (
    Organization.Kind.PARTY_ORG,
    Organization.Kind.RESIDENTS_COMMITTEE,
    Organization.Kind.OWNERS_COMMITTEE,
    Organization.Kind.PROPERTY_COMPANY,
    Organization.Kind.DEVELOPER,
)
KIND_ORDER = [
    Organization.Kind.GOVERNMENT_UNIT,
    Organization.Kind.PROPERTY_COMPANY,
    Organization.Kind.PARTY_ORG,
    Organization.Kind.RESIDENTS_COMMITTEE,
    Organization.Kind.OWNERS_COMMITTEE,
    Organization.Kind.DEVELOPER,
]


def _ordered(orgs) -> list[Organization]:
    return sorted(orgs, key=lambda o: (KIND_ORDER.index(o.kind) if o.kind in KIND_ORDER else 99, o.code))


def default_for(town) -> list[Organization]:
    government = Q()
    for name in GOVERNMENT_NAMES:
        government |= Q(name__contains=name)
    rows = Organization.objects.filter(town=town).filter(
        Q(kind__in=DEFAULT_KINDS) | Q(kind=Organization.Kind.GOVERNMENT_UNIT) & government
    )
    return _ordered(rows)


def list_for(town) -> tuple[list[Organization], bool]:
    """The town's list and whether the office has edited it."""
    settings = ReportSettings.objects.filter(town=town).first()
    if settings is None or not settings.customised:
        return default_for(town), False
    return _ordered(settings.recipients.all()), True


def for_report(report) -> list[Organization]:
    if report.kind == ReportKind.YEAR_END:
        return _ordered(Organization.objects.filter(town_id=report.town_id, kind=Organization.Kind.GOVERNMENT_UNIT))
    return list_for(report.town)[0]


def neighborhoods_of(org: Organization, report) -> tuple[bool, list[int]]:
    """(whole town, the neighborhood ids received in full)."""
    if org.kind in (Organization.Kind.PARTY_ORG, Organization.Kind.RESIDENTS_COMMITTEE) and org.neighborhood_id:
        return False, [org.neighborhood_id]
    if org.kind == Organization.Kind.OWNERS_COMMITTEE and org.compound_id:
        return False, [org.compound.neighborhood_id]
    if org.kind == Organization.Kind.PROPERTY_COMPANY:
        period = figures.period_for(report.kind, report.period)
        served = (
            ServiceContract.objects.filter(company=org, town_id=report.town_id, start__lte=period.end)
            .filter(Q(end__isnull=True) | Q(end__gte=period.start))
            .values_list("compound__neighborhood_id", flat=True)
        )
        return False, sorted(set(served))
    return True, []
