"""Hotspots (热点/难点): found at the town's threshold and not below it, listed per neighborhood
with their cases; proposed once for the joint meeting, a second proposal refused with a clear
message; the stored proposals."""

import pytest
from django.conf import settings

from gongzhi.cases import services
from gongzhi.cases.models import AgendaProposal, CaseSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """Clients reading the pages in English (the source strings)."""

    def make(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def parking(world, categories, report):
    """parking(n, days_ago=0, compound=c1) → n parking complaints entered by the residents'
    committee, submitted `days_ago` days ago."""
    from gongzhi.cases.services import submit_case

    counter = iter(range(1000))

    def make(n, days_ago=0, compound=None, monkeypatch=None):
        made = []
        for _ in range(n):
            i = next(counter)
            made.append(
                submit_case(
                    actor=world.users["rc_worker"] if (compound or world.c1) != world.c3 else world.users["office"],
                    channel="phone",
                    report=report(
                        compound=compound or world.c1,
                        category=categories["PARKING"],
                        description=f"车辆占用消防通道 {i}",
                        reporter_phone=f"1360000{i:04d}",
                    ),
                )
            )
        return made

    return make


def spots(client, query=""):
    response = client.get("/rates/hotspots/" + query)
    assert response.status_code == 200
    return [
        (s["compound"].name, s["category"].code, s["spot"].count)
        for g in response.context["groups"]
        for s in g["spots"]
    ]


def test_two_cases_are_not_a_hotspot_three_are(world, parking, client_for):
    client = client_for("party_secretary")
    parking(2)
    assert spots(client) == []
    assert "No hotspot in your area now" in client.get("/rates/hotspots/").content.decode()
    parking(1)
    assert spots(client) == [("新城一村", "PARKING", 3)]
    html = client.get("/rates/hotspots/").content.decode()
    assert "At least 3 cases within the last 30 days." in html  # the rule is explained with the town's settings


def test_old_and_rejected_cases_do_not_count(world, parking, client_for, clock):
    clock.shift(days=-31)
    parking(1)
    clock.shift(days=31)
    cases = parking(2)
    client = client_for("party_secretary")
    assert spots(client) == []  # the old one is outside the 30 days
    third = parking(1)[0]
    assert spots(client) == [("新城一村", "PARKING", 3)]
    services.reject_case(
        actor=world.users["rc_worker"], case=third, reason="重复提交的诉求", expected_version=third.version
    )
    assert spots(client) == []
    assert len(cases) == 2


def test_the_town_setting_decides_the_threshold(world, parking, client_for):
    parking(3)
    CaseSettings.objects.filter(town=world.town).update(hotspot_min_cases=4)
    assert spots(client_for("office")) == []
    parking(1)
    assert spots(client_for("office")) == [("新城一村", "PARKING", 4)]
    assert "At least 4 cases within the last 30 days." in client_for("office").get("/rates/hotspots/").content.decode()


def test_hotspots_are_grouped_by_neighborhood_and_scoped(world, parking, client_for):
    parking(3)
    parking(3, compound=world.c3)
    response = client_for("office").get("/rates/hotspots/")
    assert [g["neighborhood"].name for g in response.context["groups"]] == ["世博", "新城"]  # by code
    assert spots(client_for("party_secretary")) == [("新城一村", "PARKING", 3)]
    assert spots(client_for("inspector")) == [("世博家园", "PARKING", 3)]
    assert spots(client_for("outsider")) == []
    assert client_for("gov_staff").get("/rates/hotspots/").status_code == 404


def test_the_towns_come_from_the_scope_not_from_the_cases(world, parking, client_for):
    """A compound's owners' committee, a neighborhood's secretary and the platform administrator
    find the same hotspots as when the towns were read from their cases; no query reads the cases
    to find the towns (the dashboard's cost follows the window, not every case of the area)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases.selectors import hotspots

    parking(3)
    parking(3, compound=world.c3)
    assert spots(client_for("oc_member")) == [("新城一村", "PARKING", 3)]  # their compound only
    admin = client_for("admin")
    assert spots(admin, f"?town={world.town.uid}") == [("世博家园", "PARKING", 3), ("新城一村", "PARKING", 3)]
    with CaptureQueriesContext(connection) as queries:
        found = hotspots(world.users["office"])
    assert sorted(s.count for s in found) == [3, 3]
    case_reads = [q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"]]
    assert len(case_reads) == 1 and "GROUP BY" in case_reads[0]  # the window's cases, grouped


def test_hotspot_cases_lists_the_cases(world, parking, categories, client_for):
    made = parking(3)
    client = client_for("oc_member")
    url = f"/rates/hotspots/{world.c1.uid}/{categories['PARKING'].uid}/"
    response = client.get(url)
    assert response.status_code == 200
    assert sorted(c.number for c in response.context["page_obj"]) == sorted(c.number for c in made)
    assert response.context["current"]
    assert client_for("inspector").get(url).status_code == 404  # 新城一村 is outside group 1's coverage
    # Below the threshold the page still shows the window's cases, and says it is not a hotspot now.
    response = client.get(f"/rates/hotspots/{world.c1.uid}/{categories['REPAIR'].uid}/")
    assert response.status_code == 200 and not response.context["current"]
    assert "This is not a hotspot now" in response.content.decode()


def test_propose_once_and_a_second_proposal_is_refused(world, parking, categories, client_for):
    made = parking(3)
    client = client_for("party_secretary")
    url = f"/rates/hotspots/{world.c1.uid}/{categories['PARKING'].uid}/propose/"
    response = client.post(url, {"note": "请物业、业委会和派出所共同商议"}, follow=True)
    assert response.status_code == 200
    assert "is proposed for the joint meeting" in response.content.decode()
    proposal = AgendaProposal.objects.get()
    assert proposal.case_count == 3 and proposal.proposed_by == world.users["party_secretary"]
    assert sorted(proposal.cases.values_list("number", flat=True)) == sorted(c.number for c in made)
    assert proposal.note == "请物业、业委会和派出所共同商议"
    # The hotspot now says who proposed it, instead of the button.
    html = client.get("/rates/hotspots/").content.decode()
    assert "Proposed for the joint meeting on" in html and "party_secretary人员" in html
    assert url not in html
    # A second proposal, by someone else, is refused with a clear message.
    response = client_for("rc_worker").post(url, {"note": ""}, follow=True)
    assert "This hotspot has already been proposed for the joint meeting." in response.content.decode()
    assert AgendaProposal.objects.count() == 1
    # The stored proposals.
    response = client_for("oc_member").get("/rates/proposals/")
    assert [p.pk for p in response.context["page_obj"]] == [proposal.pk]
    assert made[0].number in response.content.decode()
    assert client_for("inspector").get("/rates/proposals/").context["page_obj"].paginator.count == 0


def test_proposing_needs_the_route_permission(world, parking, categories, client_for):
    parking(3)
    url = f"/rates/hotspots/{world.c1.uid}/{categories['PARKING'].uid}/propose/"
    assert client_for("oc_member").post(url, {"note": ""}).status_code == 404
    assert client_for("property_manager").post(url, {"note": ""}).status_code == 404
    assert client_for("outsider").post(url, {"note": ""}).status_code == 404
    assert client_for("party_secretary").get(url).status_code == 405
    html = client_for("oc_member").get("/rates/hotspots/").content.decode()
    assert "Propose as a joint-meeting agenda item" not in html
    assert not AgendaProposal.objects.exists()


def test_no_longer_a_hotspot_and_a_too_long_note(world, parking, categories, client_for):
    parking(2)
    client = client_for("party_secretary")
    url = f"/rates/hotspots/{world.c1.uid}/{categories['PARKING'].uid}/propose/"
    response = client.post(url, {"note": ""}, follow=True)
    assert "is no longer a hotspot" in response.content.decode()
    parking(1)
    response = client.post(url, {"note": "长" * 1001}, follow=True)
    assert "at most 1000 characters" in response.content.decode()
    assert not AgendaProposal.objects.exists()


def test_a_user_of_several_towns_chooses_the_town(world, parking, client_for):
    """The platform administrator sees the hotspots of the town they choose (issue 15: a city's
    hotspots are thousands a month); before a choice, none are read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parking(3)
    client = client_for("admin")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/rates/hotspots/")
    assert response.context["towns"].waiting and response.context["groups"] == []
    assert "Choose a town to see its hotspots." in response.content.decode()
    assert not [q for q in queries if 'FROM "cases_case"' in q["sql"]]
    assert spots(client, f"?town={world.town.uid}") == [("新城一村", "PARKING", 3)]
    assert spots(client, f"?town={world.other.uid}") == []
    assert not client_for("office").get("/rates/hotspots/").context["towns"].shown
