"""Every staff list page and home page reads a bounded number of SQL statements: the count does not
grow with the rows listed (issue 15: pages at city scale). The test world gets 3 more
neighborhoods — each with a compound, its building and unit, a party organisation and a residents'
committee, a property service contract, a person with a membership and a case — then 27 more, and
each page's statements are counted (the second request of each: per-process memos filled) for the
office and for the platform administrator."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Category
from gongzhi.cases.services import Report, submit_case
from gongzhi.orgs.models import Body, BodyCoverage, Organization
from gongzhi.testing import (
    BuildingFactory,
    CompoundFactory,
    ContractFactory,
    MembershipFactory,
    NeighborhoodFactory,
    OrganizationFactory,
    PersonFactory,
    TownFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/cases/",
    "/cases/?box=all",
    "/cases/visits/",
    "/rates/",
    "/rates/hotspots/",
    "/rates/proposals/",
    "/places/",
    "/places/neighborhoods/",
    "/orgs/",
    "/orgs/bodies/",
    "/orgs/people/",
    "/orgs/contracts/",
    "/orgs/duties/",
    "/orgs/residents/claims/",
    "/meetings/",
    "/meetings/resolutions/",
    "/meetings/compliance/",
    "/meetings/annual-reports/",
    "/notices/",
    "/inspections/",
    "/inspections/orders/",
    "/inspections/checklists/",
    "/inspections/report/",
    "/surveys/",
    "/surveys/questionnaires/",
    "/evaluations/",
    "/credit/",
    "/assessments/",
    "/assessments/schemes/",
    "/warnings/",
    "/warnings/templates/",
    "/awards/",
    "/supervision/",
    "/supervision/?kind=case",
    "/dashboard/",
    "/reports/",
    "/reports/received/",
    "/leadership/",
    "/notifications/",
    "/exports/",
    "/calendar/",
    # The whole-city pages of one town chosen (a user of several towns chooses one).
    "/dashboard/?town={town}",
    "/meetings/compliance/?town={town}",
    "/inspections/?town={town}",
    "/inspections/report/?town={town}",
    "/places/?town={town}",
    "/places/neighborhoods/?town={town}",
    "/orgs/bodies/?town={town}",
    "/rates/hotspots/?town={town}",
    "/cases/visits/?town={town}",
    # The "Changes" column names the records an entry's fields point to: read once per model for
    # the page (core.audit_display.with_changes; 17 statements with 3 more rows, 98 with 30 before).
    "/audit/",
]


def _grow(world, start: int, stop: int) -> None:
    town = world.town
    category = Category.objects.filter(town=town).order_by("code").first()
    company = world.orgs["pc"]
    for k in range(start, stop):
        neighborhood = NeighborhoodFactory(town=town, code=f"grow{k}", name=f"增长{k}")
        compound = CompoundFactory(neighborhood=neighborhood, code=f"grow{k}c", name=f"增长小区{k}")
        UnitFactory(building=BuildingFactory(compound=compound, number="1号楼"), number="101")
        kinds = (Organization.Kind.PARTY_ORG, Organization.Kind.RESIDENTS_COMMITTEE)
        for kind in kinds:
            OrganizationFactory(
                town=town, kind=kind, code=f"grow{k}{kind}", name=f"增长{k}{kind}", neighborhood=neighborhood
            )
        ContractFactory(company=company, compound=compound)
        MembershipFactory(person=PersonFactory(town=town), organization=world.orgs["rc1"])
        submit_case(
            actor=None,
            report=Report(compound=compound, category=category, description=f"第{k}号楼道灯不亮"),
            channel="phone",
        )


def _counts(clients, town, pages=PAGES) -> dict[tuple[str, str], tuple[int, int]]:
    """(role, page) → (status, statements). A page some role may not open (a 404: not theirs)
    is counted all the same."""
    counts = {}
    for role, client in clients.items():
        for page in pages:
            page = page.format(town=town.uid)
            client.get(page)
            with CaptureQueriesContext(connection) as queries:
                status = client.get(page).status_code
            counts[(role, page)] = (status, len(queries))
    return counts


def test_no_list_page_reads_more_statements_with_more_rows(world, client_for):
    install_default_categories(actor=None, town=world.town)
    clients = {role: client_for(role) for role in ("office", "admin")}
    _grow(world, 0, 3)
    few = _counts(clients, world.town)
    assert few[("office", "/")][0] == few[("admin", "/cases/")][0] == 200
    assert sum(1 for status, _n in few.values() if status == 200) >= 70  # nearly every page opens for both
    _grow(world, 3, 30)
    many = _counts(clients, world.town)
    grown = {key: (few[key], many[key]) for key in few if many[key] != few[key]}
    assert grown == {}, f"(status, statements) per page with 3 and with 30 more rows: {grown}"


# The pages that cover every town of a user of several (issue 15, the whole-city pages).
CITY_PAGES = [
    "/dashboard/",
    "/dashboard/?town={town}",
    "/meetings/resolutions/",
    "/meetings/compliance/",
    "/meetings/compliance/?town={town}",
    "/inspections/",
    "/inspections/?town={town}",
    "/inspections/report/",
    "/inspections/report/?town={town}",
    "/inspections/orders/",
    "/inspections/checklists/",
    "/credit/",
    "/supervision/",
    "/supervision/?kind=case",
    "/supervision/?town={town}",
    "/surveys/",
    "/surveys/questionnaires/",
    "/assessments/",
    "/assessments/schemes/",
]


def _grow_towns(start: int, stop: int) -> None:
    """More towns, each with a neighborhood, a compound under a property service contract, and an
    inspection group covering the neighborhood."""
    for k in range(start, stop):
        town = TownFactory(code=f"growtown{k}", name=f"增长镇{k}")
        neighborhood = NeighborhoodFactory(town=town, code=f"gt{k}n", name=f"增长镇居民区{k}")
        compound = CompoundFactory(neighborhood=neighborhood, code=f"gt{k}c", name=f"增长镇小区{k}")
        ContractFactory(compound=compound)
        group = Body.objects.create(town=town, kind=Body.Kind.INSPECTION_GROUP, number=1, name=f"增长镇检查组{k}")
        BodyCoverage.objects.create(body=group, neighborhood=neighborhood)


def test_the_city_pages_read_as_many_statements_with_more_towns(world, client_for):
    """The administrator's pages over every town: a query per town (their settings, their
    inspection groups' coverage, their neighborhoods) would grow with the towns."""
    clients = {"admin": client_for("admin"), "office": client_for("office")}
    _grow_towns(0, 3)
    few = _counts(clients, world.town, CITY_PAGES)
    assert few[("admin", "/dashboard/")][0] == few[("admin", f"/inspections/?town={world.town.uid}")][0] == 200
    _grow_towns(3, 15)
    many = _counts(clients, world.town, CITY_PAGES)
    grown = {key: (few[key], many[key]) for key in few if many[key] != few[key]}
    assert grown == {}, f"(status, statements) per page with 3 and with 15 more towns: {grown}"
