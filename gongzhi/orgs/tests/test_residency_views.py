"""Residents' ties to units: staff bind by mobile number; claims are confirmed or rejected;
confirmed ties are ended. Every transition of the table, allowed and forbidden, through the
pages."""

import pytest
from django.urls import reverse

from gongzhi.orgs.models import Person, Residency
from gongzhi.testing import PersonFactory

from .helpers import HOSTILE, STALE, assert_escaped, messages_of

pytestmark = pytest.mark.django_db


def claim(world, status=Residency.Status.CLAIMED, **extra):
    return Residency.objects.create(
        town=world.town,
        person=extra.pop("person", None) or PersonFactory(town=world.town, name="认领人"),
        unit=extra.pop("unit", None) or world.unit(world.c1),
        relation=Residency.Relation.OWNER,
        status=status,
        source=Residency.Source.INVITE,
        **extra,
    )


def test_staff_bind_a_resident_by_mobile_number(world, client_for, audited):
    unit = world.unit(world.c1)
    response = client_for("rc_worker").post(
        reverse("orgs:residency_bind", args=[unit.uid]),
        {"phone": "+86 139 0000 1111", "name": "新住户", "relation": "tenant"},
    )
    assert response.status_code == 302
    assert response["Location"] == unit.get_absolute_url()
    person = Person.objects.get(phone="13900001111")
    residency = Residency.objects.get(person=person, unit=unit)
    assert (residency.status, residency.source, residency.decided_by) == ("verified", "staff", world.users["rc_worker"])
    assert audited("orgs.residency.bind", residency).exists()
    assert audited("orgs.person.create", person).exists()
    # The same person again is explained.
    response = client_for("rc_worker").post(
        reverse("orgs:residency_bind", args=[unit.uid]),
        {"phone": "13900001111", "name": "新住户", "relation": "tenant"},
    )
    assert response.context["form"].non_field_errors() == ["新住户 is already recorded for this unit."]


def test_bind_form_checks_its_input(world, client_for):
    unit = world.unit(world.c1)
    response = client_for("rc_worker").post(
        reverse("orgs:residency_bind", args=[unit.uid]), {"phone": "1234", "name": "", "relation": "landlord"}
    )
    errors = response.context["form"].errors
    assert errors["phone"] == ["Enter an 11-digit mainland mobile number, e.g. 13812345678."]
    assert errors["name"] == ["This field is required."]
    assert "relation" in errors
    assert not Residency.objects.filter(unit=unit, source="staff").exclude(person=world.people["resident"]).exists()


def test_a_hostile_name_is_escaped_on_the_unit_and_claims_pages(world, client_for):
    unit = world.unit(world.c1)
    client = client_for("rc_worker")
    client.post(
        reverse("orgs:residency_bind", args=[unit.uid]), {"phone": "13900002222", "name": HOSTILE, "relation": "owner"}
    )
    assert_escaped(client.get(unit.get_absolute_url()))
    claim(world, person=PersonFactory(town=world.town, name=HOSTILE))
    assert_escaped(client.get(reverse("orgs:residency_claims")))


def test_claims_queue_shows_the_claims_in_scope(world, client_for):
    mine = claim(world)
    claim(world, unit=world.unit(world.c3))  # 世博: not the 新城 worker's
    claim(world, status=Residency.Status.REJECTED, person=PersonFactory(town=world.town))
    response = client_for("rc_worker").get(reverse("orgs:residency_claims"))
    assert list(response.context["page_obj"]) == [mine]
    assert reverse("orgs:residency_verify", args=[mine.uid]) in response.content.decode()


