"""In Chromium, on a phone-size screen (390 px), in Chinese: an inspector carries out a visit —
item results, a photo, a finding with where it is — reloads the page in the middle (the answers and
the submission key come back from the phone's storage, and so does the photo), submits, and
sees the score; one inspection and one rectification order exist. No page scrolls sideways."""

import io

import pytest
from PIL import Image

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.inspections.models import Inspection, RectificationOrder

from .factories import item, planned_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def _jpeg(path):
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 90, 60)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_an_inspector_carries_out_a_visit_on_a_phone_with_a_reload(live_server, world, phone_page, tmp_path):
    visit = planned_visit(world)
    checklist = visit.checklist
    stairs, sorting, notice = (item(checklist, t) for t in ("楼道无堆物", "垃圾分类规范", "业委会公示收支"))
    picture = _jpeg(tmp_path / "stairs.jpg")
    page = phone_page
    base = live_server.url
    sign_in(page, base, "inspector")
    page.goto(f"{base}/inspections/visits/{visit.uid}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert fits_the_phone(page)
    key = page.locator("[data-submission-key]").input_value()
    assert len(key) == 32  # made by the phone

    page.locator(f"label[for=r-{stairs.uid}-fail]").click()
    page.locator(f"select[name=r-{sorting.uid}]").select_option("4")
    page.locator(f"label[for=r-{notice.uid}-pass]").click()
    page.locator("textarea[name=f-0-text]").fill("2号楼楼道堆放纸箱、旧家具")
    page.locator("input[name=f-0-location]").fill("2号楼1单元一楼")
    page.locator("select[name=f-0-item]").select_option(stairs.uid)
    page.locator(f"input[name=p-{stairs.uid}]").set_input_files(picture)

    page.reload()  # mid-form: the signal dropped, or the phone reloaded the page
    assert page.locator(f"#r-{stairs.uid}-fail").is_checked()
    assert page.locator(f"#r-{notice.uid}-pass").is_checked()
    assert page.locator(f"select[name=r-{sorting.uid}]").input_value() == "4"
    assert page.locator("textarea[name=f-0-text]").input_value() == "2号楼楼道堆放纸箱、旧家具"
    assert page.locator("input[name=f-0-location]").input_value() == "2号楼1单元一楼"
    assert page.locator("[data-submission-key]").input_value() == key  # the same submission
    assert page.locator("[data-testid=draft-status]").is_visible()
    # The photo came back from the phone's storage into its field.
    page.wait_for_selector("#inspection-form[data-photos-restored='1']")
    assert page.locator(f"input[name=p-{stairs.uid}]").evaluate("el => el.files.length") == 1
    assert page.locator(f"input[name=p-{stairs.uid}]").evaluate("el => el.files[0].name") == "stairs.jpg"
    assert "照片" in page.locator("[data-testid=draft-status]").inner_text()
    assert fits_the_phone(page)
    screenshot(page, "inspection-1-restored")

    submit(page, page.locator("[data-testid=submit-inspection]"))
    assert page.locator("[data-testid=score]").inner_text() == "56.7"
    assert fits_the_phone(page)
    screenshot(page, "inspection-2-done")
    inspection = Inspection.objects.get()
    assert inspection.submission_key == key
    assert RectificationOrder.objects.get().responsible == world.orgs["pc"]
    assert page.evaluate(f"window.localStorage.getItem('gongzhi:inspection-{visit.uid}')") is None
    assert inspection.results.get(item=stairs).photos.count() == 1  # the restored photo was sent
    kept = page.evaluate(
        """() => new Promise(resolve => {
            const open = indexedDB.open("gongzhi-drafts", 1);
            open.onsuccess = () => {
                const req = open.result.transaction("photos").objectStore("photos").count();
                req.onsuccess = () => resolve(req.result);
            };
        })"""
    )
    assert kept == 0  # nothing of the draft is left on the phone


def test_the_company_answers_on_a_phone_and_the_office_reads_the_report(
    live_server, world, phone_page, desktop_page, tmp_path
):
    from django.utils import timezone

    from .factories import scenario

    s = scenario(world)
    page = phone_page
    base = live_server.url
    sign_in(page, base, "property_manager")
    page.goto(f"{base}/inspections/orders/{s.order.uid}/")
    assert fits_the_phone(page)
    page.locator("textarea[name=text]").fill("纸箱已清走，楼道已清扫")
    page.locator("input[name=photos]").set_input_files(_jpeg(tmp_path / "after.jpg"))
    submit(page, page.locator("main form button[type=submit]").first)
    s.order.refresh_from_db()
    assert s.order.state == "answered"
    assert fits_the_phone(page)
    screenshot(page, "inspection-3-order-answered")

    office = desktop_page
    sign_in(office, base, "office")
    office.goto(f"{base}/inspections/report/?month={timezone.localdate():%Y-%m}")
    assert "世博家园" in office.locator("main").inner_text()
    screenshot(office, "inspection-4-report")
