"""Organisation and body pages: create and edit through the forms, wrong input, stale edits,
cross-appointments (R-IMPL-2) and scope."""

import pytest
from django.urls import reverse

from gongzhi.orgs.models import Body, BodyCoverage, BodyMemberUnit, Duty, Organization
from gongzhi.testing import MembershipFactory, NeighborhoodFactory, PersonFactory

from .helpers import HOSTILE, STALE, assert_escaped

pytestmark = pytest.mark.django_db


def org_data(**overrides):
    data = {
        "kind": "party_org",
        "code": "po9",
        "name": "新区党支部",
        "neighborhood": "",
        "compound": "",
        "phone": "",
        "address": "",
    }
    data.update(overrides)
    return data


# --- Organisations ---------------------------------------------------------------------------


def test_office_creates_an_organisation_through_the_form(world, client_for, audited):
    n = NeighborhoodFactory(town=world.town, code="nq", name="新区")
    response = client_for("office").post(
        reverse("orgs:organization_create"), org_data(neighborhood=n.pk, town=world.town.pk)
    )
    organization = Organization.objects.get(code="po9")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:organization_detail", args=[organization.uid])
    assert (organization.town, organization.neighborhood, organization.kind) == (world.town, n, "party_org")
    entry = audited("orgs.organization.create", organization).get()
    assert entry.actor == world.users["office"]
    assert entry.after["name"] == "新区党支部"


def test_the_kind_decides_the_place(world, client_for):
    # A property company chosen with a neighborhood: the neighborhood does not apply and is dropped.
    client_for("office").post(
        reverse("orgs:organization_create"),
        org_data(
            kind="property_company", code="pc9", neighborhood=world.n1.pk, compound=world.c1.pk, town=world.town.pk
        ),
    )
    company = Organization.objects.get(code="pc9")
    assert company.neighborhood is None and company.compound is None


