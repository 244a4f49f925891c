"""In Chromium at 390 px, in Chinese (issue 10, finding 1): the property manager of the assisting
company reports progress on a resolution from a phone. The lead's "carried out in full" box is
not offered; a refused report (a file of a kind not accepted) comes back with the reason in words
and the typed progress kept; the corrected report is saved."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.meetings import services
from gongzhi.meetings.models import ProgressReport

from .scenario import PDF, vote_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    """Walked in Chinese, the default language (the meetings tests' English fixture is off here)."""
    yield


@pytest.fixture
def resolution(world, in_session, meeting):
    secretary = world.users["party_secretary"]
    item = services.propose_item(actor=secretary, meeting=meeting, title="增设非机动车棚")
    item = vote_through(item, in_session(), secretary)
    return services.adopt_resolution(
        actor=secretary,
        item=item,
        text="业委会牵头、物业协助在1号楼旁增设车棚",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=timezone.localdate() + timedelta(days=30),
    )


def test_the_assisting_company_keeps_its_typed_progress_when_a_report_is_refused(
    live_server, world, phone_page, resolution, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = phone_page
    base = live_server.url
    sign_in(page, base, "property_manager")
    page.goto(f"{base}{resolution.get_absolute_url()}")
    form = page.locator("form[action$='/act/progress/']")
    assert form.locator("textarea[name=text]").is_visible()
    assert form.locator("input[type=checkbox][name=done]").count() == 0  # the lead's box is not offered
    typed = "已联系三家施工单位报价，本周五前确定车棚位置"
    form.locator("textarea[name=text]").fill(typed)
    bad = tmp_path / "报价单.exe"
    bad.write_bytes(b"MZ\x90\x00not a document")
    form.locator("input[type=file]").set_input_files(str(bad))
    submit(page, form.locator("button[type=submit]"))
    form = page.locator("form[action$='/act/progress/']")
    assert form.locator("textarea[name=text]").input_value() == typed  # the typed progress is kept
    errors = form.locator(".invalid-feedback, .alert-danger").all_inner_texts()
    assert errors and re.search(r"[\u4e00-\u9fff]", " ".join(errors)), errors  # the reason, in Chinese
    assert not ProgressReport.objects.exists()
    screenshot(page, "assisting-1-refused-input-kept")

    good = tmp_path / "报价单.pdf"
    good.write_bytes(PDF)
    form.locator("input[type=file]").set_input_files(str(good))
    submit(page, form.locator("button[type=submit]"))
    report = ProgressReport.objects.get()
    assert report.organization == world.orgs["pc"] and report.text == typed and not report.done
    assert report.evidence.count() == 1
    page.wait_for_selector(f"text={typed[:10]}")
    screenshot(page, "assisting-2-reported")
