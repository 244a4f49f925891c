"""The inspections' pages: the visit carried out through the page (once per key), the inspector
outside their coverage, the order answered and re-checked, the office's report and its export,
the home-page items."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.core import registry
from gongzhi.core.scope import get_scope
from gongzhi.inspections.models import Inspection, InspectionSettings, RectificationOrder
from gongzhi.inspections.workflow import OrderState

from .factories import item, photo, planned_visit, published_checklist, scenario

pytestmark = pytest.mark.django_db


def _post_visit(client, visit, key, **extra):
    checklist = visit.checklist
    data = {
        "submission_key": key,
        f"r-{item(checklist, '楼道无堆物').uid}": "fail",
        f"p-{item(checklist, '楼道无堆物').uid}": photo(),
        f"r-{item(checklist, '垃圾分类规范').uid}": "4",
        f"r-{item(checklist, '业委会公示收支').uid}": "pass",
        "f-0-text": "2号楼楼道堆放纸箱",
        "f-0-location": "2号楼1单元",
        "f-0-item": item(checklist, "楼道无堆物").uid,
        "f-0-photos": photo("finding.jpg"),
        **extra,
    }
    return client.post(reverse("inspections:visit_submit", args=[visit.uid]), data)


def test_the_inspector_carries_out_a_visit_once_per_key(world, client_for):
    visit = planned_visit(world)
    client = client_for("inspector")
    page = client.get(reverse("inspections:visit", args=[visit.uid]))
    assert page.status_code == 200 and b"inspection-draft.js" in page.content
    first = _post_visit(client, visit, "phone-key-abcdef01")
    assert first.status_code == 302
    again = _post_visit(client, visit, "phone-key-abcdef01")  # the phone sends it again
    assert again.status_code == 302 and again.url == first.url
    inspection = Inspection.objects.get()
    assert str(inspection.score) == "56.7"  # (0 + 3×4/5 + 1) / 6 = 3.4 / 6
    order = RectificationOrder.objects.get()
    assert order.responsible == world.orgs["pc"] and order.finding.location == "2号楼1单元"


def test_a_bad_photo_shows_the_reason_and_saves_nothing(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    visit = planned_visit(world)
    client = client_for("inspector")
    bad = SimpleUploadedFile("scan.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = _post_visit(client, visit, "phone-key-abcdef02", **{"f-0-photos": bad})
    assert response.status_code == 400
    assert "scan.jpg" in response.content.decode()
    assert not Inspection.objects.exists()


def test_an_inspector_outside_their_coverage_gets_404(world, client_for):
    checklist = published_checklist(world)
    foreign = planned_visit(world, checklist, group="g3", compound=world.c2, actor="office")
    client = client_for("inspector")
    assert client.get(reverse("inspections:visit", args=[foreign.uid])).status_code == 404
    assert _post_visit(client, foreign, "phone-key-abcdef03").status_code == 404
    assert not Inspection.objects.exists()


def test_the_company_answers_and_the_group_closes(world, client_for):
    s = scenario(world)
    company = client_for("property_manager")
    url = reverse("inspections:order", args=[s.order.uid])
    assert "申江物业" in company.get(url).content.decode()
    answered = company.post(
        reverse("inspections:order_answer", args=[s.order.uid]),
        {"text": "已清理楼道", "photos": photo("after.jpg"), "version": s.order.version},
    )
    assert answered.status_code == 302
    s.order.refresh_from_db()
    group = client_for("inspector")
    closed = group.post(reverse("inspections:order_close", args=[s.order.uid]), {"version": s.order.version})
    assert closed.status_code == 302
    s.order.refresh_from_db()
    assert s.order.state == OrderState.CLOSED


def test_the_report_per_group_compound_and_month_and_its_export(world, client_for):
    s = scenario(world)
    RectificationOrder.objects.filter(pk=s.order.pk).update(overdue=True)
    office = client_for("office")
    month = timezone.localdate().strftime("%Y-%m")
    page = office.get(reverse("inspections:report"), {"month": month})
    text = page.content.decode()
    assert "第一检查组" in text and "世博家园" in text and "100.0" not in text
    export = office.get(reverse("inspections:report_export"), {"month": month})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("月份", "检查组", "小区", "检查次数")
    assert rows[1][1:] == ("第一检查组", "世博家园", 1, float(s.inspection.score), 1, 1)


def _attention(world, persona):
    user = world.users[persona]
    items = []
    for entry in registry.attention_providers():
        items.extend(entry.provider(user, get_scope(user), timezone.localdate()))
    return [i.text for i in items]


def test_home_items_not_visited_and_overdue(world, settings):
    settings.LANGUAGE_CODE = "en"
    s = scenario(world)
    # g3's 新城二村 was never inspected; 世博家园 was today.
    assert not any("not inspected" in t for t in _attention(world, "inspector"))  # g1 covers only 世博家园
    assert "1 compound not inspected within the town's interval" in _attention(world, "office")  # g3's 新城二村
    RectificationOrder.objects.filter(pk=s.order.pk).update(overdue=True, due_on=timezone.localdate() - timedelta(1))
    assert any("1 rectification order overdue" in t for t in _attention(world, "property_manager"))
    assert any("1 rectification order overdue" in t for t in _attention(world, "inspector"))
    assert not any("overdue" in t for t in _attention(world, "oc_member") if "rectification" in t)


def test_the_home_pages_count_of_compounds_not_visited_agrees_with_the_list(world):
    from gongzhi.inspections.selectors import not_visited, not_visited_count
    from gongzhi.orgs.models import Body

    scenario(world)  # 世博家园 inspected today, 新城二村 never
    groups = Body.objects.filter(kind=Body.Kind.INSPECTION_GROUP).order_by("town_id", "number")
    today = timezone.localdate()
    weeks = InspectionSettings.for_town(world.town.pk).visit_interval_weeks
    counts = []
    for day in (
        today,
        today + timedelta(weeks=weeks) - timedelta(1),
        today + timedelta(weeks=weeks),
        today + timedelta(400),
    ):
        listed = not_visited(groups, day)
        assert not_visited_count(groups, day) == len(listed)
        counts.append(len(listed))
    assert counts[0] < counts[2] == counts[3]  # the inspection of today counts until the interval has passed


def test_the_sweep_is_registered():
    assert "inspections.overdue" in {s.name for s in registry.sweeps()}


def test_the_administrator_chooses_a_town_for_the_plan_and_the_report(world, client_for, settings):
    """A user of every town (issue 15): the plan lists every town's visits and asks for a town
    before naming compounds not inspected; the report is one town's (the first by default)."""
    settings.LANGUAGE_CODE = "en"
    s = scenario(world)
    RectificationOrder.objects.filter(pk=s.order.pk).update(overdue=True)
    admin = client_for("admin")
    page = admin.get(reverse("inspections:home")).content.decode()
    assert 'data-testid="town-choice"' in page and "浦江镇" in page and "梅陇镇" in page
    assert 'data-testid="choose-town"' in page and "never inspected" not in page
    assert "世博家园" in page  # the visit is listed with every town's
    chosen = admin.get(reverse("inspections:home"), {"town": world.town.uid}).content.decode()
    assert "第三检查组 · 新城二村 · never inspected" in chosen and 'data-testid="choose-town"' not in chosen
    other = admin.get(reverse("inspections:home"), {"town": world.other.uid}).content.decode()
    assert "世博家园" not in other and "新城二村" not in other
    month = timezone.localdate().strftime("%Y-%m")
    first = admin.get(reverse("inspections:report"), {"month": month}).content.decode()  # 梅陇镇 (ml) first
    assert "Nothing inspected in this month." in first and "All towns" not in first
    report = admin.get(reverse("inspections:report"), {"month": month, "town": world.town.uid}).content.decode()
    assert "第一检查组" in report and "世博家园" in report
    assert f"town={world.town.uid}" in report  # the Excel file of the same town
    export = admin.get(reverse("inspections:report_export"), {"month": month, "town": world.town.uid})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][1:3] == ("第一检查组", "世博家园")
    # the office of one town: no choice, the page as before
    office = client_for("office").get(reverse("inspections:home")).content.decode()
    assert 'data-testid="town-choice"' not in office and "新城二村 · never inspected" in office