def test_a_party_organisation_without_a_neighborhood_is_explained(world, client_for):
    response = client_for("office").post(reverse("orgs:organization_create"), org_data(town=world.town.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["neighborhood"] == [
        "A party organisation or residents' committee belongs to a neighborhood."
    ]
    assert not Organization.objects.filter(code="po9").exists()


def test_a_second_party_organisation_in_a_neighborhood_is_refused(world, client_for):
    response = client_for("office").post(
        reverse("orgs:organization_create"), org_data(neighborhood=world.n1.pk, town=world.town.pk)
    )
    assert response.context["form"].errors["neighborhood"] == [
        "This neighborhood already has an organisation of this kind."
    ]


def test_missing_required_fields_are_marked(world, client_for):
    response = client_for("office").post(
        reverse("orgs:organization_create"), org_data(kind="", code="", name="", town=world.town.pk)
    )
    errors = response.context["form"].errors
    assert {"kind", "code", "name"} <= set(errors)
    assert errors["name"] == ["This field is required."]


def test_neighborhood_choices_are_limited_to_the_managed_town(world, client_for):
    form = client_for("office").get(reverse("orgs:organization_create")).context["form"]
    assert set(form.fields["neighborhood"].queryset) == {world.n1, world.n2}
    assert world.c4 not in form.fields["compound"].queryset
    # A neighborhood of another town, posted anyway, is not a valid choice.
    response = client_for("office").post(
        reverse("orgs:organization_create"), org_data(neighborhood=world.n3.pk, town=world.town.pk)
    )
    assert "neighborhood" in response.context["form"].errors


def test_hostile_name_is_shown_escaped(world, client_for):
    organization = world.orgs["police"]
    client = client_for("office")
    client.post(
        reverse("orgs:organization_edit", args=[organization.uid]),
        org_data(kind="government_unit", code="police", name=HOSTILE, version=organization.version),
    )
    organization.refresh_from_db()
    assert organization.name == HOSTILE
    assert_escaped(client.get(reverse("orgs:organization_detail", args=[organization.uid])))
    assert_escaped(client.get(reverse("orgs:organization_list")))


def test_edit_writes_the_audit_entry(world, client_for, audited):
    organization = world.orgs["rc1"]
    response = client_for("office").post(
        reverse("orgs:organization_edit", args=[organization.uid]),
        org_data(
            kind="residents_committee",
            code="rc1",
            name="新城居民委员会",
            neighborhood=world.n1.pk,
            phone="021-64000000",
            version=organization.version,
        ),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "新城居民委员会" and organization.version == 2
    entry = audited("orgs.organization.update", organization).get()
    assert entry.before == {"name": "新城居委会", "phone": ""}


def test_stale_version_changes_nothing(world, client_for):
    organization = world.orgs["rc1"]
    organization.version = 3  # someone else saved twice since the form was opened on version 1
    organization.save(update_fields=["version"])
    response = client_for("office").post(
        reverse("orgs:organization_edit", args=[organization.uid]),
        org_data(kind="residents_committee", code="rc1", name="改名", neighborhood=world.n1.pk, version=1),
    )
    assert response.status_code == 200
    assert STALE in response.context["form"].non_field_errors()[0]
    organization.refresh_from_db()
    assert organization.name == "新城居委会"


def test_cross_appointment_is_visible_on_the_organisation_page(world, client_for):
    response = client_for("office").get(reverse("orgs:organization_detail", args=[world.orgs["po2"].uid]))
    rows = {m.person.name: m for m in response.context["current_members"]}
    assert [o.organization for o in rows["cross_appointed人员"].elsewhere] == [world.orgs["oc1"]]
    content = response.content.decode()
    assert "Cross-appointed" in content and "新城一村业委会" in content
    # …and from the other side.
    response = client_for("office").get(reverse("orgs:organization_detail", args=[world.orgs["oc1"].uid]))
    rows = {m.person.name: m for m in response.context["current_members"]}
    assert [o.organization for o in rows["cross_appointed人员"].elsewhere] == [world.orgs["po2"]]
    assert rows["oc_member人员"].elsewhere == []


def test_past_members_are_listed_apart(world, client_for):
    from gongzhi.testing import on

    former = PersonFactory(town=world.town, name="前任书记")
    MembershipFactory(person=former, organization=world.orgs["po1"], title="党总支书记", start=on(-900), end=on(-100))
    response = client_for("office").get(reverse("orgs:organization_detail", args=[world.orgs["po1"].uid]))
    assert [m.person.name for m in response.context["past_members"]] == ["前任书记"]
    assert "前任书记" not in [m.person.name for m in response.context["current_members"]]


def test_party_secretary_cannot_open_another_neighborhoods_organisation(world, client_for):
    client = client_for("party_secretary")
    assert client.get(reverse("orgs:organization_detail", args=[world.orgs["po2"].uid])).status_code == 404
    assert client.get(reverse("orgs:organization_detail", args=[world.orgs["po1"].uid])).status_code == 200


def test_organisation_page_shows_its_duties_and_contracts(world, client_for):
    Duty.objects.create(town=world.town, party="property_company", order=1, text="做好小区保洁")
    Duty.objects.create(town=world.town, party="property_company", order=2, text="已废止的职责", retired=True)
    Duty.objects.create(town=world.other, party="property_company", order=1, text="外镇职责")
    response = client_for("office").get(reverse("orgs:organization_detail", args=[world.orgs["pc"].uid]))
    assert [d.text for d in response.context["duties"]] == ["做好小区保洁"]
    assert {k.compound for k in response.context["contracts"]} == {world.c1, world.c2, world.c3}


def test_members_are_hidden_from_a_role_without_people_view(world, client_for):
    response = client_for("gov_staff").get(reverse("orgs:organization_detail", args=[world.orgs["police"].uid]))
    assert response.status_code == 200
    assert response.context["current_members"] is None
    assert "Your role does not include seeing people" in response.content.decode()


def test_organisation_list_filters_by_kind_and_search(world, client_for):
    client = client_for("office")
    page = client.get(reverse("orgs:organization_list"), {"kind": "owners_committee"}).context["page_obj"]
    assert {o.code for o in page} == {"oc1", "oc3"}
    page = client.get(reverse("orgs:organization_list"), {"q": "世博"}).context["page_obj"]
    assert {o.code for o in page} == {"po2", "rc2", "oc3"}


# --- Bodies ----------------------------------------------------------------------------------


def test_body_edit_through_the_form(world, client_for, audited):
    body = world.bodies["office"]
    response = client_for("office").post(
        reverse("orgs:body_edit", args=[body.uid]),
        {"name": "社区事务管理办公室", "seat": "社区管理中心", "tasks": "拟定考评办法", "version": body.version},
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.seat == "社区管理中心"
    assert audited("orgs.body.update", body).exists()


def test_body_edit_with_a_stale_version_changes_nothing(world, client_for):
    body = world.bodies["office"]
    response = client_for("office").post(
        reverse("orgs:body_edit", args=[body.uid]),
        {"name": "新名称", "seat": "", "tasks": "", "version": body.version + 1},
    )
    assert STALE in response.content.decode()
    body.refresh_from_db()
    assert body.name == "社区事务管理办公室"


def test_member_units_are_added_and_removed(world, client_for, audited):
    body = world.bodies["leadership"]
    client = client_for("office")
    response = client.post(
        reverse("orgs:body_member_unit_add", args=[body.uid]),
        {"label": "陈行派出所", "organization": world.orgs["police"].pk},
    )
    assert response.status_code == 302
    unit = BodyMemberUnit.objects.get(body=body)
    assert unit.organization == world.orgs["police"]
    assert audited("orgs.body.add_member_unit", body).exists()
    page = client.get(reverse("orgs:body_detail", args=[body.uid]))
    assert world.orgs["police"].get_absolute_url() in page.content.decode()
    # The same label twice is explained.
    response = client.post(reverse("orgs:body_member_unit_add", args=[body.uid]), {"label": "陈行派出所"})
    assert response.context["form"].errors["label"] == ["This member unit is already listed."]
    response = client.post(reverse("orgs:body_member_unit_remove", args=[body.uid, unit.pk]))
    assert response.status_code == 302
    assert not BodyMemberUnit.objects.filter(pk=unit.pk).exists()
    assert audited("orgs.body.remove_member_unit", body).exists()


def test_a_member_unit_is_removed_only_through_its_own_body(world, client_for):
    unit = BodyMemberUnit.objects.create(body=world.bodies["leadership"], label="文明办")
    client = client_for("office")
    response = client.post(reverse("orgs:body_member_unit_remove", args=[world.bodies["g1"].uid, unit.pk]))
    assert response.status_code == 404
    other = BodyMemberUnit.objects.create(body=world.bodies["other_office"], label="梅陇派出所")
    response = client.post(reverse("orgs:body_member_unit_remove", args=[world.bodies["other_office"].uid, other.pk]))
    assert response.status_code == 404
    assert BodyMemberUnit.objects.count() == 2


def test_coverage_is_added_and_removed(world, client_for, audited):
    group = world.bodies["g1"]
    client = client_for("office")
    response = client.post(reverse("orgs:body_coverage_add", args=[group.uid]), {"compound": world.c1.pk})
    assert response.status_code == 302
    row = BodyCoverage.objects.get(body=group, compound=world.c1)
    assert audited("orgs.body.add_coverage", group).exists()
    # Neither or both: the service explains.
    response = client.post(reverse("orgs:body_coverage_add", args=[group.uid]), {})
    assert response.context["form"].non_field_errors() == ["Choose either a neighborhood or a compound."]
    response = client.post(
        reverse("orgs:body_coverage_add", args=[group.uid]), {"neighborhood": world.n1.pk, "compound": world.c2.pk}
    )
    assert response.context["form"].non_field_errors() == ["Choose either a neighborhood or a compound."]
    response = client.post(reverse("orgs:body_coverage_remove", args=[group.uid, row.pk]))
    assert response.status_code == 302
    assert not BodyCoverage.objects.filter(pk=row.pk).exists()
    assert audited("orgs.body.remove_coverage", group).exists()


def test_body_detail_lists_members_by_position_and_coverage(world, client_for):
    group = world.bodies["g1"]
    head = PersonFactory(town=world.town, name="组长甲", is_party_member=True)
    MembershipFactory(person=head, body=group, title="组长", position="head")
    response = client_for("office").get(reverse("orgs:body_detail", args=[group.uid]))
    assert [m.person.name for m in response.context["current_members"]] == ["组长甲", "inspector人员"]
    assert [str(c) for c in response.context["coverage"]] == ["世博"]
    assert "Party member" in response.content.decode()


def test_body_list_shows_heads_and_coverage(world, client_for):
    MembershipFactory(
        person=PersonFactory(town=world.town, name="组长乙"), body=world.bodies["g3"], title="组长", position="head"
    )
    response = client_for("leader").get(reverse("orgs:body_list"))
    bodies = {b.name: b for b in response.context["bodies"]}
    assert [m.person.name for m in bodies["第三检查组"].leaders] == ["组长乙"]
    assert "新城二村" in response.content.decode()
    assert "梅陇办公室" not in bodies
    assert Body.objects.count() == 5


def test_hostile_member_unit_label_is_escaped_in_text_and_confirmations(world, client_for):
    body = world.bodies["leadership"]
    client = client_for("office")
    client.post(reverse("orgs:body_member_unit_add", args=[body.uid]), {"label": HOSTILE})
    assert BodyMemberUnit.objects.filter(body=body, label=HOSTILE).exists()
    assert_escaped(client.get(reverse("orgs:body_detail", args=[body.uid])))


def test_body_list_of_the_administrator_pages_and_shows_the_chosen_towns_coverage(world, client_for):
    """A user of several towns (issue 15: a city's coverage is 13,000 compounds) chooses the town
    whose inspection coverage the page shows; the bodies of every town are paged."""
    client = client_for("admin")
    response = client.get(reverse("orgs:body_list"))
    assert response.context["towns"].waiting
    assert response.context["coverage"] == []
    assert response.context["page_obj"].paginator.count == Body.objects.count()
    assert "Choose a town to see its inspection coverage" in response.content.decode()
    response = client.get(reverse("orgs:body_list") + f"?town={world.town.uid}")
    assert [c.town for c in response.context["coverage"]] == [world.town]
    assert {b.town_id for b in response.context["bodies"]} == {world.town.pk}
    assert 'data-testid="inspection-coverage"' in response.content.decode()
    # a user of one town sees their town's coverage as before, with no town filter
    response = client_for("office").get(reverse("orgs:body_list"))
    assert not response.context["towns"].shown
    assert [c.town for c in response.context["coverage"]] == [world.town]
