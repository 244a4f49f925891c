"""In Chromium, in Chinese, on a desktop screen: the office exports its case list. The button
starts the job and leads to its page; the background worker (run here by the test, between the
browser's polls) writes the rows; the page's progress bar follows it by polling (htmx) and stops
at 100 %, offering the file, which downloads and reads back with every row. "My exports" lists
it. Selectors are data-testid and data-state attributes, so the test holds before and after the
catalogues change. Screenshots go to test-artifacts/screenshots/."""

import re

import pytest
from openpyxl import load_workbook

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.exports import jobs
from gongzhi.exports.models import ExportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2026-11-27 10:00")]


@pytest.fixture
def queued_only(settings):
    """Jobs wait in the queue (nobody runs them at commit): the test plays the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def test_the_office_exports_its_case_list_and_watches_the_bar(
    live_server, world, desktop_page, submit_case, queued_only, settings, tmp_path, monkeypatch
):
    settings.LANGUAGE_CODE = "zh-hans"
    for i in range(5):
        submit_case(channel="phone", description=f"{i + 1}号楼水管漏水")
    page, base = desktop_page, live_server.url
    sign_in(page, base, "office")
    page.goto(f"{base}/cases/?box=all")
    screenshot(page, "export-1-case-list")
    submit(page, page.get_by_test_id("export-cases"))
    page.wait_for_url(re.compile(r"/exports/\w+/$"))
    job = ExportJob.objects.get()
    assert page.locator("#export-status").get_attribute("data-state") == "queued"
    screenshot(page, "export-2-queued")

    # The worker writes two rows at a time and, after the first two, waits until the page shows them.
    monkeypatch.setattr(jobs, "CHUNK", 2)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    real = jobs._progress
    shown = []

    def progress_seen_by_the_browser(job, **fields):
        real(job, **fields)
        if fields.get("rows_written") == 2:
            page.wait_for_selector(
                "#export-status[data-state=running] [data-testid=export-progress][aria-valuenow='40']"
            )
            shown.append(page.get_by_test_id("export-progress").get_attribute("aria-valuenow"))
            screenshot(page, "export-3-progress")

    monkeypatch.setattr(jobs, "_progress", progress_seen_by_the_browser)
    assert jobs.run_export_job(job.pk) == "done"
    assert shown == ["40"]
    page.wait_for_selector("#export-status[data-state=done]")
    assert page.get_by_test_id("export-progress").get_attribute("aria-valuenow") == "100"
    screenshot(page, "export-4-ready")

    with page.expect_download() as download:
        page.get_by_test_id("download-export").click()
    assert download.value.suggested_filename == "cases-all-20261127.xlsx"
    saved = tmp_path / "导出.xlsx"
    download.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 6
    assert {row[9] for row in rows[1:]} == {f"{i + 1}号楼水管漏水" for i in range(5)}

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-my-exports").click()
    page.wait_for_url(f"{base}/exports/")
    assert page.locator(f'tr[data-export="{job.uid}"]').count() == 1
    screenshot(page, "export-5-my-exports")
