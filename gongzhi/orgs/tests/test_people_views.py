"""People and memberships: create and edit through the forms, phone numbers, stale edits,
terms ending, cross-appointment on the person page (R-IMPL-2)."""

import pytest
from django.urls import reverse

from gongzhi.orgs.models import Membership, Person
from gongzhi.testing import MembershipFactory, PersonFactory, on

from .helpers import HOSTILE, STALE, assert_escaped, messages_of

pytestmark = pytest.mark.django_db


def test_office_records_a_person(world, client_for, audited):
    response = client_for("office").post(
        reverse("orgs:person_create"),
        {"town": world.town.pk, "name": "王小红", "phone": "138 1234-5678", "is_party_member": "on"},
    )
    person = Person.objects.get(name="王小红")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:person_detail", args=[person.uid])
    assert (person.town, person.phone, person.is_party_member) == (world.town, "13812345678", True)
    assert audited("orgs.person.create", person).get().actor == world.users["office"]


def test_a_wrong_or_duplicate_mobile_number_is_explained(world, client_for):
    client = client_for("office")
    response = client.post(reverse("orgs:person_create"), {"town": world.town.pk, "name": "甲", "phone": "12345"})
    assert response.context["form"].errors["phone"] == ["Enter an 11-digit mainland mobile number, e.g. 13812345678."]
    response = client.post(reverse("orgs:person_create"), {"town": world.town.pk, "name": "乙", "phone": "13800000001"})
    assert response.context["form"].errors["phone"] == [
        "Someone with this mobile number is already recorded in this town."
    ]
    response = client.post(reverse("orgs:person_create"), {"town": world.town.pk, "name": ""})
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not Person.objects.filter(name__in=["甲", "乙"]).exists()


def test_the_town_is_the_managed_one(world, client_for):
    form = client_for("office").get(reverse("orgs:person_create")).context["form"]
    assert list(form.fields["town"].queryset) == [world.town]
    assert form.fields["town"].widget.is_hidden
    # Another town's id, posted anyway, is refused.
    response = client_for("office").post(reverse("orgs:person_create"), {"town": world.other.pk, "name": "丙"})
    assert "town" in response.context["form"].errors
    # The platform administrator chooses among all towns.
    form = client_for("admin").get(reverse("orgs:person_create")).context["form"]
    assert not form.fields["town"].widget.is_hidden


