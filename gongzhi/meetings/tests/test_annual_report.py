"""The property company's annual report (年度述职, R-MTG-5) through the services: due at the
meeting of the town's report month (one per active service contract of the neighborhood),
submitted by the contract's compound manager, rated at the meeting by the other attendees.
(Drafts, deputies, files, the list and the rating summary: test_annual_reports_*.py.)"""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.core.records import ConcurrentEditError
from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, AnnualReport, AnnualReportRating, MeetingSettings
from gongzhi.orgs.models import ServiceContract

pytestmark = pytest.mark.django_db

SECTIONS = {
    "service": "全年保洁、绿化、安保按合同执行，报修响应平均2小时。",
    "management": "完成电梯年检、消防设施维护。",
    "rectification": "针对停车难问题增设临时车位20个。",
    "other": "",
}


@pytest.fixture
def meeting(world, secretary):
    """新城's ad hoc meeting three days from now, in the town's annual report month: the town's
    report month is set to that month before the meeting is scheduled (so the agenda is drafted
    with the reports)."""
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), time(14, 0)))
    rules = services.settings_for(world.town.pk)
    MeetingSettings.objects.filter(pk=rules.pk).update(annual_report_month=timezone.localtime(starts).month)
    return services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城联席会议（年度述职）", starts_at=starts, place="居委会"
    )


@pytest.fixture
def report(meeting, world):
    """新城一村's report; the contract names property_manager its compound manager."""
    ServiceContract.objects.filter(compound=world.c1).update(manager=world.people["property_manager"])
    return AnnualReport.objects.get(compound=world.c1)


def submitted(report, world):
    return services.submit_annual_report(
        actor=world.users["property_manager"], report=report, sections=SECTIONS, expected_version=report.version
    )


def invitee(meeting, persona):
    return meeting.invitees.get(name=f"{persona}人员")


# --- drafted onto the agenda ----------------------------------------------------------------


def test_the_report_month_meeting_gets_one_report_per_active_contract(meeting, world):
    # 新城 has two contracts of 申江物业: 新城一村 (active) and 新城二村 (ended ten days ago).
    year = timezone.localtime(meeting.starts_at).year
    report = AnnualReport.objects.get()
    assert report.compound == world.c1 and report.company == world.orgs["pc"] and report.year == year
    assert report.contract == ServiceContract.objects.get(compound=world.c1)
    assert report.submitted_at is None
    item = meeting.items.get(source=AgendaItem.Source.ANNUAL_REPORT)
    assert item.annual_report == report and item.compound == world.c1 and item.proposer == world.orgs["pc"]


def test_the_company_is_told_its_report_is_due(meeting, world, report):
    from gongzhi.notifications.models import Notification

    told = Notification.objects.filter(user=world.users["property_manager"], url=report.get_absolute_url())
    assert told.count() == 1
    assert "新城一村" in told[0].text and meeting.title in told[0].text


def test_drafting_the_agenda_again_adds_nothing(meeting, world, report):
    from gongzhi.notifications.models import Notification

    assert services.draft_agenda(meeting) == 0
    assert AnnualReport.objects.count() == 1
    assert meeting.items.filter(source=AgendaItem.Source.ANNUAL_REPORT).count() == 1
    assert Notification.objects.filter(user=world.users["property_manager"], url=report.get_absolute_url()).count() == 1


def test_a_december_meeting_gets_the_report_under_the_default_month(world, secretary):
    assert services.settings_for(world.town.pk).annual_report_month == 12
    today = timezone.localdate()
    year = today.year + 1 if today.month == 12 else today.year
    december = services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城十二月联席会议",
        starts_at=timezone.make_aware(datetime(year, 12, 15, 14, 0)),
    )
    report = AnnualReport.objects.get()
    assert (report.compound, report.year) == (world.c1, year)
    assert december.items.filter(source=AgendaItem.Source.ANNUAL_REPORT, annual_report=report).count() == 1


def test_a_meeting_outside_the_report_month_gets_no_report(world, secretary):
    today = timezone.localdate()
    year = today.year + 1 if today.month >= 11 else today.year
    services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城十一月联席会议",
        starts_at=timezone.make_aware(datetime(year, 11, 16, 14, 0)),
    )
    assert not AnnualReport.objects.exists()
    assert not AgendaItem.objects.filter(source=AgendaItem.Source.ANNUAL_REPORT).exists()


# --- submit_annual_report -------------------------------------------------------------------


def test_the_company_submits_its_report(report, world):
    manager = world.users["property_manager"]
    done = submitted(report, world)
    done = AnnualReport.objects.get(pk=done.pk)
    assert done.submitted_by == manager and done.submitted_at is not None
    assert done.service == SECTIONS["service"] and done.rectification == SECTIONS["rectification"]
    assert done.version == report.version + 1


@pytest.mark.parametrize("persona", ["party_secretary", "rc_worker", "oc_member"])
def test_others_may_not_submit_the_report(report, world, persona):
    with pytest.raises(ValidationError, match="Only the compound manager"):
        services.submit_annual_report(
            actor=world.users[persona], report=report, sections=SECTIONS, expected_version=report.version
        )
    assert AnnualReport.objects.get(pk=report.pk).submitted_at is None


