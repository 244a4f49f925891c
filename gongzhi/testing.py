"""Factories and personas for tests (DESIGN.md convention 12). Tests build what they need with
the factories, or take `personas()`: a small world of two towns with one login per persona.

Rows are created directly here, not through services: this is set-up, not behaviour under test.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import factory
import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongzhi.core.models import User
from gongzhi.orgs.models import (
    Body,
    BodyCoverage,
    Membership,
    Organization,
    Person,
    Residency,
    ServiceContract,
)
from gongzhi.places.models import Building, Compound, Neighborhood, Town, Unit

PASSWORD = "correct-horse-battery"  # noqa: S105 - test personas only


@pytest.fixture(autouse=True)
def english_outside_browser(request):
    """Messages are asserted in the source language (English), whatever the catalogues say; the
    browser tests run in Chinese, as people see the pages. An app's tests/conftest.py switches it
    on for all its tests by importing it."""
    if "browser" not in request.keywords:
        request.getfixturevalue("english")
    yield


_PASSWORD_HASH: list[str] = []


def _password_hash() -> str:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(PASSWORD))
    return _PASSWORD_HASH[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyFunction(_password_hash)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    code = factory.Sequence(lambda n: f"town{n}")
    name = factory.Sequence(lambda n: f"测试镇{n}")


class NeighborhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighborhood

    town = factory.SubFactory(TownFactory)
    code = factory.Sequence(lambda n: f"nb{n}")
    name = factory.Sequence(lambda n: f"居民区{n}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    neighborhood = factory.SubFactory(NeighborhoodFactory)
    town = factory.SelfAttribute("neighborhood.town")
    code = factory.Sequence(lambda n: f"cp{n}")
    name = factory.Sequence(lambda n: f"小区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    town = factory.SelfAttribute("compound.town")
    number = factory.Sequence(lambda n: f"{n + 1}号楼")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    compound = factory.SelfAttribute("building.compound")
    town = factory.SelfAttribute("building.town")
    number = factory.Sequence(lambda n: f"{(n % 30) + 1:02d}{(n // 30) % 4 + 1:02d}")
    area = Decimal("88.50")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    town = factory.SubFactory(TownFactory)
    kind = Organization.Kind.GOVERNMENT_UNIT
    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"组织{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"人员{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    town = factory.SelfAttribute("person.town")
    title = "委员"
    position = Membership.Position.MEMBER
    start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    town = factory.SubFactory(TownFactory)
    kind = Body.Kind.INSPECTION_GROUP
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"检查组{n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceContract

    compound = factory.SubFactory(CompoundFactory)
    town = factory.SelfAttribute("compound.town")
    company = factory.SubFactory(
        OrganizationFactory, town=factory.SelfAttribute("..town"), kind=Organization.Kind.PROPERTY_COMPANY
    )
    start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


def login_for(person: Person, username: str, **extra) -> User:
    user = UserFactory(username=username, display_name=person.name, phone=person.phone or None, **extra)
    person.user = user
    person.save(update_fields=["user"])
    return user


PERSONAS = (
    "office",
    "leader",
    "inspector",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "gov_staff",
    "cross_appointed",
    "resident",
    "outsider",
    "admin",
)


@dataclass
class World:
    """Two towns. In `town`: neighborhoods n1 (新城) and n2 (世博); compounds c1, c2 in n1 and c3 in
    n2; each with one building and two units. The property company serves c1 and c3 (its c2
    contract has ended). Inspection group g1 covers n2; group g3 covers only compound c2.
    `other` is another town with its own office (the outsider)."""

    town: Town
    other: Town
    n1: Neighborhood
    n2: Neighborhood
    n3: Neighborhood
    c1: Compound
    c2: Compound
    c3: Compound
    c4: Compound
    units: dict[str, Unit] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def unit(self, compound: Compound) -> Unit:
        return self.units[compound.code]


# Over 60 lines on purpose: the whole test world in one place, every persona's rows side by side.
def personas() -> World:
    town = TownFactory(code="pj", name="浦江镇")
    other = TownFactory(code="ml", name="梅陇镇")
    n1 = NeighborhoodFactory(town=town, code="xc", name="新城")
    n2 = NeighborhoodFactory(town=town, code="sb", name="世博")
    n3 = NeighborhoodFactory(town=other, code="ml1", name="梅陇一")
    c1 = CompoundFactory(neighborhood=n1, code="xc1", name="新城一村")
    c2 = CompoundFactory(neighborhood=n1, code="xc2", name="新城二村")
    c3 = CompoundFactory(neighborhood=n2, code="sb1", name="世博家园")
    c4 = CompoundFactory(neighborhood=n3, code="ml11", name="梅陇小区")
    world = World(town, other, n1, n2, n3, c1, c2, c3, c4)
    for compound in (c1, c2, c3, c4):
        building = BuildingFactory(compound=compound, number="1号楼")
        world.units[compound.code] = UnitFactory(building=building, number="101")
        UnitFactory(building=building, number="102", area=Decimal("120.00"))

    org = OrganizationFactory
    world.orgs = {
        "po1": org(town=town, kind=Organization.Kind.PARTY_ORG, code="po1", name="新城党总支", neighborhood=n1),
        "rc1": org(
            town=town, kind=Organization.Kind.RESIDENTS_COMMITTEE, code="rc1", name="新城居委会", neighborhood=n1
        ),
        "po2": org(town=town, kind=Organization.Kind.PARTY_ORG, code="po2", name="世博党总支", neighborhood=n2),
        "rc2": org(
            town=town, kind=Organization.Kind.RESIDENTS_COMMITTEE, code="rc2", name="世博居委会", neighborhood=n2
        ),
        "oc1": org(town=town, kind=Organization.Kind.OWNERS_COMMITTEE, code="oc1", name="新城一村业委会", compound=c1),
        "oc3": org(town=town, kind=Organization.Kind.OWNERS_COMMITTEE, code="oc3", name="世博家园业委会", compound=c3),
        "pc": org(town=town, kind=Organization.Kind.PROPERTY_COMPANY, code="pc", name="申江物业"),
        "police": org(town=town, kind=Organization.Kind.GOVERNMENT_UNIT, code="police", name="陈行派出所"),
        "oc4": org(town=other, kind=Organization.Kind.OWNERS_COMMITTEE, code="oc4", name="梅陇业委会", compound=c4),
    }
    today = timezone.localdate()
    ContractFactory(company=world.orgs["pc"], compound=c1, start=today - timedelta(days=400))
    ContractFactory(
        company=world.orgs["pc"], compound=c3, start=today - timedelta(days=30), end=today + timedelta(days=700)
    )
    ContractFactory(
        company=world.orgs["pc"], compound=c2, start=today - timedelta(days=800), end=today - timedelta(days=10)
    )

    world.bodies = {
        "office": BodyFactory(town=town, kind=Body.Kind.OFFICE, number=1, name="社区事务管理办公室"),
        "leadership": BodyFactory(town=town, kind=Body.Kind.LEADERSHIP_GROUP, number=1, name="领导小组"),
        "g1": BodyFactory(town=town, kind=Body.Kind.INSPECTION_GROUP, number=1, name="第一检查组"),
        "g3": BodyFactory(town=town, kind=Body.Kind.INSPECTION_GROUP, number=3, name="第三检查组"),
        "other_office": BodyFactory(town=other, kind=Body.Kind.OFFICE, number=1, name="梅陇办公室"),
    }
    BodyCoverage.objects.create(body=world.bodies["g1"], neighborhood=n2)
    BodyCoverage.objects.create(body=world.bodies["g3"], compound=c2)

    def staff(key, town_, holder, title, position=Membership.Position.MEMBER, **membership):
        person = PersonFactory(town=town_, name=f"{key}人员")
        is_body = isinstance(holder, Body)
        MembershipFactory(
            person=person,
            title=title,
            position=position,
            body=holder if is_body else None,
            organization=None if is_body else holder,
            **membership,
        )
        world.people[key] = person
        world.users[key] = login_for(person, key)
        return person

    staff("office", town, world.bodies["office"], "主任", Membership.Position.HEAD)
    staff("leader", town, world.bodies["leadership"], "组长", Membership.Position.HEAD)
    staff("inspector", town, world.bodies["g1"], "组员")
    staff("party_secretary", town, world.orgs["po1"], "党总支书记", Membership.Position.HEAD)
    staff("rc_worker", town, world.orgs["rc1"], "社工", Membership.Position.STAFF)
    staff("oc_member", town, world.orgs["oc1"], "业委会委员")
    staff("property_manager", town, world.orgs["pc"], "小区经理", Membership.Position.STAFF)
    staff("gov_staff", town, world.orgs["police"], "社区民警", Membership.Position.STAFF)
    cross = staff("cross_appointed", town, world.orgs["po2"], "党总支委员")
    MembershipFactory(person=cross, organization=world.orgs["oc1"], title="业委会委员")
    staff("outsider", other, world.bodies["other_office"], "主任", Membership.Position.HEAD)

    resident = PersonFactory(town=town, name="居民甲", phone="13800000001")
    Residency.objects.create(
        town=town,
        person=resident,
        unit=world.unit(c1),
        relation=Residency.Relation.OWNER,
        status=Residency.Status.VERIFIED,
        source=Residency.Source.STAFF,
    )
    world.people["resident"] = resident
    # A resident's account has no password: residents sign in by one-time code (accounts.services).
    world.users["resident"] = login_for(resident, "13800000001", password=make_password(None))
    world.users["admin"] = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return world


def on(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@contextmanager
def tampering_with_the_audit_log():
    """Act as an intruder who owns the database tables: on PostgreSQL, lift the trigger that keeps
    audit entries append-only for the rest of the test's transaction (gongzhi.core migration 0003)."""
    from django.db import connection

    def trigger(state: str) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # ALTER TABLE waits for nothing: run the deferred foreign-key checks of the rows
                # the test wrote first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE core_auditentry {state} TRIGGER core_auditentry_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    trigger("DISABLE")
    try:
        yield
    finally:
        trigger("ENABLE")


def exported(client, kind: str, query: str = ""):
    """As the test client's user: press a list's "Export to Excel" (kind `kind`, the list page's
    `query`), let the background job run as the worker would (the test backend runs it at commit),
    and return the job and the downloaded file read back (an openpyxl workbook)."""
    import io

    from django.test import TestCase
    from openpyxl import load_workbook

    from gongzhi.exports.models import ExportJob

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(f"/exports/start/{kind}/" + (f"?{query}" if query else ""))
    assert started.status_code == 302, started.status_code
    job = ExportJob.objects.get(uid=started["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.state == ExportJob.State.DONE, (job.state, job.error)
    download = client.get(f"/exports/{job.uid}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    return job, load_workbook(io.BytesIO(b"".join(download.streaming_content)))
