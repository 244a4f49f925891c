"""The scope is computed on every signed-in request (issue 15: the common cost of every page): a
staff member's in one statement — the active memberships with their organisation or body, the
person and whether they have a home — plus one for an inspection group's coverage or a property
company's contracts; what the home page reads of it afterwards costs nothing more."""

import pytest

from gongzhi.core.models import User
from gongzhi.orgs.models import Residency
from gongzhi.orgs.scope import compute_scope, has_home

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "statements"),
    [
        ("office", 1),
        ("leader", 1),
        ("party_secretary", 1),
        ("rc_worker", 1),
        ("cross_appointed", 1),
        ("inspector", 2),  # + the group's coverage
        ("property_manager", 2),  # + the company's contracts
        ("admin", 1),  # the person only
        ("resident", 2),  # no membership: then the person
    ],
)
def test_the_scope_reads_few_statements(world, django_assert_num_queries, persona, statements):
    user = User.objects.get(pk=world.users[persona].pk)  # nothing cached on it
    with django_assert_num_queries(statements):
        scope = compute_scope(user)
    with django_assert_num_queries(0):
        person = getattr(user, "person", None)
        home = has_home(user)
    assert person == world.people.get(persona)
    assert home == (person is not None and Residency.objects.filter(person=person).active().exists())
    assert home == (persona == "resident")
    assert scope.is_platform_admin == (persona == "admin")


def test_a_staff_members_home_is_read_with_the_memberships(world, django_assert_num_queries):
    office = User.objects.get(pk=world.users["office"].pk)
    assert not compute_scope(office).is_resident
    with django_assert_num_queries(0):
        assert not has_home(office)
    Residency.objects.create(
        town=world.town,
        person=world.people["office"],
        unit=world.unit(world.c1),
        relation=Residency.Relation.TENANT,
        status=Residency.Status.CLAIMED,
        source=Residency.Source.INVITE,
    )
    office = User.objects.get(pk=office.pk)
    scope = compute_scope(office)
    assert scope.is_resident and scope.is_staff_member
    with django_assert_num_queries(0):
        assert has_home(office)
