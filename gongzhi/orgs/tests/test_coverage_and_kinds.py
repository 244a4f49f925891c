"""Inspection coverage on the office's desk (compounds no group covers; overlaps where the town
forbids them), and the developer (开发商) as a kind of organisation (issue 10, the seed's parties)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongzhi.core.scope import get_scope
from gongzhi.orgs import services
from gongzhi.orgs.coverage import coverage_counts, town_coverage
from gongzhi.orgs.models import Organization
from gongzhi.testing import MembershipFactory, PersonFactory, login_for

pytestmark = pytest.mark.django_db


def _report(world):
    return town_coverage([world.town])[0]


def test_the_office_is_told_which_compounds_no_group_covers(world, client_for):
    assert [c.name for c in _report(world).uncovered] == ["新城一村"]
    home = client_for("office").get("/").content.decode()
    assert "1 compound is covered by no inspection group." in home
    page = client_for("office").get(reverse("orgs:body_list")).content.decode()
    assert 'data-testid="uncovered"' in page and "新城一村" in page.split('data-testid="uncovered"')[1][:400]
    services.add_body_coverage(actor=world.users["office"], body=world.bodies["g1"], compound=world.c1)
    assert _report(world).uncovered == []
    assert "covered by no inspection group" not in client_for("office").get("/").content.decode()


def test_overlaps_are_shown_and_refused_only_where_the_town_forbids_them(world, client_for):
    office = world.users["office"]
    services.add_body_coverage(actor=office, body=world.bodies["g3"], neighborhood=world.n2)  # 世博家园 twice
    report = _report(world)
    assert [(c.name, [g.name for g in groups]) for c, groups in report.overlaps] == [
        ("世博家园", ["第一检查组", "第三检查组"])
    ]
    assert report.problems == 1  # only the uncovered compound: overlaps are allowed by default
    assert "more than one inspection group" not in client_for("office").get("/").content.decode()

    town = world.town
    response = client_for("office").post(
        reverse("orgs:inspection_overlap_rule", args=[town.uid]), {"version": town.version}
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.inspection_groups_may_overlap is False
    assert "which the town does not allow" in client_for("office").get("/").content.decode()
    with pytest.raises(ValidationError) as refused:
        services.add_body_coverage(actor=office, body=world.bodies["g1"], compound=world.c2)
    assert "新城二村 is already covered by 第三检查组" in refused.value.messages[0]


def test_the_home_page_counts_agree_with_the_coverage_report(world):
    """The attention items count in the database (coverage_counts) what the coverage page lists."""

    def totals():
        report = _report(world)
        return len(report.uncovered), len(report.overlaps) if report.overlaps_forbidden else 0

    office = world.users["office"]
    assert coverage_counts([world.town]) == totals() == (1, 0)
    services.add_body_coverage(actor=office, body=world.bodies["g3"], neighborhood=world.n2)
    world.town.inspection_groups_may_overlap = False
    world.town.save(update_fields=["inspection_groups_may_overlap"])
    assert coverage_counts([world.town]) == totals() == (1, 1)
    # A group covering a compound both directly and through its neighborhood is one group.
    services.add_body_coverage(actor=office, body=world.bodies["g1"], compound=world.c1)
    assert coverage_counts([world.town]) == totals() == (0, 1)


def test_the_overlap_rule_form_refuses_a_stale_edit(world, client_for):
    town = world.town
    client = client_for("office")
    url = reverse("orgs:inspection_overlap_rule", args=[town.uid])
    assert client.post(url, {"version": town.version}).status_code == 302
    response = client.post(url, {"version": town.version, "inspection_groups_may_overlap": "on"})
    assert response.status_code == 200  # shown again with the reason; nothing changed
    town.refresh_from_db()
    assert town.inspection_groups_may_overlap is False


def test_a_developer_is_an_organisation_whose_staff_see_only_their_own(world, client_for):
    developer = services.create_organization(
        actor=world.users["office"], town=world.town, data={"kind": "developer", "code": "dev1", "name": "绿地集团"}
    )
    assert developer.kind_label == "Developer"
    person = PersonFactory(town=world.town, name="开发商联系人")
    MembershipFactory(person=person, organization=developer, title="项目经理")
    user = login_for(person, "developer")
    scope = get_scope(user)
    assert scope.has("orgs.view") and not scope.has("cases.view") and not scope.has("meetings.view")
    assert list(Organization.objects.for_user(user)) == [developer]
    with pytest.raises(ValidationError):
        services.create_organization(
            actor=world.users["office"],
            town=world.town,
            data={"kind": "developer", "code": "dev2", "name": "某开发商", "compound": world.c1},
        )


def test_the_home_page_counts_the_neighborhoods_missing_an_organisation(world, settings):
    """Each neighborhood without a party organisation, and each without a residents' committee,
    counts once per missing kind (one statement for both kinds)."""
    from django.utils import timezone

    from gongzhi.core.scope import get_scope
    from gongzhi.orgs.attention import town_items
    from gongzhi.orgs.models import Organization
    from gongzhi.places.models import Neighborhood
    from gongzhi.testing import NeighborhoodFactory, OrganizationFactory

    settings.LANGUAGE_CODE = "en"
    office = world.users["office"]

    def counted():
        texts = [i.text for i in town_items(office, get_scope(office), timezone.localdate())]
        found = [t for t in texts if "missing from" in t]
        return int(found[0].split()[0]) if found else 0

    def expected():
        kinds = (Organization.Kind.PARTY_ORG, Organization.Kind.RESIDENTS_COMMITTEE)
        town = Neighborhood.objects.filter(town=world.town)
        return sum(town.exclude(organizations__kind=kind).count() for kind in kinds)

    before = counted()
    assert before == expected()
    bare = NeighborhoodFactory(town=world.town)
    assert counted() == before + 2  # neither kind
    OrganizationFactory(town=world.town, neighborhood=bare, kind=Organization.Kind.PARTY_ORG)
    assert counted() == before + 1 == expected()