@pytest.mark.parametrize("missing", ["service", "management"])
def test_service_and_management_are_required(report, world, missing):
    with pytest.raises(ValidationError) as error:
        services.submit_annual_report(
            actor=world.users["property_manager"],
            report=report,
            sections={**SECTIONS, missing: "  "},
            expected_version=report.version,
        )
    assert "service" in error.value.message_dict
    assert AnnualReport.objects.get(pk=report.pk).submitted_at is None


def test_a_submission_on_a_stale_version_is_refused(report, world):
    submitted(report, world)
    with pytest.raises(ConcurrentEditError):
        services.submit_annual_report(
            actor=world.users["property_manager"],
            report=report,
            sections={**SECTIONS, "service": "改过的服务部分"},
            expected_version=report.version,
        )
    assert AnnualReport.objects.get(pk=report.pk).service == SECTIONS["service"]


# --- rate_annual_report ---------------------------------------------------------------------


def test_the_chair_records_a_present_attendees_rating(report, world, secretary, in_session):
    submitted(report, world)
    m = in_session()
    rater = invitee(m, "oc_member")
    row = services.rate_annual_report(
        actor=secretary, report=report, invitee=rater, rating="basic", comment="停车问题仍需改进"
    )
    row = AnnualReportRating.objects.get(pk=row.pk)
    assert (row.report, row.invitee, row.rating) == (report, rater, "basic")
    assert row.comment == "停车问题仍需改进" and row.recorded_by == secretary


def test_an_attendee_rates_for_themself(report, world, in_session):
    submitted(report, world)
    m = in_session()
    services.rate_annual_report(
        actor=world.users["rc_worker"], report=report, invitee=invitee(m, "rc_worker"), rating="satisfied"
    )
    assert AnnualReportRating.objects.get().rating == "satisfied"


def test_an_attendee_rates_only_once(report, world, secretary, in_session):
    submitted(report, world)
    m = in_session()
    rater = invitee(m, "oc_member")
    services.rate_annual_report(actor=secretary, report=report, invitee=rater, rating="satisfied")
    with pytest.raises(ValidationError, match="already rated"):
        services.rate_annual_report(actor=secretary, report=report, invitee=rater, rating="unsatisfied")
    assert list(AnnualReportRating.objects.values_list("rating", flat=True)) == ["satisfied"]


def test_the_company_does_not_rate_its_own_report(report, world, secretary, in_session):
    submitted(report, world)
    m = in_session()
    own = invitee(m, "property_manager")
    assert own.organization == world.orgs["pc"]
    with pytest.raises(ValidationError, match="own report"):
        services.rate_annual_report(actor=secretary, report=report, invitee=own, rating="satisfied")
    assert not AnnualReportRating.objects.exists()


def test_no_rating_before_the_report_is_submitted(report, world, secretary, in_session):
    m = in_session()
    with pytest.raises(ValidationError, match="not been submitted"):
        services.rate_annual_report(actor=secretary, report=report, invitee=invitee(m, "oc_member"), rating="basic")
    assert not AnnualReportRating.objects.exists()


def test_no_rating_when_the_meeting_is_not_in_session(report, world, secretary, meeting):
    submitted(report, world)
    with pytest.raises(ValidationError, match="rated at the meeting"):
        services.rate_annual_report(
            actor=secretary, report=report, invitee=invitee(meeting, "oc_member"), rating="basic"
        )
    assert not AnnualReportRating.objects.exists()


def test_no_rating_for_an_absent_attendee(report, world, secretary, in_session):
    submitted(report, world)
    m = in_session({"oc_member人员": ("absent", "")})
    with pytest.raises(ValidationError, match="not recorded as present"):
        services.rate_annual_report(actor=secretary, report=report, invitee=invitee(m, "oc_member"), rating="basic")
    assert not AnnualReportRating.objects.exists()


def test_only_the_chair_records_someone_elses_rating(report, world, in_session):
    submitted(report, world)
    m = in_session()
    with pytest.raises(PermissionDenied):
        services.rate_annual_report(
            actor=world.users["rc_worker"], report=report, invitee=invitee(m, "oc_member"), rating="unsatisfied"
        )
    assert not AnnualReportRating.objects.exists()


def test_a_rated_report_can_no_longer_be_changed(report, world, secretary, in_session):
    report = submitted(report, world)
    m = in_session()
    services.rate_annual_report(actor=secretary, report=report, invitee=invitee(m, "oc_member"), rating="basic")
    with pytest.raises(ValidationError, match="can no longer change"):
        services.submit_annual_report(
            actor=world.users["property_manager"],
            report=report,
            sections={**SECTIONS, "service": "会后修改"},
            expected_version=AnnualReport.objects.get(pk=report.pk).version,
        )
    assert AnnualReport.objects.get(pk=report.pk).service == SECTIONS["service"]
