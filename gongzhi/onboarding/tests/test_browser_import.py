"""In a real browser (Debian's Chromium through Playwright), in Chinese, on a desktop screen: the
office downloads the import template and uploads it as it is — the preview says its example rows
are skipped and there is nothing to import; then uploads the template filled in below the example
rows, checks the preview, confirms it, sees the result, and undoes the import. Selectors are
data-testid attributes and the sheet keys, so the test holds before and after the catalogues
change. Screenshots go to test-artifacts/screenshots/."""

import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.onboarding.models import ImportJob
from gongzhi.places.models import Compound, Neighborhood

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2026-11-27 10:00")]


def upload(page, base, path) -> None:
    page.goto(f"{base}/onboarding/")
    page.locator("input[name=file]").set_input_files(str(path))
    submit(page, page.get_by_test_id("upload"))
    page.wait_for_url(re.compile(r"/onboarding/jobs/\w+/$"))


def sheet_row(page, key) -> list[str]:
    return page.locator(f"table.gz-preview tr[data-sheet={key}] td").all_inner_texts()


def test_the_office_previews_confirms_and_undoes_an_import(live_server, world, desktop_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    page, base = desktop_page, live_server.url
    sign_in(page, base, "office")

    # The template, downloaded from the upload page.
    page.goto(f"{base}/onboarding/")
    screenshot(page, "import-1-upload-page")
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    template = tmp_path / "模板.xlsx"
    download.value.save_as(template)

    # Uploaded as it is: its example rows are skipped, nothing to import.
    upload(page, base, template)
    status = page.locator("#job-status")
    assert status.get_attribute("data-status") == "nothing"
    assert sheet_row(page, "neighborhoods")[1:] == ["0", "0", "0", "1"]
    assert page.get_by_test_id("confirm-import").count() == 0
    assert "示例居民区" in page.locator("main").text_content()  # listed as a skipped example row
    screenshot(page, "import-2-unmodified-template")
    assert not Neighborhood.objects.filter(name="示例居民区").exists()

    # Filled in below the example rows: a neighborhood and a compound, and 新城二村 renamed.
    book = load_workbook(template)
    book["居民区"].append([None, "hq", "汇秋", "汇秋路1号"])
    book["小区"].append([None, "hq1", "汇秋一村", "hq", "汇秋路100弄"])
    book["小区"].append([None, "xc2", "新城二村（东）", "xc", None])
    filled = tmp_path / "汇秋.xlsx"
    book.save(filled)
    upload(page, base, filled)
    assert page.locator("#job-status").get_attribute("data-status") == "previewed"
    assert sheet_row(page, "neighborhoods")[1:] == ["1", "0", "0", "1"]
    assert sheet_row(page, "compounds")[1:] == ["1", "1", "0", "1"]
    text = page.locator("main").text_content()
    assert "新城二村（东）" in text and "汇秋一村" in text
    screenshot(page, "import-3-preview")
    assert not Neighborhood.objects.filter(code="hq").exists()  # nothing written yet

    submit(page, page.get_by_test_id("confirm-import"))
    page.wait_for_selector("#job-status[data-status=done]")
    assert sheet_row(page, "compounds")[1:] == ["1", "1", "0", "1"]
    screenshot(page, "import-4-imported")
    assert Compound.objects.get(code="hq1").neighborhood.code == "hq"
    assert Compound.objects.get(code="xc2").name == "新城二村（东）"

    page.get_by_test_id("undo-import").click()
    page.wait_for_url(re.compile(r"/undo/$"))
    screenshot(page, "import-5-undo-confirmation")
    submit(page, page.get_by_test_id("undo-submit"))
    page.wait_for_selector("#job-status[data-status=undone]")
    screenshot(page, "import-6-undone")
    assert not Neighborhood.objects.filter(code="hq").exists()
    assert Compound.objects.get(code="xc2").name == "新城二村"
    page.goto(f"{base}/onboarding/")
    with translation.override("zh-hans"):
        undone = str(ImportJob.Status.UNDONE.label)  # 已撤销
    assert undone in page.locator("main table.table-hover tbody tr").first.inner_text()
    screenshot(page, "import-7-list")
