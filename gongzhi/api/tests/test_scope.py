"""A token acts with its account's permissions and scope, within its town: outside that, 404."""

import pytest

from gongzhi.api.auth import PREFIX_LENGTH, hash_secret, new_secret
from gongzhi.api.models import ApiToken
from gongzhi.cases.models import Case

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"


def test_outsider_cannot_create_in_or_read_our_town(world, categories, token_for, api, call):
    number = api.new_case(call(), "ours")["number"]
    _token, secret = token_for("outsider")  # the other town's office
    outsider = ApiClient(secret)
    response = outsider.post(CASES, call(), key="theirs")
    assert response.status_code == 404
    assert response.json()["errors"]["compound"]
    assert outsider.get(f"{CASES}/{number}").status_code == 404
    assert outsider.get(CASES).json()["count"] == 0
    assert Case.objects.count() == 1
    # In its own town it works.
    own = outsider.new_case(call(compound="ml11", building=None, unit=None, category="OWNERS"), "theirs")
    assert own["number"]
    assert outsider.get(CASES).json()["count"] == 1


def test_a_token_of_our_town_acting_as_an_outsider_sees_nothing(world, categories, api, call):
    """Tokens are made by the service, which refuses this; if one existed, scope still holds."""
    number = api.new_case(call(), "ours")["number"]
    secret = new_secret()
    ApiToken.objects.create(
        town=world.town,
        user=world.users["outsider"],
        name="x",
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
    )
    client = ApiClient(secret)
    assert client.post(CASES, call(), key="k").status_code == 404
    assert client.get(f"{CASES}/{number}").status_code == 404
    assert client.get(CASES).json()["count"] == 0
    assert client.get("/api/v1/categories").json() == []


# Who may read a case of 新城一村 (c1, handled by the property company) and enter one there.
READ_C1 = {"office", "leader", "party_secretary", "rc_worker", "oc_member", "property_manager", "cross_appointed"}
ENTER_C1 = {"office", "party_secretary", "rc_worker", "oc_member", "property_manager", "cross_appointed"}
STAFF = (
    "office",
    "leader",
    "inspector",
    "party_secretary",
    "rc_worker",
    "oc_member",
    "property_manager",
    "gov_staff",
    "cross_appointed",
)


def test_token_matrix(world, categories, token_for, api, call):
    """The same answers as the pages give each role: scope comes from the token's account."""
    number = api.new_case(call(), "seed")["number"]
    for persona in STAFF:
        _token, secret = token_for(persona)
        client = ApiClient(secret)
        read = client.get(f"{CASES}/{number}").status_code
        assert read == (200 if persona in READ_C1 else 404), persona
        listed = {c["number"] for c in client.get(CASES).json()["items"]}
        assert (number in listed) == (persona in READ_C1), persona
        created = client.post(CASES, call(), key=f"by-{persona}").status_code
        assert created == (202 if persona in ENTER_C1 else 404), persona


def test_property_company_enters_only_where_it_has_a_contract(world, categories, token_for, call):
    _token, secret = token_for("property_manager")
    client = ApiClient(secret)
    assert client.post(CASES, call(compound="sb1", building=None, unit=None), key="c3").status_code == 202
    # Its contract for 新城二村 has ended.
    assert client.post(CASES, call(compound="xc2", building=None, unit=None), key="c2").status_code == 404


def test_a_change_of_memberships_reaches_the_api_within_seconds(world, categories, token_for, call, monkeypatch):
    from django.utils import timezone

    from gongzhi.api import auth
    from gongzhi.orgs.models import Membership

    _token, secret = token_for("rc_worker")
    client = ApiClient(secret)
    assert client.post(CASES, call(), key="before").status_code == 202
    Membership.objects.filter(person=world.people["rc_worker"]).update(
        end=timezone.localdate() - timezone.timedelta(days=1)
    )
    # Within SCOPE_SECONDS this process still uses the scope it computed…
    assert client.post(CASES, call(), key="meanwhile").status_code == 202
    # …and after that the account's new scope (nothing) applies.
    clock = auth.time.monotonic() + auth.SCOPE_SECONDS + 1
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock)
    assert client.post(CASES, call(), key="after").status_code == 404
    assert client.get(CASES).json()["count"] == 0


def test_the_worker_refuses_a_call_whose_account_lost_its_right(world, categories, token_for, call):
    """Taken in while the account could enter cases there; by the time the worker makes the case
    it can no longer: the intake fails with the reason, no case is made."""
    from gongzhi.api.services import process_intakes
    from gongzhi.orgs.models import Membership

    _token, secret = token_for("rc_worker")
    client = ApiClient(secret)
    receipt = client.post(CASES, call(), key="late").json()["receipt"]
    Membership.objects.filter(person=world.people["rc_worker"]).delete()
    from gongzhi.api.auth import forget_scopes

    forget_scopes()
    process_intakes()
    intake = client.client.get(f"/api/v1/intakes/{receipt}", headers=client.headers)
    assert intake.status_code == 200 and intake.json()["status"] == "failed"
    assert Case.objects.count() == 0
