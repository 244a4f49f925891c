"""What "my organisation handles it" widens: only viewing. A person cross-appointed to 新城一村's
owners' committee (and holding routing and callback rights as a party-organisation member in
世博) sees the committee's cases in 新城 but cannot route, reject, merge or call back there
(issue 9, finding 3)."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Action, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee_case(world, submit):
    """A case of 新城一村 handed to its owners' committee (oc1), resolved (so a callback is possible)."""
    case = submit()
    Case.objects.filter(pk=case.pk).update(handler=world.orgs["oc1"], state=State.RESOLVED)
    return Case.objects.get(pk=case.pk)


def test_the_committee_seat_sees_its_cases_but_routes_and_calls_back_only_in_its_own_area(world, committee_case):
    user = world.users["cross_appointed"]
    assert Case.objects.for_user(user).filter(pk=committee_case.pk).exists()  # seen: the committee handles it
    for permission in ("cases.route", "cases.callback"):
        assert not Case.objects.for_user(user, permission).filter(pk=committee_case.pk).exists(), permission
    assert not services.may_reassign(user, committee_case)
    assert not services.may(user, Action.REJECT, committee_case)
    assert not services.may(user, Action.CLOSE_UNREACHABLE, committee_case)
    # the neighborhood's own party secretary keeps them
    secretary = world.users["party_secretary"]
    assert services.may_reassign(secretary, committee_case)
    assert Case.objects.for_user(secretary, "cases.callback").filter(pk=committee_case.pk).exists()


def test_the_case_page_offers_the_committee_seat_no_routing_and_refuses_it(world, client_for, committee_case):
    client = client_for("cross_appointed")
    page = client.get(committee_case.get_absolute_url())
    assert page.status_code == 200
    assert "/act/reassign/" not in page.content.decode()
    assert "/act/close_unreachable/" not in page.content.decode()
    response = client.post(f"/cases/{committee_case.uid}/act/reassign/", {"version": committee_case.version})
    assert response.status_code == 404
    response = client.post(f"/cases/{committee_case.uid}/act/close_unreachable/", {"version": committee_case.version})
    assert response.status_code == 404
    assert Case.objects.get(pk=committee_case.pk).state == State.RESOLVED
