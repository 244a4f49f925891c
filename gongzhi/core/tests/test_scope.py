"""Scope per role (DESIGN.md convention 5), including a cross-appointed person."""

import pytest

from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Organization, Person
from gongzhi.places.models import Compound, Neighborhood, Unit

pytestmark = pytest.mark.django_db


def visible(model, user, permission=None):
    return set(
        model.objects.for_user(user, permission).values_list("code" if hasattr(model, "code") else "pk", flat=True)
    )


def compounds(world, persona):
    return set(Compound.objects.for_user(world.users[persona]).values_list("code", flat=True))


EXPECTED_COMPOUNDS = {
    "office": {"xc1", "xc2", "sb1"},
    "leader": {"xc1", "xc2", "sb1"},
    "inspector": {"sb1"},
    "party_secretary": {"xc1", "xc2"},
    "rc_worker": {"xc1", "xc2"},
    "oc_member": {"xc1"},
    "property_manager": {"xc1", "sb1"},
    "gov_staff": set(),
    "cross_appointed": {"xc1", "sb1"},
    "resident": set(),
    "outsider": {"ml11"},
    "admin": {"xc1", "xc2", "sb1", "ml11"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_COMPOUNDS))
def test_each_role_sees_exactly_its_compounds(world, persona):
    assert compounds(world, persona) == EXPECTED_COMPOUNDS[persona]


def test_units_follow_compound_scope(world):
    units = Unit.objects.for_user(world.users["property_manager"])
    assert set(units.values_list("compound__code", flat=True)) == {"xc1", "sb1"}


def test_inspection_group_covering_a_compound_sees_only_that_compound(world):
    from gongzhi.testing import MembershipFactory, PersonFactory, login_for

    person = PersonFactory(town=world.town)
    MembershipFactory(person=person, body=world.bodies["g3"], title="组员")
    user = login_for(person, "g3member")
    assert set(Compound.objects.for_user(user).values_list("code", flat=True)) == {"xc2"}
    # The neighborhood is seen (partially), but no other compound of it.
    assert set(Neighborhood.objects.for_user(user).values_list("code", flat=True)) == {"xc"}


def test_cross_appointed_person_holds_both_grants(world):
    scope = get_scope(world.users["cross_appointed"])
    assert scope.roles >= {"party_org", "owners_committee"}
    assert set(Neighborhood.objects.for_user(world.users["cross_appointed"]).values_list("code", flat=True)) == {
        "sb",
        "xc",
    }


def test_a_permission_reaches_only_the_area_of_grants_that_carry_it(world):
    from gongzhi.testing import MembershipFactory

    # The residents' committee worker of 世博 (n2) also sits on 新城一村's owners' committee:
    # they may edit places in 世博, but only view 新城一村.
    person = world.people["rc_worker"]
    person.memberships.all().delete()
    MembershipFactory(person=person, organization=world.orgs["rc2"], title="社工")
    MembershipFactory(person=person, organization=world.orgs["oc1"], title="业委会委员")
    user = type(world.users["rc_worker"]).objects.get(pk=world.users["rc_worker"].pk)
    assert set(Compound.objects.for_user(user).values_list("code", flat=True)) == {"sb1", "xc1"}
    assert set(Compound.objects.for_user(user, "places.manage").values_list("code", flat=True)) == {"sb1"}


def test_ended_membership_grants_nothing(world):
    from gongzhi.testing import on

    membership = world.people["party_secretary"].memberships.get()
    membership.end = on(-1)
    membership.save()
    user = type(world.users["party_secretary"]).objects.get(pk=world.users["party_secretary"].pk)
    assert not get_scope(user).is_staff_member
    assert Compound.objects.for_user(user).count() == 0


def test_ended_contract_removes_compound_from_property_company(world):
    assert "xc2" not in compounds(world, "property_manager")


def test_organisations_seen_by_owners_committee_member(world):
    names = set(Organization.objects.for_user(world.users["oc_member"]).values_list("code", flat=True))
    # Their own committee, their neighborhood's party org and residents' committee, and the
    # property company serving their compound; nothing from 世博 or the other town.
    assert names == {"oc1", "po1", "rc1", "pc"}


def test_government_unit_staff_see_their_own_organisation_only(world):
    names = set(Organization.objects.for_user(world.users["gov_staff"]).values_list("code", flat=True))
    assert names == {"police"}


def test_people_are_scoped(world):
    seen = set(Person.objects.for_user(world.users["oc_member"]).values_list("name", flat=True))
    assert "outsider人员" not in seen
    assert "居民甲" in seen  # a resident of their compound
    assert "inspector人员" not in seen


def test_outsider_sees_nothing_of_the_other_town(world):
    user = world.users["outsider"]
    assert not Neighborhood.objects.for_user(user).filter(town=world.town).exists()
    assert not Organization.objects.for_user(user).filter(town=world.town).exists()
    assert not Person.objects.for_user(user).filter(town=world.town).exists()


def test_resident_without_staff_role_has_no_staff_permissions(world):
    scope = get_scope(world.users["resident"])
    assert scope.roles == {"resident"}
    assert not scope.permissions
