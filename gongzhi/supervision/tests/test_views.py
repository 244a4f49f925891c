"""督办's pages (English): the overdue records kind by kind with their urge buttons for the
leadership group and the office, the urging form (a refused note is kept), the urged and moved
lists, the Excel, and the home-page item."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.attention import items_for
from gongzhi.supervision import services
from gongzhi.supervision.models import Urging

from .factories import START, Overdue

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(START)]


@pytest.fixture
def overdue(world, clock):
    return Overdue(world, clock)


def test_the_overdue_records_with_their_urge_buttons(world, overdue, client_for):
    page = client_for("leader").get(reverse("supervision:home")).content.decode()
    for code, obj in (("case", overdue.case), ("order", overdue.order), ("letter", overdue.letter)):
        assert reverse("supervision:urge", args=[code, obj.uid]) in page
    assert "Nothing overdue." in page  # the resolutions
    assert "days late" in page


def test_urging_from_the_form_and_a_refused_note_is_kept(world, overdue, client_for):
    client = client_for("office")
    url = reverse("supervision:urge", args=["letter", overdue.letter.uid])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"note": "x" * 1001})
    assert refused.status_code == 400 and "x" * 1001 in refused.content.decode()
    assert not Urging.objects.exists()
    done = client.post(url, {"note": "请按期答复"})
    assert done.status_code == 302 and done["Location"] == reverse("supervision:home") + "?show=urged"
    page = client.get(done["Location"]).content.decode()
    assert "请按期答复" in page and overdue.letter.number_label in page
    # the button now says "Urge again"
    assert "Urge again" in client.get(reverse("supervision:home")).content.decode()
    sheet = load_workbook(BytesIO(client.get(reverse("supervision:export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Warning letter" and rows[1][5] == "请按期答复" and rows[1][6] == 1


def test_the_home_item_counts_the_urged_records_waiting(world, overdue):
    services.urge(actor=world.users["leader"], kind="case", obj=overdue.case, note="请尽快受理")
    texts = [i.text for i in items_for(world.users["office"])]
    assert "1 urged record still waiting" in texts


def test_nobody_else_reaches_the_pages(world, overdue, client_for):
    for persona in ("inspector", "property_manager", "party_secretary"):
        client = client_for(persona)
        assert client.get(reverse("supervision:home")).status_code == 404, persona
        url = reverse("supervision:urge", args=["case", overdue.case.uid])
        assert client.post(url, {"note": "请尽快"}).status_code == 404, persona
    assert not Urging.objects.exists()


def test_the_case_page_offers_the_urge_button_to_who_may_urge(world, overdue, client_for):
    url = overdue.case.get_absolute_url()
    assert 'data-testid="supervision-section"' in client_for("leader").get(url).content.decode()
    # the handling company reads the case but does not urge
    assert 'data-testid="supervision-section"' not in client_for("property_manager").get(url).content.decode()


def test_a_user_of_every_town_may_narrow_the_page_to_one(world, overdue, client_for):
    """The platform administrator (issue 15): every town's overdue records, or one town's."""
    services.urge(actor=world.users["leader"], kind="case", obj=overdue.case, note="请尽快受理")
    admin = client_for("admin")
    page = admin.get(reverse("supervision:home")).content.decode()
    assert 'data-testid="town-choice"' in page
    assert reverse("supervision:urge", args=["order", overdue.order.uid]) in page
    town = admin.get(reverse("supervision:home"), {"town": world.town.uid}).content.decode()
    assert reverse("supervision:urge", args=["order", overdue.order.uid]) in town
    assert f"?show=urged&amp;town={world.town.uid}" in town
    other = admin.get(reverse("supervision:home"), {"town": world.other.uid}).content.decode()
    assert reverse("supervision:urge", args=["order", overdue.order.uid]) not in other
    urged = admin.get(reverse("supervision:home"), {"town": world.other.uid, "show": "urged"}).content.decode()
    assert "请尽快受理" not in urged
    assert "请尽快受理" in admin.get(reverse("supervision:home"), {"show": "urged"}).content.decode()
    # a user of one town: no choice
    assert 'data-testid="town-choice"' not in client_for("leader").get(reverse("supervision:home")).content.decode()


def test_each_kind_pages_through_all_its_overdue_records(world, overdue, clock, client_for, monkeypatch):
    """The overview shows of each kind its count and its LIMIT oldest (issue 15: 50, not 200); a
    kind's own page (`?kind=`) pages through every one, LIMIT a page, so none is hidden."""
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, submit_case
    from gongzhi.cases.services.sweep import sweep as cases_sweep
    from gongzhi.supervision import views

    second = submit_case(
        actor=None,
        report=Report(
            compound=world.c1,
            category=Category.objects.get(town=world.town, code="REPAIR"),
            description="5号楼路灯不亮",
            reporter_name="居民乙",
            reporter_phone="13800000002",
        ),
        channel="qr",
        photos=(),
    )
    clock.move_to("2027-01-11 10:00")
    cases_sweep()
    monkeypatch.setattr(views, "LIMIT", 1)
    urge = {case: reverse("supervision:urge", args=["case", case.uid]) for case in (overdue.case, second)}
    client = client_for("office")
    page = client.get(reverse("supervision:home")).content.decode()
    assert urge[overdue.case] in page and urge[second] not in page  # the oldest
    assert "The 1 oldest of 2 shown" in page and "?show=overdue&amp;kind=case" in page
    first = client.get(reverse("supervision:home"), {"kind": "case"}).content.decode()
    assert urge[overdue.case] in first and urge[second] not in first
    assert overdue.case.get_absolute_url() in first
    assert reverse("supervision:urge", args=["order", overdue.order.uid]) not in first  # that kind alone
    assert 'data-testid="all-kinds"' in first and "Page 1 of 2" in first and "2 records" in first
    then = client.get(reverse("supervision:home"), {"kind": "case", "page": "2"}).content.decode()
    assert urge[second] in then and urge[overdue.case] not in then
    # an unknown kind is the overview
    assert "The 1 oldest of 2 shown" in client.get(reverse("supervision:home"), {"kind": "nope"}).content.decode()
