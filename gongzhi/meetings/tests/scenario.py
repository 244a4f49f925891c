"""A small record of joint meetings in 新城 (n1) of the personas' world, built through the
services, for the permission matrix and the page tests: a planned meeting with a proposed item
and its materials; a meeting in session whose item passed, with a resolution led by the owners'
committee and a progress report with evidence; a held meeting with draft minutes; an annual
report; a published notice with a resident's opinion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Scenario:
    planned: object
    live: object
    ended: object
    item: object
    passed: object
    resolution: object
    evidence: object
    attachment: object
    report: object
    notice: object
    opinion: object


def _start(when_days: int):
    base = timezone.localdate() + timedelta(days=when_days)
    return timezone.make_aware(datetime.combine(base, datetime.min.time())) + timedelta(hours=14)


def vote_through(item, meeting, chair):
    """Every voting member present votes yes on `item` and the ballot is closed: the item passes."""
    from gongzhi.meetings import services

    item.refresh_from_db()
    ballot = services.open_ballot(actor=chair, item=item, expected_version=item.version)
    for invitee in meeting.invitees.filter(voting=True):
        services.cast_vote(actor=chair, ballot=ballot, invitee=invitee, choice="yes")
    services.close_ballot(actor=chair, ballot=ballot)
    item.refresh_from_db()
    assert item.state == "passed", item.outcome
    return item


def build(world) -> Scenario:
    """Built once per world (the meetings' and the notices' permission specs share it)."""
    if getattr(world, "_meetings_scenario", None) is None:
        world._meetings_scenario = _build(world)
    return world._meetings_scenario


def _build(world) -> Scenario:
    from gongzhi.meetings import services
    from gongzhi.meetings.models import AnnualReport, Evidence
    from gongzhi.notices.services import create_notice, publish_notice, submit_opinion
    from gongzhi.orgs.models import ServiceContract

    secretary = world.users["party_secretary"]
    planned = services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城月度联席会议", starts_at=_start(5)
    )
    item = services.propose_item(
        actor=world.users["oc_member"], meeting=planned, title="外立面粉刷", description="全部楼栋", files=[pdf()]
    )
    attachment = item.attachments.get()

    live = services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城临时联席会议", starts_at=_start(1)
    )
    passed = services.propose_item(actor=secretary, meeting=live, title="增设非机动车棚")
    live = services.open_meeting(actor=secretary, meeting=live, expected_version=live.version)
    live = services.record_attendance(
        actor=secretary,
        meeting=live,
        marks={i.pk: ("present", "") for i in live.invitees.all()},
        expected_version=live.version,
    )
    passed = vote_through(passed, live, secretary)
    resolution = services.adopt_resolution(
        actor=secretary,
        item=passed,
        text="业委会牵头、物业协助在3号楼旁增设车棚",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=timezone.localdate() + timedelta(days=30),
    )
    services.report_progress(
        actor=world.users["oc_member"], resolution=resolution, text="已选定位置", files=[pdf("照片说明.pdf")]
    )
    evidence = Evidence.objects.get(report__resolution=resolution)

    ended = services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城联席会议（已召开）", starts_at=_start(2)
    )
    ended = services.open_meeting(actor=secretary, meeting=ended, expected_version=ended.version)
    ended = services.record_attendance(
        actor=secretary,
        meeting=ended,
        marks={i.pk: ("present", "") for i in ended.invitees.all()},
        expected_version=ended.version,
    )
    ended = services.end_meeting(actor=secretary, meeting=ended, expected_version=ended.version)

    contract = ServiceContract.objects.get(compound=world.c1, company=world.orgs["pc"])
    report, _created = AnnualReport.objects.get_or_create(
        contract=contract,
        year=timezone.localdate().year,
        defaults={"town": world.town, "compound": world.c1, "company": world.orgs["pc"]},
    )

    notice = create_notice(
        actor=secretary,
        neighborhood=world.n1,
        compounds=[world.c1],
        title="关于增设非机动车棚的通报",
        body="联席会议决定在3号楼旁增设非机动车棚，请居民提出意见。",
        responsible=world.orgs["oc1"],
        closes_on=timezone.localdate() + timedelta(days=7),
        resolution=resolution,
    )
    notice = publish_notice(
        actor=secretary,
        notice=notice,
        closes_on=timezone.localdate() + timedelta(days=7),
        expected_version=notice.version,
    )
    opinion = submit_opinion(
        actor=world.users["resident"], notice=notice, unit=world.unit(world.c1), text="建议加装照明"
    )
    return Scenario(planned, live, ended, item, passed, resolution, evidence, attachment, report, notice, opinion)
