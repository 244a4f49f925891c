"""Annual reports (年度述职) on the pages: the list per year in the user's scope, reached from the
meetings' tabs and from the home page; the report's page shows the reporter's controls to the
reporter only, keeps drafts inside the company, re-shows a refused form with what was typed and the
reason; files up- and downloaded; the company is not offered to withdraw its report's item."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, AnnualReport, AnnualReportFile, ReportState
from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.testing import ContractFactory, OrganizationFactory

from .annual_reports_world import *  # noqa: F403 - the fixtures
from .annual_reports_world import FROZEN, delegate, fresh, pdf, save, submit

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(FROZEN)]

LIST = reverse("meetings:annual_reports")


def add_report(world, compound, year, company=None, **fields):
    """A report row of another compound or year (set-up: the list's rows)."""
    company = company or world.orgs["pc"]
    contract = ServiceContract.objects.filter(compound=compound, company=company).first() or ContractFactory(
        compound=compound, company=company, start=date(year, 1, 1)
    )
    return AnnualReport.objects.create(
        town=compound.town, contract=contract, compound=compound, company=company, year=year, **fields
    )


def text(response) -> str:
    return response.content.decode()


# --- the list ---------------------------------------------------------------------------------


@pytest.fixture
def reports(world, report):
    """新城一村 2026 (the December meeting's), 世博家园 2026 (n2), 新城一村 2025, and 梅陇小区 2026
    in the other town."""
    other_company = OrganizationFactory(
        town=world.other, kind=Organization.Kind.PROPERTY_COMPANY, code="mlpc", name="梅陇物业"
    )
    return {
        "c1": report,
        "c3": add_report(world, world.c3, 2026),
        "c1_2025": add_report(world, world.c1, 2025, state=ReportState.RATED),
        "c4": add_report(world, world.c4, 2026, company=other_company),
    }


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("office", {"新城一村", "世博家园"}),
        ("party_secretary", {"新城一村"}),  # 新城 only
        ("oc_member", {"新城一村"}),
        ("property_manager", {"新城一村", "世博家园"}),  # the company's own, wherever
        ("inspector", {"世博家园"}),  # group 1 covers 世博
        ("outsider", {"梅陇小区"}),
    ],
)
def test_the_list_shows_the_years_reports_in_the_users_scope(client_for, reports, persona, seen):
    page = text(client_for(persona).get(f"{LIST}?year=2026"))
    shown = {name for name in ("新城一村", "世博家园", "梅陇小区") if f">{name}</a>" in page}
    assert shown == seen


def test_the_list_is_per_year(client_for, reports):
    page = text(client_for("party_secretary").get(f"{LIST}?year=2025"))
    assert reports["c1_2025"].get_absolute_url() in page and reports["c1"].get_absolute_url() not in page
    default = text(client_for("party_secretary").get(LIST))  # this year
    assert reports["c1"].get_absolute_url() in default and reports["c1_2025"].get_absolute_url() not in default
    assert '<option value="2025"' in default and '<option value="2026" selected' in default


def test_the_list_filters_by_state(client_for, reports):
    page = text(client_for("office").get(f"{LIST}?year=2025&show=rated"))
    assert reports["c1_2025"].get_absolute_url() in page
    assert reports["c1"].get_absolute_url() not in text(client_for("office").get(f"{LIST}?year=2026&show=rated"))


def test_the_list_shows_reporter_state_and_rating(client_for, reports, manager, deputy):
    delegate(manager, reports["c1"], deputy)
    page = text(client_for("office").get(f"{LIST}?year=2026"))
    assert "Reported by 王副经理 as deputy (named by property_manager人员)" in page
    assert "No compound manager named on the contract" in page  # 世博家园's contract names nobody
    assert page.count('data-testid="rating-summary">—<') == 2
    assert ">Draft<" in page


def test_the_lists_queries_do_not_grow_with_its_rows(client_for, reports, world, manager, deputy):
    client = client_for("office")
    client.get(f"{LIST}?year=2026")  # warm the caches (session, settings)
    with CaptureQueriesContext(connection) as two_rows:
        client.get(f"{LIST}?year=2026")
    delegate(manager, reports["c1"], deputy)
    add_report(world, world.c2, 2026)
    with CaptureQueriesContext(connection) as three_rows:
        page = text(client.get(f"{LIST}?year=2026"))
    assert page.count('data-testid="annual-report-row"') == 3
    assert len(three_rows) == len(two_rows)


def test_the_meetings_tabs_lead_to_the_list(client_for, reports):
    page = text(client_for("party_secretary").get(reverse("meetings:list")))
    assert f'href="{LIST}" data-testid="tab-annual-reports"' in page


def test_no_list_without_the_meetings_view(client_for, reports):
    assert client_for("resident").get(LIST).status_code == 404