def test_person_edit_and_stale_version(world, client_for, audited):
    person = world.people["rc_worker"]
    client = client_for("office")
    response = client.post(
        reverse("orgs:person_edit", args=[person.uid]),
        {"name": HOSTILE, "phone": person.phone, "version": person.version},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == HOSTILE
    assert audited("orgs.person.update", person).exists()
    assert_escaped(client.get(reverse("orgs:person_detail", args=[person.uid])))
    assert_escaped(client.get(reverse("orgs:person_list")))
    assert_escaped(client.get(reverse("orgs:organization_detail", args=[world.orgs["rc1"].uid])))
    response = client.post(
        reverse("orgs:person_edit", args=[person.uid]), {"name": "旧表单", "phone": person.phone, "version": 1}
    )
    assert STALE in response.context["form"].non_field_errors()[0]
    person.refresh_from_db()
    assert person.name == HOSTILE


def test_add_a_membership(world, client_for, audited):
    person = world.people["rc_worker"]
    response = client_for("office").post(
        reverse("orgs:membership_add", args=[person.uid]),
        {
            "organization": world.orgs["oc1"].pk,
            "position": "member",
            "title": "业委会委员",
            "start": on(0).isoformat(),
            "end": "",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=person, organization=world.orgs["oc1"])
    assert membership.town == world.town
    assert audited("orgs.membership.create", membership).exists()


def test_membership_needs_exactly_one_holder_and_a_sane_term(world, client_for):
    person = world.people["rc_worker"]
    url = reverse("orgs:membership_add", args=[person.uid])
    client = client_for("office")
    base = {"position": "member", "title": "委员", "start": on(0).isoformat()}
    response = client.post(url, base)
    assert response.context["form"].non_field_errors() == ["Choose either an organisation or a body."]
    response = client.post(url, {**base, "organization": world.orgs["oc1"].pk, "body": world.bodies["g1"].pk})
    assert response.context["form"].non_field_errors() == ["Choose either an organisation or a body."]
    response = client.post(url, {**base, "organization": world.orgs["oc1"].pk, "end": on(-5).isoformat()})
    assert response.context["form"].errors["end"] == ["The term cannot end before it starts."]
    response = client.post(url, {**base, "organization": world.orgs["oc4"].pk})  # another town
    assert "organization" in response.context["form"].errors
    response = client.post(url, {"organization": world.orgs["oc1"].pk})
    assert {"title", "start"} <= set(response.context["form"].errors)
    assert person.memberships.count() == 1


def test_edit_and_end_a_membership(world, client_for, audited):
    membership = world.people["party_secretary"].memberships.get()
    client = client_for("office")
    response = client.post(
        reverse("orgs:membership_edit", args=[membership.uid]),
        {
            "position": "head",
            "title": "党委书记",
            "start": membership.start.isoformat(),
            "end": on(300).isoformat(),
            "version": membership.version,
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.title == "党委书记"
    assert audited("orgs.membership.update", membership).exists()

    page = client.get(reverse("orgs:membership_end", args=[membership.uid]))
    assert page.context["form"]["end"].value() == on(0)
    response = client.post(
        reverse("orgs:membership_end", args=[membership.uid]), {"end": on(0).isoformat(), "version": membership.version}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end == on(0)
    assert audited("orgs.membership.end", membership).exists()
    response = client.post(
        reverse("orgs:membership_end", args=[membership.uid]),
        {"end": on(-9999).isoformat(), "version": membership.version},
    )
    assert response.context["form"].errors["end"] == ["The term cannot end before it starts."]


def test_ending_a_membership_with_a_stale_form_changes_nothing(world, client_for):
    membership = world.people["party_secretary"].memberships.get()
    response = client_for("office").post(
        reverse("orgs:membership_end", args=[membership.uid]),
        {"end": on(0).isoformat(), "version": membership.version + 1},
    )
    assert STALE in response.content.decode()
    membership.refresh_from_db()
    assert membership.end is None


def test_ending_a_membership_without_a_version_is_refused_and_keeps_the_date(world, client_for):
    membership = world.people["party_secretary"].memberships.get()
    response = client_for("office").post(
        reverse("orgs:membership_end", args=[membership.uid]), {"end": on(0).isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"]["end"].value() == on(0).isoformat()
    assert response.context["form"].errors["version"]
    membership.refresh_from_db()
    assert membership.end is None


def test_cross_appointment_is_visible_on_the_person_page(world, client_for):
    response = client_for("leader").get(reverse("orgs:person_detail", args=[world.people["cross_appointed"].uid]))
    assert response.context["cross_appointed"] is True
    assert {m.holder for m in response.context["memberships"]} == {world.orgs["po2"], world.orgs["oc1"]}
    content = response.content.decode()
    assert "Cross-appointed" in content and "世博党总支" in content and "新城一村业委会" in content
    response = client_for("leader").get(reverse("orgs:person_detail", args=[world.people["rc_worker"].uid]))
    assert response.context["cross_appointed"] is False


def test_person_page_lists_current_memberships_first(world, client_for):
    person = world.people["rc_worker"]
    MembershipFactory(person=person, organization=world.orgs["po1"], title="前委员", start=on(-900), end=on(-10))
    MembershipFactory(person=person, organization=world.orgs["oc1"], title="新委员", start=on(-5))
    response = client_for("office").get(reverse("orgs:person_detail", args=[person.uid]))
    assert [m.title for m in response.context["memberships"]] == ["新委员", "社工", "前委员"]


def test_phone_numbers_are_masked_without_the_contact_permission(world, client_for):
    resident = world.people["resident"]
    url = reverse("orgs:person_detail", args=[resident.uid])
    assert "138****0001" in client_for("leader").get(url).content.decode()
    assert "13800000001" not in client_for("leader").get(url).content.decode()
    page = client_for("party_secretary").get(url).content.decode()
    assert "13800000001" not in page and 'data-testid="show-phone"' in page  # in full only on request


def test_search_by_phone_only_with_the_contact_permission(world, client_for):
    url = reverse("orgs:person_list")

    def names(persona, q):
        return {p.name for p in client_for(persona).get(url, {"q": q}).context["page_obj"]}

    assert names("party_secretary", "13800000001") == {"居民甲"}
    assert names("leader", "13800000001") == set()
    assert names("leader", "居民") == {"居民甲"}


def test_terms_ending_within_30_days(world, client_for):
    ending = PersonFactory(town=world.town, name="任期将满")
    MembershipFactory(person=ending, organization=world.orgs["rc1"], title="主任", end=on(20))
    later = PersonFactory(town=world.town, name="任期尚远")
    MembershipFactory(person=later, organization=world.orgs["rc1"], title="委员", end=on(200))
    response = client_for("office").get(reverse("orgs:person_list"), {"term": "ending"})
    assert [p.name for p in response.context["page_obj"]] == ["任期将满"]


def test_outsider_cannot_manage_people_of_another_town(world, client_for):
    person = world.people["rc_worker"]
    client = client_for("outsider")
    assert client.get(reverse("orgs:person_edit", args=[person.uid])).status_code == 404
    assert client.post(reverse("orgs:membership_add", args=[person.uid]), {}).status_code == 404
    membership = person.memberships.get()
    assert client.post(reverse("orgs:membership_end", args=[membership.uid]), {}).status_code == 404
    assert messages_of(client.get(reverse("orgs:person_list"))) == []
