"""Annual reports (年度述职) through the services: the compound manager of the contract writes
(a deputy named by the manager or the company's head, recorded), drafts kept until submitted,
submitted is final, two editors never overwrite each other, files with the same checks as every
upload, the report's workflow table, and the mandatory agenda item the company cannot withdraw."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.records import ConcurrentEditError
from gongzhi.meetings import services
from gongzhi.meetings.models import (
    REPORT_WORKFLOW,
    AgendaItem,
    AnnualReport,
    AnnualReportFile,
    ReportAction,
    ReportState,
)
from gongzhi.meetings.services.annual_reports import MAX_REPORT_FILES
from gongzhi.orgs.models import Membership, ServiceContract
from gongzhi.testing import PersonFactory

from .annual_reports_world import *  # noqa: F403 - the fixtures
from .annual_reports_world import FROZEN, SECTIONS, delegate, fresh, pdf, save, submit

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(FROZEN)]


def actions_of(report):
    return list(
        AuditEntry.objects.filter(object_type="meetings.annualreport", object_id=str(report.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- drafts -----------------------------------------------------------------------------------


def test_the_compound_manager_keeps_a_draft_without_submitting(report, manager):
    done = save(manager, report, service="初稿：保洁", management="")
    done = fresh(done)
    assert done.state == ReportState.DRAFT and done.submitted_at is None and done.reporter is None
    assert (done.service, done.management) == ("初稿：保洁", "")  # a draft needs nothing yet
    assert done.saved_by == manager and done.saved_at == timezone.now()
    assert done.version == report.version + 1
    assert actions_of(report) == ["meetings.annualreport.draft"]


def test_a_draft_is_edited_again_and_again_until_submitted(report, manager):
    save(manager, report, service="第一稿")
    save(manager, report, service="第二稿")
    done = submit(manager, report, service="定稿")
    done = fresh(done)
    assert done.state == ReportState.SUBMITTED and done.service == "定稿"
    assert done.reporter.user == manager and done.submitted_by == manager
    assert actions_of(report) == [
        "meetings.annualreport.draft",
        "meetings.annualreport.draft",
        "meetings.annualreport.submit",
    ]


def test_submitted_is_final(report, manager, deputy):
    submit(manager, report)
    for write in (save, submit):
        with pytest.raises(ValidationError, match="has been submitted: it can no longer change"):
            write(manager, report, service="提交后修改")
    with pytest.raises(ValidationError, match="can no longer change"):
        delegate(manager, report, deputy)
    assert fresh(report).service == SECTIONS["service"] and fresh(report).deputy is None


@pytest.mark.parametrize("missing", ["service", "management"])
def test_submitting_needs_service_and_management(report, manager, missing):
    with pytest.raises(ValidationError) as error:
        submit(manager, report, **{missing: " "})
    assert "service" in error.value.message_dict
    assert fresh(report).state == ReportState.DRAFT


def test_a_stale_save_is_refused_and_the_other_save_kept(report, manager, deputy):
    """The manager and the deputy open the draft at the same version; the second save is refused."""
    delegate(manager, report, deputy)
    opened = fresh(report).version
    save(manager, report, expected_version=opened, service="经理写的服务部分")
    with pytest.raises(ConcurrentEditError):
        save(deputy.user, report, expected_version=opened, service="副经理写的服务部分")
    with pytest.raises(ConcurrentEditError):
        submit(deputy.user, report, expected_version=opened, service="副经理写的服务部分")
    assert fresh(report).service == "经理写的服务部分" and fresh(report).state == ReportState.DRAFT


# --- who reports --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["party_secretary", "rc_worker", "oc_member", "office"])
def test_other_parties_may_not_write_the_report(report, world, persona):
    for write in (save, submit):
        with pytest.raises(ValidationError, match="Only the compound manager of 新城一村 \\(property_manager人员\\)"):
            write(world.users[persona], report)
    assert fresh(report).saved_at is None and fresh(report).state == ReportState.DRAFT


def test_a_colleague_in_the_company_may_not_write_it_either(report, colleague, head):
    for person in (colleague, head):  # the head names a deputy, but does not write it themself
        with pytest.raises(ValidationError, match="Only the compound manager"):
            save(person.user, report)
    assert fresh(report).saved_at is None


def test_the_manager_names_a_deputy_who_then_reports(report, manager, deputy):
    delegate(manager, report, deputy)
    named = fresh(report)
    assert (named.deputy, named.delegated_by.user, named.delegated_at) == (deputy, manager, timezone.now())
    save(deputy.user, report, service="副经理起草")
    done = fresh(submit(deputy.user, report))
    assert done.reporter == deputy and done.by_deputy and done.delegated_by.user == manager
    entry = AuditEntry.objects.get(action="meetings.annualreport.delegate", object_id=str(report.pk))
    assert entry.actor == manager and entry.after == {"deputy": deputy.pk, "delegated_by": named.delegated_by.pk}
    submitted = AuditEntry.objects.get(action="meetings.annualreport.submit", object_id=str(report.pk))
    assert submitted.after["reporter"] == deputy.pk and submitted.after["delegated_by"] == named.delegated_by.pk


def test_the_manager_may_still_report_when_a_deputy_is_named(report, manager, deputy):
    delegate(manager, report, deputy)
    done = fresh(submit(manager, report))
    assert done.reporter.user == manager and not done.by_deputy


def test_the_companys_head_names_a_deputy_when_the_contract_names_no_manager(report, world, head, colleague):
    ServiceContract.objects.filter(compound=world.c1).update(manager=None)
    with pytest.raises(ValidationError, match="names no compound manager"):
        save(colleague.user, report)
    delegate(head.user, report, colleague)
    done = fresh(submit(colleague.user, report))
    assert done.reporter == colleague and done.delegated_by == head and done.by_deputy


def test_only_the_manager_or_the_head_names_a_deputy(report, world, colleague, deputy):
    for user in (colleague.user, world.users["party_secretary"], world.users["office"]):
        with pytest.raises(ValidationError, match="Only the compound manager or the head of 申江物业"):
            delegate(user, report, deputy)
    assert fresh(report).deputy is None


def test_a_deputy_is_a_member_of_the_company_with_a_login(report, world, manager):
    outsider_of_company = world.people["oc_member"]
    no_login = PersonFactory(town=world.town, name="无账号员工")
    Membership.objects.create(
        town=world.town, person=no_login, organization=world.orgs["pc"], title="保安", start=timezone.localdate()
    )
    for person in (outsider_of_company, no_login, world.people["property_manager"]):
        with pytest.raises(ValidationError) as error:
            delegate(manager, report, person)
        assert "deputy" in error.value.message_dict
    assert fresh(report).deputy is None


def test_taking_the_naming_back(report, manager, deputy):
    delegate(manager, report, deputy)
    delegate(manager, report, None)
    taken = fresh(report)
    assert taken.deputy is None and taken.delegated_by is None and taken.delegated_at is None
    with pytest.raises(ValidationError, match="Only the compound manager"):
        save(deputy.user, report)


def test_a_deputy_who_left_the_company_may_no_longer_write(report, manager, deputy):
    delegate(manager, report, deputy)
    Membership.objects.filter(person=deputy).update(end=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="named deputy \\(王副经理\\)"):
        save(deputy.user, report)


# --- files --------------------------------------------------------------------------------------


def test_files_are_attached_with_the_draft(report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(manager, report, files=[pdf("年度工作总结.pdf"), pdf("整改清单.pdf")])
    rows = list(AnnualReportFile.objects.filter(report=report))
    assert [r.name for r in rows] == ["年度工作总结.pdf", "整改清单.pdf"]
    assert all(r.added_by == manager and r.size == len(r.file.read()) for r in rows)
    entry = AuditEntry.objects.get(action="meetings.annualreport.draft", object_id=str(report.pk))
    assert entry.after["files"] == "年度工作总结.pdf、整改清单.pdf"


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_saved(report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match="not a genuine .pdf file"):
        save(manager, report, service="新内容", files=[pdf("假的.pdf", b"MZ not a pdf")])
    assert not AnnualReportFile.objects.exists() and fresh(report).service == ""


def test_a_report_holds_at_most_twenty_files(report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(manager, report, files=[pdf(f"附件{i}.pdf") for i in range(10)])
    save(manager, report, files=[pdf(f"补充{i}.pdf") for i in range(10)])
    assert AnnualReportFile.objects.count() == MAX_REPORT_FILES
    with pytest.raises(ValidationError, match="at most 20 files"):
        save(manager, report, files=[pdf("再多一个.pdf")])
    assert AnnualReportFile.objects.count() == MAX_REPORT_FILES


def test_a_file_is_removed_from_a_draft_but_not_after_submission(report, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(manager, report, files=[pdf("错传.pdf"), pdf("总结.pdf")])
    wrong = AnnualReportFile.objects.get(name="错传.pdf")
    services.remove_annual_report_file(actor=manager, report=report, file=wrong, expected_version=fresh(report).version)
    assert list(AnnualReportFile.objects.values_list("name", flat=True)) == ["总结.pdf"]
    submit(manager, report)
    kept = AnnualReportFile.objects.get()
    with pytest.raises(ValidationError, match="can no longer change"):
        services.remove_annual_report_file(
            actor=manager, report=report, file=kept, expected_version=fresh(report).version
        )
    assert AnnualReportFile.objects.count() == 1


# --- the workflow table -------------------------------------------------------------------------


WRITES = {
    ReportAction.SAVE: lambda r, m, d: save(m, r),
    ReportAction.SUBMIT: lambda r, m, d: submit(m, r),
    ReportAction.DELEGATE: lambda r, m, d: delegate(m, r, d),
}


@pytest.mark.parametrize("state", ReportState.values)
@pytest.mark.parametrize("action", list(WRITES))
def test_every_write_in_every_state(report, manager, deputy, state, action):
    """The table allows writing a draft only; the services follow it."""
    AnnualReport.objects.filter(pk=report.pk).update(state=state)  # set-up
    allowed = REPORT_WORKFLOW.allows(action, state)
    assert allowed == (state == ReportState.DRAFT)
    if allowed:
        WRITES[action](report, manager, deputy)
        assert fresh(report).state == REPORT_WORKFLOW.target(action, state)
    else:
        with pytest.raises(ValidationError, match="can no longer change"):
            WRITES[action](report, manager, deputy)
        assert fresh(report).state == state and fresh(report).version == report.version


def test_the_first_rating_marks_the_report_rated(report, manager, secretary, in_session):
    submit(manager, report)
    m = in_session()
    rater = m.invitees.get(name="oc_member人员")
    services.rate_annual_report(actor=secretary, report=report, invitee=rater, rating="satisfied")
    assert fresh(report).state == ReportState.RATED
    services.rate_annual_report(
        actor=secretary, report=report, invitee=m.invitees.get(name="rc_worker人员"), rating="basic"
    )
    assert fresh(report).state == ReportState.RATED and report.ratings.count() == 2


@pytest.fixture
def in_session(december, secretary):
    """The December meeting opened on its day with everyone present."""
    from gongzhi.meetings.models import Meeting

    def make():
        m = Meeting.objects.get(pk=december.pk)
        m = services.open_meeting(actor=secretary, meeting=m, expected_version=m.version)
        marks = {i.pk: ("present", "") for i in m.invitees.all()}
        return services.record_attendance(actor=secretary, meeting=m, marks=marks, expected_version=m.version)

    return make


# --- the agenda item ----------------------------------------------------------------------------


def test_the_company_cannot_withdraw_its_annual_report_item(report, world, manager):
    item = AgendaItem.objects.get(annual_report=report)
    assert item.proposer == world.orgs["pc"]
    with pytest.raises(ValidationError, match="cannot withdraw it"):
        services.withdraw_item(actor=manager, item=item, reason="不想述职", expected_version=item.version)
    assert AgendaItem.objects.get(pk=item.pk).state == "on_agenda"


def test_the_chair_may_still_withdraw_it(report, secretary):
    item = AgendaItem.objects.get(annual_report=report)
    services.withdraw_item(actor=secretary, item=item, reason="合同已终止", expected_version=item.version)
    assert AgendaItem.objects.get(pk=item.pk).state == "withdrawn"


def test_other_proposers_still_withdraw_their_own_items(december, world):
    item = services.propose_item(actor=world.users["oc_member"], meeting=december, title="增设快递柜")
    services.withdraw_item(
        actor=world.users["oc_member"], item=item, reason="已自行解决", expected_version=item.version
    )
    assert AgendaItem.objects.get(pk=item.pk).state == "withdrawn"
    with pytest.raises(PermissionDenied):
        other = services.propose_item(actor=world.users["oc_member"], meeting=december, title="加装照明")
        services.withdraw_item(actor=world.users["rc_worker"], item=other, reason="无", expected_version=other.version)