# --- the report's page --------------------------------------------------------------------------


def test_the_manager_sees_the_draft_form_with_both_buttons(client_for, report, manager):
    page = text(client_for("property_manager").get(report.get_absolute_url()))
    assert 'data-testid="save-draft"' in page and 'data-testid="submit-report"' in page
    assert 'name="files"' in page and 'enctype="multipart/form-data"' in page
    assert "property_manager人员, compound manager" in page
    assert 'data-testid="delegation"' in page


def test_a_colleague_sees_the_draft_but_no_controls(client_for, world, report, manager, colleague):
    save(manager, report, service="经理的草稿")
    client = client_for(None)
    client.force_login(colleague.user)
    page = text(client.get(report.get_absolute_url()))
    assert "经理的草稿" in page
    assert 'data-testid="save-draft"' not in page and 'data-testid="submit-report"' not in page
    assert 'data-testid="delegation"' not in page and "remove_file" not in page


def test_the_companys_head_may_name_a_deputy_but_not_write(client_for, report, manager, head):
    client = client_for(None)
    client.force_login(head.user)
    page = text(client.get(report.get_absolute_url()))
    assert 'data-testid="delegation"' in page and 'data-testid="save-draft"' not in page


@pytest.mark.parametrize("persona", ["party_secretary", "oc_member", "office"])
def test_a_draft_stays_inside_the_company(client_for, report, manager, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(manager, report, service="内部草稿", files=[pdf("草稿附件.pdf")])
    page = text(client_for(persona).get(report.get_absolute_url()))
    assert "内部草稿" not in page and "草稿附件.pdf" not in page
    assert "The report has not been submitted yet." in page
    assert 'data-testid="save-draft"' not in page and 'data-testid="delegation"' not in page
    row = AnnualReportFile.objects.get()
    url = reverse("meetings:annual_report_file", args=[report.uid, row.uid])
    assert client_for(persona).get(url).status_code == 404
    submit(manager, report)
    assert client_for(persona).get(url).status_code == 200
    assert "内部草稿" in text(client_for(persona).get(report.get_absolute_url()))


def test_saving_a_draft_and_submitting_on_the_page(client_for, report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("property_manager")
    url = report.get_absolute_url()
    response = client.post(
        url,
        {"action": "save", "version": report.version, "service": "草稿中的服务", "files": [pdf("总结.pdf")]},
    )
    assert response.status_code == 302
    page = text(client.get(url))
    assert "Draft saved." in page and "草稿中的服务" in page and "总结.pdf" in page
    assert "Draft last saved on 2026-11-27 10:00 by property_manager人员" in page
    now = fresh(report)
    response = client.post(
        url, {"action": "submit", "version": now.version, "service": "服务定稿", "management": "管理定稿"}
    )
    assert response.status_code == 302
    done = fresh(report)
    assert done.state == ReportState.SUBMITTED and done.service == "服务定稿"
    page = text(client.get(url))
    assert 'data-testid="save-draft"' not in page and "服务定稿" in page and "总结.pdf" in page
    file_row = AnnualReportFile.objects.get()
    download = client.get(reverse("meetings:annual_report_file", args=[report.uid, file_row.uid]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_refused_post_keeps_what_was_typed_and_says_why(client_for, world, report, manager, colleague):
    client = client_for(None)
    client.force_login(colleague.user)
    response = client.post(
        report.get_absolute_url(),
        {"action": "submit", "version": report.version, "service": "同事代写的服务", "management": "同事代写的管理"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "同事代写的服务" in page and "同事代写的管理" in page
    assert "Only the compound manager of 新城一村 (property_manager人员) writes this report" in page
    assert fresh(report).service == "" and fresh(report).state == ReportState.DRAFT


def test_another_party_posting_is_told_why_too(client_for, report, manager):
    response = client_for("party_secretary").post(
        report.get_absolute_url(), {"action": "save", "version": report.version, "service": "书记写的"}
    )
    assert response.status_code == 400
    assert "书记写的" in text(response) and "Only the compound manager" in text(response)


def test_a_stale_save_is_refused_on_the_page_with_both_texts(client_for, report, manager, deputy):
    delegate(manager, report, deputy)
    opened = fresh(report).version
    save(manager, report, expected_version=opened, service="经理先保存的")
    client = client_for(None)
    client.force_login(deputy.user)
    response = client.post(
        report.get_absolute_url(), {"action": "save", "version": opened, "service": "副经理后保存的"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Someone else changed this record while you were editing it." in page
    assert "副经理后保存的" in page  # what they typed, in the form
    assert 'data-testid="saved-meanwhile"' in page and "经理先保存的" in page  # what was saved meanwhile
    assert fresh(report).service == "经理先保存的"


def test_the_deputy_is_named_on_the_page_and_the_report_says_so(client_for, report, manager, deputy):
    client = client_for("property_manager")
    response = client.post(
        report.get_absolute_url(), {"action": "delegate", "version": report.version, "deputy": deputy.uid}
    )
    assert response.status_code == 302
    named = fresh(report)
    assert named.deputy == deputy and named.delegated_by.user == manager
    page = text(client.get(report.get_absolute_url()))
    assert "Reported by 王副经理 as deputy (named by property_manager人员)" in page
    assert "Deputy named" in page  # in the history


def test_a_colleague_naming_a_deputy_is_told_why(client_for, report, manager, colleague, deputy):
    client = client_for(None)
    client.force_login(colleague.user)
    response = client.post(
        report.get_absolute_url(), {"action": "delegate", "version": report.version, "deputy": deputy.uid}
    )
    assert response.status_code == 400
    assert "Only the compound manager or the head of 申江物业 names a deputy" in text(response)
    assert fresh(report).deputy is None


def test_a_refused_upload_asks_for_the_files_again(client_for, report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for("property_manager").post(
        report.get_absolute_url(),
        {"action": "submit", "version": report.version, "service": "", "files": [pdf("附件.pdf")]},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Report at least on service and on management." in page
    assert "The files were not attached: choose them again." in page
    assert not AnnualReportFile.objects.exists()


def test_a_file_is_removed_from_the_draft_on_the_page(client_for, report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(manager, report, files=[pdf("错传.pdf")])
    row = AnnualReportFile.objects.get()
    client = client_for("property_manager")
    response = client.post(
        report.get_absolute_url(), {"action": "remove_file", "file": row.uid, "version": fresh(report).version}
    )
    assert response.status_code == 302 and not AnnualReportFile.objects.exists()


def test_a_foreign_report_is_not_found(client_for, reports):
    assert client_for("outsider").get(reports["c1"].get_absolute_url()).status_code == 404
    assert client_for("party_secretary").get(reports["c3"].get_absolute_url()).status_code == 404


# --- the agenda item: no withdrawal by the company ------------------------------------------------


def test_the_company_is_not_offered_to_withdraw_its_report_item(client_for, report, manager):
    item = AgendaItem.objects.get(annual_report=report)
    url = reverse("meetings:item", args=[item.uid])
    assert "Withdraw the item" not in text(client_for("property_manager").get(url))
    assert "Withdraw the item" in text(client_for("party_secretary").get(url))  # the chair still is
    response = client_for("property_manager").post(
        reverse("meetings:item_act", args=[item.uid, "withdraw"]), {"reason": "不想述职", "version": item.version}
    )
    assert response.status_code == 400
    assert "the reporting company cannot withdraw it" in text(response)
    assert AgendaItem.objects.get(pk=item.pk).state == "on_agenda"


# --- the home page ------------------------------------------------------------------------------


def test_the_home_reminder_opens_the_report_itself(client_for, report, manager):
    page = text(client_for("property_manager").get("/"))
    assert "1 annual report (年度述职) is due at an upcoming joint meeting" in page
    reminder = page.split("1 annual report (年度述职) is due")[1].split("</li>")[0]
    assert f'href="{report.get_absolute_url()}"' in reminder


def test_with_several_reports_due_the_reminder_opens_the_years_list_of_them(
    client_for, world, report, manager, secretary
):
    from datetime import datetime

    from django.utils import timezone

    services.schedule_meeting(
        actor=world.users["office"],
        neighborhood=world.n2,
        title="世博十二月联席会议",
        starts_at=timezone.make_aware(datetime(2026, 12, 4, 14, 0)),
    )
    assert AnnualReport.objects.filter(year=2026).count() == 2
    page = text(client_for("property_manager").get("/"))
    assert "2 annual reports (年度述职) are due at upcoming joint meetings" in page
    due_url = f"{LIST}?year=2026&amp;show=due"
    assert f'href="{due_url}"' in page
    listed = text(client_for("property_manager").get(f"{LIST}?year=2026&show=due"))
    assert listed.count('data-testid="annual-report-row"') == 2


def test_only_those_who_write_are_reminded(client_for, report, manager, colleague, deputy):
    """The manager names nobody: a colleague is not reminded (the contract names a manager)."""
    client = client_for(None)
    client.force_login(colleague.user)
    assert "annual report (年度述职)" not in text(client.get("/"))
    delegate(manager, report, deputy)
    client.force_login(deputy.user)
    assert f'href="{report.get_absolute_url()}"' in text(client.get("/"))
    assert "annual report (年度述职)" not in text(client_for("party_secretary").get("/"))


def test_a_submitted_report_is_no_longer_due(client_for, report, manager):
    submit(manager, report)
    assert "annual report (年度述职)" not in text(client_for("property_manager").get("/"))