def test_confirm_a_claim(world, client_for, audited):
    residency = claim(world)
    response = client_for("party_secretary").post(
        reverse("orgs:residency_verify", args=[residency.uid]),
        {"version": residency.version, "next": reverse("orgs:residency_claims")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:residency_claims")
    residency.refresh_from_db()
    assert (residency.status, residency.decided_by) == ("verified", world.users["party_secretary"])
    assert audited("orgs.residency.verify", residency).exists()


def test_reject_a_claim_then_confirming_it_is_refused(world, client_for, audited):
    residency = claim(world)
    client = client_for("rc_worker")
    client.post(reverse("orgs:residency_reject", args=[residency.uid]), {"version": residency.version})
    residency.refresh_from_db()
    assert residency.status == "rejected"
    assert audited("orgs.residency.reject", residency).exists()
    response = client.post(reverse("orgs:residency_verify", args=[residency.uid]), {"version": residency.version})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "This record is “Rejected” and can no longer be changed that way."
    residency.refresh_from_db()
    assert residency.status == "rejected"


def test_end_a_confirmed_tie_and_nothing_after(world, client_for, audited):
    residency = claim(world, status=Residency.Status.VERIFIED)
    client = client_for("rc_worker")
    # A confirmed tie cannot be "confirmed" or "rejected" again.
    client.post(reverse("orgs:residency_reject", args=[residency.uid]), {"version": residency.version})
    residency.refresh_from_db()
    assert residency.status == "verified"
    response = client.post(reverse("orgs:residency_end", args=[residency.uid]), {"version": residency.version})
    assert response["Location"] == residency.unit.get_absolute_url()
    residency.refresh_from_db()
    assert residency.status == "ended"
    assert audited("orgs.residency.end", residency).exists()
    response = client.post(reverse("orgs:residency_end", args=[residency.uid]), {"version": residency.version})
    assert messages_of(response)[-1] == "This record is “Ended” and can no longer be changed that way."


def test_a_claim_cannot_be_ended_before_it_is_confirmed(world, client_for):
    residency = claim(world)
    response = client_for("rc_worker").post(
        reverse("orgs:residency_end", args=[residency.uid]), {"version": residency.version}
    )
    assert "can no longer be changed that way" in messages_of(response)[0]
    residency.refresh_from_db()
    assert residency.status == "claimed"


def test_stale_confirmation_changes_nothing(world, client_for):
    residency = claim(world)
    response = client_for("rc_worker").post(
        reverse("orgs:residency_verify", args=[residency.uid]), {"version": residency.version + 1}
    )
    assert STALE in messages_of(response)[0]
    residency.refresh_from_db()
    assert residency.status == "claimed"


def test_binding_right_follows_the_grant_that_carries_it(world, client_for):
    residency = claim(world)  # in 新城一村, where the cross-appointed person sits on the owners' committee
    client = client_for("cross_appointed")
    assert client.post(reverse("orgs:residency_verify", args=[residency.uid]), {"version": 1}).status_code == 404
    assert client.get(reverse("orgs:residency_bind", args=[world.unit(world.c1).uid])).status_code == 404
    assert client.get(reverse("orgs:residency_bind", args=[world.unit(world.c3).uid])).status_code == 200


def test_offsite_next_is_ignored(world, client_for):
    residency = claim(world)
    response = client_for("rc_worker").post(
        reverse("orgs:residency_verify", args=[residency.uid]),
        {"version": residency.version, "next": "https://evil.example/"},
    )
    assert response["Location"] == residency.unit.get_absolute_url()


def test_unit_page_shows_the_actions(world, client_for):
    claimed = claim(world)
    page = client_for("rc_worker").get(world.unit(world.c1).get_absolute_url()).content.decode()
    assert reverse("orgs:residency_verify", args=[claimed.uid]) in page
    assert reverse("orgs:residency_reject", args=[claimed.uid]) in page
    verified = Residency.objects.get(person=world.people["resident"])
    assert reverse("orgs:residency_end", args=[verified.uid]) in page
    # Viewers without the binding right see no buttons.
    page = client_for("leader").get(world.unit(world.c1).get_absolute_url()).content.decode()
    assert reverse("orgs:residency_verify", args=[claimed.uid]) not in page
