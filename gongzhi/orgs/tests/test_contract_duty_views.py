"""Service contracts and duty lists (R-DUTY-1) through the pages."""

import pytest
from django.urls import reverse

from gongzhi.orgs.models import Duty, ServiceContract
from gongzhi.testing import ContractFactory, on

from .helpers import HOSTILE, STALE, assert_escaped, messages_of

pytestmark = pytest.mark.django_db


# --- Contracts -------------------------------------------------------------------------------


def test_office_records_a_contract(world, client_for, audited):
    manager = world.people["property_manager"]
    response = client_for("office").post(
        reverse("orgs:contract_create"),
        {
            "company": world.orgs["pc"].pk,
            "compound": world.c2.pk,
            "start": on(0).isoformat(),
            "end": on(730).isoformat(),
            "manager": manager.pk,
        },
    )
    contract = ServiceContract.objects.get(compound=world.c2, start=on(0))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:contract_detail", args=[contract.uid])
    assert (contract.town, contract.manager) == (world.town, manager)
    assert audited("orgs.servicecontract.create", contract).get().actor == world.users["office"]


def test_an_overlapping_contract_is_refused_with_the_reason(world, client_for):
    response = client_for("office").post(
        reverse("orgs:contract_create"),
        {"company": world.orgs["pc"].pk, "compound": world.c1.pk, "start": on(10).isoformat()},
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("The compound already has a contract with 申江物业 from ")
    assert "End that contract first." in response.content.decode()
    assert ServiceContract.objects.filter(compound=world.c1).count() == 1


def test_contract_form_requires_company_compound_and_start(world, client_for):
    response = client_for("office").post(reverse("orgs:contract_create"), {})
    assert {"company", "compound", "start"} <= set(response.context["form"].errors)


def test_contract_choices_are_the_managed_towns_companies_and_their_staff(world, client_for):
    form = client_for("office").get(reverse("orgs:contract_create")).context["form"]
    assert list(form.fields["company"].queryset) == [world.orgs["pc"]]
    assert world.c4 not in form.fields["compound"].queryset
    assert list(form.fields["manager"].queryset) == [world.people["property_manager"]]


def test_contract_edit_and_stale_version(world, client_for, audited):
    contract = ServiceContract.objects.get(compound=world.c3)
    client = client_for("office")
    data = {
        "company": contract.company_id,
        "compound": contract.compound_id,
        "start": contract.start.isoformat(),
        "end": on(30).isoformat(),
    }
    response = client.post(reverse("orgs:contract_edit", args=[contract.uid]), {**data, "version": contract.version})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.end == on(30)
    assert audited("orgs.servicecontract.update", contract).exists()
    response = client.post(
        reverse("orgs:contract_edit", args=[contract.uid]), {**data, "end": on(90).isoformat(), "version": 1}
    )
    assert STALE in response.context["form"].non_field_errors()[0]
    contract.refresh_from_db()
    assert contract.end == on(30)


def test_contract_list_filters(world, client_for):
    client = client_for("office")
    url = reverse("orgs:contract_list")

    def compounds(**q):
        return {k.compound.code for k in client.get(url, q).context["page_obj"]}

    assert compounds() == {"xc1", "xc2", "sb1"}
    assert compounds(status="current") == {"xc1", "sb1"}
    assert compounds(status="ended") == {"xc2"}
    assert compounds(ending="soon") == set()
    ContractFactory(company=world.orgs["pc"], compound=world.c2, start=on(-5), end=on(45))
    assert compounds(ending="soon") == {"xc2"}


def test_contract_detail_shows_manager_and_history(world, client_for):
    contract = ServiceContract.objects.get(compound=world.c1)
    contract.manager = world.people["property_manager"]
    contract.save()
    ContractFactory(company=world.orgs["pc"], compound=world.c1, start=on(-2000), end=on(-1000))
    response = client_for("leader").get(reverse("orgs:contract_detail", args=[contract.uid]))
    assert response.context["manager_visible"] is True
    assert len(response.context["others"]) == 1
    assert "property_manager人员" in response.content.decode()
    assert "History" in response.content.decode()


def test_property_company_sees_only_its_own_and_its_compounds_contracts(world, client_for):
    other_company = ContractFactory(compound__neighborhood=world.n1, company__town=world.town).company
    page = client_for("property_manager").get(reverse("orgs:contract_list")).context["page_obj"]
    assert other_company not in {k.company for k in page}


# --- Duty lists ------------------------------------------------------------------------------


def test_duty_create_edit_retire_restore(world, client_for, audited):
    client = client_for("office")
    page = client.get(reverse("orgs:duty_create"), {"party": "owners_committee"})
    assert page.context["form"]["order"].value() == 1
    response = client.post(
        reverse("orgs:duty_create"), {"town": world.town.pk, "party": "owners_committee", "order": 1, "text": HOSTILE}
    )
    duty = Duty.objects.get(party="owners_committee")
    assert response.status_code == 302
    assert audited("orgs.duty.create", duty).exists()
    assert_escaped(client.get(reverse("orgs:duty_list")))

    response = client.post(
        reverse("orgs:duty_edit", args=[duty.uid]), {"order": 2, "text": "召集业主大会", "version": duty.version}
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert (duty.order, duty.text) == (2, "召集业主大会")
    assert audited("orgs.duty.update", duty).exists()

    response = client.post(reverse("orgs:duty_retire", args=[duty.uid]), {"retired": "1", "version": duty.version})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.retired
    assert audited("orgs.duty.retire", duty).exists()
    listing = client.get(reverse("orgs:duty_list"))
    [group] = [g for g in listing.context["groups"] if g["party"] == "owners_committee"]
    assert group["duties"] == [duty]
    assert "retired" in listing.content.decode()

    client.post(reverse("orgs:duty_retire", args=[duty.uid]), {"retired": "0", "version": duty.version})
    duty.refresh_from_db()
    assert not duty.retired
    assert audited("orgs.duty.restore", duty).exists()


def test_retiring_a_duty_from_a_stale_page_changes_nothing(world, client_for):
    duty = Duty.objects.create(town=world.town, party="party_org", order=1, text="召集联席会议", version=2)
    response = client_for("office").post(reverse("orgs:duty_retire", args=[duty.uid]), {"retired": "1", "version": 1})
    assert response.status_code == 302
    assert STALE in messages_of(response)[0]
    duty.refresh_from_db()
    assert not duty.retired


def test_duty_form_requires_its_fields(world, client_for):
    response = client_for("office").post(reverse("orgs:duty_create"), {"town": world.town.pk})
    assert {"party", "order", "text"} <= set(response.context["form"].errors)


def test_duty_list_is_grouped_by_party_in_order(world, client_for):
    Duty.objects.create(town=world.town, party="party_org", order=2, text="第二条")
    Duty.objects.create(town=world.town, party="party_org", order=1, text="第一条")
    Duty.objects.create(town=world.town, party="property_company", order=1, text="物业第一条")
    Duty.objects.create(town=world.other, party="party_org", order=1, text="外镇")
    response = client_for("oc_member").get(reverse("orgs:duty_list"))
    groups = response.context["groups"]
    assert [g["party"] for g in groups] == ["party_org", "residents_committee", "owners_committee", "property_company"]
    assert [d.text for d in groups[0]["duties"]] == ["第一条", "第二条"]
    assert "外镇" not in response.content.decode()
    assert response.context["can_edit"] is False


def test_outsider_cannot_touch_another_towns_duty(world, client_for):
    duty = Duty.objects.create(town=world.town, party="party_org", order=1, text="召集联席会议")
    client = client_for("outsider")
    assert client.get(reverse("orgs:duty_edit", args=[duty.uid])).status_code == 404
    assert client.post(reverse("orgs:duty_retire", args=[duty.uid]), {"version": 1}).status_code == 404
