"""List pages do a fixed number of queries, however many rows they show (no N+1): each page is
measured with 3 and with 30 extra rows against the same bound."""

import pytest
from django.urls import reverse

from gongzhi.orgs.models import Body, BodyCoverage, BodyMemberUnit, Duty, Organization, Residency
from gongzhi.testing import (
    BodyFactory,
    CompoundFactory,
    ContractFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UnitFactory,
    on,
)

pytestmark = pytest.mark.django_db

ROWS = [3, 30]


def build_organizations(world, n):
    for _ in range(n):
        compound = CompoundFactory(neighborhood=world.n1)
        company = OrganizationFactory(town=world.town, kind=Organization.Kind.PROPERTY_COMPANY)
        ContractFactory(company=company, compound=compound)
        OrganizationFactory(town=world.town, kind=Organization.Kind.OWNERS_COMMITTEE, compound=compound)
        MembershipFactory(person=PersonFactory(town=world.town), organization=company, title="经理")


def build_people(world, n):
    for i in range(n):
        person = PersonFactory(town=world.town)
        MembershipFactory(person=person, organization=world.orgs["rc1"], title="委员", end=on(5 + i % 20))
        MembershipFactory(person=person, body=world.bodies["g1"], title="组员")


def build_contracts(world, n):
    for i in range(n):
        manager = PersonFactory(town=world.town)
        ContractFactory(compound=CompoundFactory(neighborhood=world.n2), manager=manager, end=on(i + 1))


def build_bodies(world, n):
    for i in range(n):
        body = BodyFactory(town=world.town, kind=Body.Kind.INSPECTION_GROUP, number=100 + i)
        BodyCoverage.objects.create(body=body, compound=CompoundFactory(neighborhood=world.n1))
        BodyCoverage.objects.create(body=body, neighborhood=world.n2)
        BodyMemberUnit.objects.create(body=body, label="派出所")
        MembershipFactory(person=PersonFactory(town=world.town), body=body, title="组长", position="head")


def build_duties(world, n):
    for i in range(n):
        Duty.objects.create(
            town=world.town, party=Organization.FOUR_PARTIES[i % 4], order=i + 1, text=f"职责{i}", retired=i % 5 == 0
        )


def build_claims(world, n):
    for _ in range(n):
        Residency.objects.create(
            town=world.town,
            person=PersonFactory(town=world.town),
            unit=UnitFactory(building__compound=world.c1),
            relation=Residency.Relation.OWNER,
            status=Residency.Status.CLAIMED,
            source=Residency.Source.INVITE,
        )


# Every page also counts the user's unread notifications (the bell): one query in each bound.
PAGES = [
    # (url name, query, builder, bound, what the page shows)
    ("orgs:organization_list", {}, build_organizations, 11, "page_obj"),
    ("orgs:person_list", {}, build_people, 10, "page_obj"),
    ("orgs:person_list", {"term": "ending"}, build_people, 10, "page_obj"),
    ("orgs:contract_list", {}, build_contracts, 9, "page_obj"),
    ("orgs:body_list", {}, build_bodies, 13, "bodies"),  # + the coverage: towns, compounds, rows; the paged count
    ("orgs:duty_list", {}, build_duties, 10, "groups"),
    ("orgs:residency_claims", {}, build_claims, 8, "page_obj"),
]


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize(("name", "query", "build", "bound", "key"), PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_list_page_queries_do_not_grow_with_rows(
    world, client_for, django_assert_max_num_queries, rows, name, query, build, bound, key
):
    build(world, rows)
    client = client_for("office")
    client.get(reverse(name), query)  # warm up the session and the content types
    with django_assert_max_num_queries(bound):
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    shown = response.context[key]
    if key == "groups":
        assert sum(len(g["duties"]) for g in shown) >= rows
    else:
        assert len(list(shown)) >= rows
