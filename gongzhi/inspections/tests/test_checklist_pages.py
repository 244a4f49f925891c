"""The office's checklist pages: a checklist written as text lines, published, revised into the
next version; a line that is not understood is refused with its number; the town's settings."""

import pytest
from django.urls import reverse

from gongzhi.inspections.forms import parse_sections, sections_text
from gongzhi.inspections.models import Checklist, ChecklistItem, InspectionSettings

pytestmark = pytest.mark.django_db

TEXT = """# 环境卫生
楼道无堆物 | 通过/不通过 | 3 | 拍照 | 物业
垃圾分类 | 评分5 | 2 | 物业
# 公示
业委会公示收支 | 业委会
"""


def test_parse_and_write_back_the_same_lines():
    sections = parse_sections(TEXT)
    assert [s.title for s in sections] == ["环境卫生", "公示"]
    stairs, sorting = sections[0].items
    assert (stairs.weight, stairs.photo_required, stairs.responsible_kind) == (3, True, "property_company")
    assert (sorting.kind, sorting.max_points, sorting.weight) == (ChecklistItem.Kind.SCORE, 5, 2)
    assert sections[1].items[0].responsible_kind == "owners_committee"


def test_a_line_not_understood_is_refused_with_its_number():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Line 2"):
        parse_sections("# 卫生\n楼道 | 很重要")


def test_the_office_writes_publishes_and_revises_a_checklist(world, client_for):
    office = client_for("office")
    response = office.post(
        reverse("inspections:checklist_new"), {"name": "日常检查表", "items": TEXT, "all_compounds": "on"}
    )
    assert response.status_code == 302
    draft = Checklist.objects.get()
    assert sections_text(draft).splitlines()[1] == "楼道无堆物 | 通过/不通过 | 3 | 拍照 | 物业"
    office.post(reverse("inspections:checklist_publish", args=[draft.uid]), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.state == Checklist.State.PUBLISHED
    assert office.get(reverse("inspections:checklist_edit", args=[draft.uid])).status_code == 404  # frozen
    revised = office.post(reverse("inspections:checklist_revise", args=[draft.uid]))
    v2 = Checklist.objects.get(number=2)
    assert revised.url == reverse("inspections:checklist", args=[v2.uid])
    page = office.get(reverse("inspections:checklist_edit", args=[v2.uid]))
    assert "楼道无堆物 | 通过/不通过 | 3 | 拍照 | 物业" in page.content.decode()


def test_the_office_sets_the_towns_deadline_and_interval(world, client_for):
    office = client_for("office")
    response = office.post(reverse("inspections:settings"), {"rectification_days": 7, "visit_interval_weeks": 6})
    assert response.status_code == 302
    row = InspectionSettings.objects.get(town=world.town)
    assert (row.rectification_days, row.visit_interval_weeks) == (7, 6)


def test_the_inspector_plans_a_visit_on_the_page(world, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from .factories import published_checklist

    checklist = published_checklist(world)
    inspector = client_for("inspector")
    day = (timezone.localdate() + timedelta(days=15)).isoformat()  # whatever today is (CI runs other dates)
    assert "世博家园" in inspector.get(reverse("inspections:visit_new")).content.decode()
    response = inspector.post(
        reverse("inspections:visit_new"),
        {
            "group": world.bodies["g1"].uid,
            "compound": world.c3.uid,
            "date": day,
            "checklist": checklist.uid,
            "members": [world.people["inspector"].uid],
        },
    )
    assert response.status_code == 302
    refused = inspector.post(
        reverse("inspections:visit_new"),
        {"group": world.bodies["g1"].uid, "compound": world.c1.uid, "date": day, "checklist": checklist.uid},
    )
    assert refused.status_code == 200  # the form again, with the reason (新城一村 is not g1's)
    from gongzhi.inspections.models import Visit

    assert list(Visit.objects.values_list("compound__code", flat=True)) == ["sb1"]
