"""Written notices to residents (R-MTG-6) through their services: drafting and who may write,
publishing to the compounds' residents, opinions within the comment period (from residents of
the compounds only, and not in floods), replies by the responsible organisation, and the sweep
that closes the period and puts the opinions on the next joint meeting's agenda."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.core.records import ConcurrentEditError
from gongzhi.meetings import services as meetings
from gongzhi.meetings.models import AgendaItem
from gongzhi.notices import services
from gongzhi.notices.models import Notice, NoticeAttachment, NoticeState, Opinion

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def secretary(world):
    return world.users["party_secretary"]


@pytest.fixture
def resident(world):
    """居民甲 (13800000001), verified owner of 新城一村 1号楼 101."""
    return world.users["resident"]


@pytest.fixture
def today():
    return timezone.localdate()


def _at(days: int, hour: int = 14):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def draft(world, actor, **changes) -> Notice:
    """A notice of 新城 to 新城一村, answered by its owners' committee, comments for 7 days."""
    fields = {
        "actor": actor,
        "neighborhood": world.n1,
        "compounds": [world.c1],
        "title": "关于增设非机动车棚的通报",
        "body": "联席会议决定在1号楼旁增设非机动车棚，请居民提出意见。",
        "responsible": world.orgs["oc1"],
        "closes_on": timezone.localdate() + timedelta(days=7),
    }
    fields.update(changes)
    return services.create_notice(**fields)


def published(world, actor, closes_in: int = 7, **changes) -> Notice:
    closes_on = timezone.localdate() + timedelta(days=closes_in)
    notice = draft(world, actor, closes_on=closes_on, **changes)
    return services.publish_notice(actor=actor, notice=notice, closes_on=closes_on, expected_version=notice.version)


def resolution_led_by_oc1(world, secretary):
    """A resolution of 新城 (n1) led by 新城一村业委会, adopted at a meeting that passed its item."""
    meeting = meetings.schedule_meeting(actor=secretary, neighborhood=world.n1, title="新城联席会议", starts_at=_at(1))
    item = meetings.propose_item(actor=secretary, meeting=meeting, title="增设非机动车棚")
    meeting = meetings.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    meeting = meetings.record_attendance(
        actor=secretary,
        meeting=meeting,
        marks={i.pk: ("present", "") for i in meeting.invitees.all()},
        expected_version=meeting.version,
    )
    item.refresh_from_db()
    ballot = meetings.open_ballot(actor=secretary, item=item, expected_version=item.version)
    for invitee in meeting.invitees.all():
        meetings.cast_vote(actor=secretary, ballot=ballot, invitee=invitee, choice="yes")
    meetings.close_ballot(actor=secretary, ballot=ballot)
    item.refresh_from_db()
    return meetings.adopt_resolution(
        actor=secretary,
        item=item,
        text="业委会牵头在1号楼旁增设车棚",
        lead=world.orgs["oc1"],
        due=timezone.localdate() + timedelta(days=30),
    )


def resident_of(world, compound, phone: str):
    """A verified resident of `compound`, with an account (username = phone)."""
    from gongzhi.orgs.models import Residency
    from gongzhi.testing import PersonFactory, login_for

    person = PersonFactory(town=world.town, name=f"居民{phone[-2:]}", phone=phone)
    Residency.objects.create(
        town=world.town,
        person=person,
        unit=world.unit(compound),
        relation=Residency.Relation.OWNER,
        status=Residency.Status.VERIFIED,
        source=Residency.Source.STAFF,
    )
    return login_for(person, phone)


# --- create_notice: validation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"compounds": []}, "compounds"),
        ({"compounds": "c3"}, "compounds"),  # 世博家园 is in 世博, not in 新城
        ({"closes_on": 0}, "closes_on"),  # today: the period would already have ended
        ({"closes_on": -1}, "closes_on"),
        ({"closes_on": 61}, "closes_on"),  # longer than 60 days
    ],
    ids=[
        "empty-title",
        "empty-body",
        "no-compounds",
        "compound-of-another-neighborhood",
        "closes-today",
        "closes-yesterday",
        "more-than-60-days",
    ],
)
def test_create_notice_refuses_invalid_fields_and_saves_nothing(world, secretary, changes, field):
    changes = dict(changes)
    if changes.get("compounds") == "c3":
        changes["compounds"] = [world.c3]
    if isinstance(changes.get("closes_on"), int):
        changes["closes_on"] = timezone.localdate() + timedelta(days=changes["closes_on"])
    with pytest.raises(ValidationError) as error:
        draft(world, secretary, **changes)
    assert field in error.value.message_dict
    assert Notice.objects.count() == 0


def test_a_comment_period_of_exactly_60_days_is_accepted(world, secretary, today):
    notice = draft(world, secretary, closes_on=today + timedelta(days=60))
    assert notice.state == NoticeState.DRAFT
    assert notice.comment_days == 60
    assert list(notice.compounds.all()) == [world.c1]


# --- create_notice: who may write -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["party_secretary", "office"])
def test_the_party_secretary_and_the_office_write_notices(world, persona):
    notice = draft(world, world.users[persona])
    assert Notice.objects.get(pk=notice.pk).created_by == world.users[persona]
    assert notice.state == NoticeState.DRAFT and notice.published_at is None


def test_the_lead_organisation_writes_the_notice_of_its_resolution(world, secretary):
    resolution = resolution_led_by_oc1(world, secretary)
    notice = draft(world, world.users["oc_member"], resolution=resolution)
    assert notice.resolution == resolution
    assert notice.created_by == world.users["oc_member"]


def test_the_lead_organisation_may_not_write_a_notice_without_its_resolution(world):
    with pytest.raises(PermissionDenied):
        draft(world, world.users["oc_member"])
    assert Notice.objects.count() == 0


def test_a_residents_committee_worker_may_not_write_a_notice_without_a_resolution(world):
    with pytest.raises(PermissionDenied):
        draft(world, world.users["rc_worker"])
    assert Notice.objects.count() == 0


def test_a_notice_may_not_announce_a_resolution_of_another_neighborhood(world, secretary):
    resolution = resolution_led_by_oc1(world, secretary)  # of 新城
    with pytest.raises(ValidationError):
        draft(world, world.users["office"], neighborhood=world.n2, compounds=[world.c3], resolution=resolution)
    assert Notice.objects.count() == 0


# --- attachments ----------------------------------------------------------------------------


def test_a_genuine_pdf_is_attached_to_the_notice(world, secretary):
    notice = draft(world, secretary, files=[SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")])
    attachment = NoticeAttachment.objects.get(notice=notice)
    assert attachment.name == "方案.pdf" and attachment.size == len(PDF)


def test_an_attachment_larger_than_10_mb_is_refused_and_no_notice_is_created(world, secretary):
    big = SimpleUploadedFile("方案.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    assert big.size > 10 * 1024 * 1024
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        draft(world, secretary, files=[big])
    assert Notice.objects.count() == 0
    assert NoticeAttachment.objects.count() == 0


def test_a_fake_pdf_is_refused_and_no_notice_is_created(world, secretary):
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a genuine .pdf"):
        draft(world, secretary, files=[fake])
    assert Notice.objects.count() == 0
    assert NoticeAttachment.objects.count() == 0


# --- publish_notice -------------------------------------------------------------------------


def test_publishing_opens_comments_until_the_end_of_the_last_day(world, secretary, today):
    closes_on = today + timedelta(days=5)
    notice = draft(world, secretary, closes_on=closes_on)
    notice = services.publish_notice(
        actor=secretary, notice=notice, closes_on=closes_on, expected_version=notice.version
    )
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == NoticeState.PUBLISHED
    assert notice.published_at is not None and notice.published_by == secretary
    # The end of closes_on: midnight at the start of the next day, local time.
    assert timezone.localtime(notice.closes_at).replace(tzinfo=None) == datetime.combine(
        closes_on + timedelta(days=1), time.min
    )
    assert notice.comment_days == 5


def test_publishing_notifies_the_compounds_residents_by_sms_and_in_the_platform(
    world, secretary, resident, django_capture_on_commit_callbacks
):
    from gongzhi.accounts.sms import MemoryBackend
    from gongzhi.notifications.models import Notification

    other = resident_of(world, world.c3, "13800000003")  # 世博家园: not one of the notice's compounds
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the SMS goes out after commit
        notice = published(world, secretary)
    to_resident = [sms for sms in MemoryBackend.outbox if sms.phone == "13800000001"]
    assert len(to_resident) == 1 and notice.title in to_resident[0].message
    assert not any(sms.phone == "13800000003" for sms in MemoryBackend.outbox)
    assert Notification.objects.filter(user=resident, url=notice.public_url(), text__contains=notice.title).count() == 1
    assert not Notification.objects.filter(user=other).exists()


def test_publishing_twice_is_refused(world, secretary, today):
    notice = published(world, secretary)
    before = Notice.objects.get(pk=notice.pk)
    with pytest.raises(ValidationError, match="published already"):
        services.publish_notice(
            actor=secretary, notice=notice, closes_on=today + timedelta(days=20), expected_version=before.version
        )
    after = Notice.objects.get(pk=notice.pk)
    assert after.closes_at == before.closes_at and after.version == before.version


def test_publishing_with_a_last_day_of_today_is_refused(world, secretary, today):
    notice = draft(world, secretary)
    with pytest.raises(ValidationError) as error:
        services.publish_notice(actor=secretary, notice=notice, closes_on=today, expected_version=notice.version)
    assert "closes_on" in error.value.message_dict
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.DRAFT


def test_publishing_with_a_comment_period_longer_than_60_days_is_refused(world, secretary, today):
    notice = draft(world, secretary)
    with pytest.raises(ValidationError) as error:
        services.publish_notice(
            actor=secretary, notice=notice, closes_on=today + timedelta(days=61), expected_version=notice.version
        )
    assert "closes_on" in error.value.message_dict
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == NoticeState.DRAFT and notice.comment_days == 7


def test_a_residents_committee_worker_may_not_publish(world, secretary, today):
    notice = draft(world, secretary)
    with pytest.raises(PermissionDenied):
        services.publish_notice(
            actor=world.users["rc_worker"], notice=notice, closes_on=today + timedelta(days=7), expected_version=1
        )
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.DRAFT


# --- submit_opinion -------------------------------------------------------------------------


def test_a_resident_of_the_compound_gives_an_opinion(world, secretary, resident):
    notice = published(world, secretary)
    opinion = services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="建议加装照明")
    opinion = Opinion.objects.get(pk=opinion.pk)
    assert opinion.notice == notice and opinion.author == resident
    assert opinion.unit == world.unit(world.c1) and opinion.text == "建议加装照明"


def test_a_resident_of_another_compound_may_not_give_an_opinion(world, secretary):
    neighbour = resident_of(world, world.c2, "13800000002")  # 新城二村: same neighborhood, not notified
    notice = published(world, secretary)
    with pytest.raises(ValidationError) as error:
        services.submit_opinion(actor=neighbour, notice=notice, unit=world.unit(world.c2), text="我也有意见")
    assert "unit" in error.value.message_dict
    # Nor by naming a unit of the notice's compound they do not live in.
    with pytest.raises(ValidationError) as error:
        services.submit_opinion(actor=neighbour, notice=notice, unit=world.unit(world.c1), text="我也有意见")
    assert "unit" in error.value.message_dict
    assert Opinion.objects.count() == 0


def test_a_staff_user_without_a_unit_may_not_give_an_opinion(world, secretary):
    notice = published(world, secretary)
    for unit in (world.unit(world.c1), None):
        with pytest.raises(ValidationError) as error:
            services.submit_opinion(actor=world.users["rc_worker"], notice=notice, unit=unit, text="意见")
        assert "unit" in error.value.message_dict
    assert Opinion.objects.count() == 0


def test_no_opinion_on_a_draft_notice(world, secretary, resident):
    notice = draft(world, secretary)
    with pytest.raises(ValidationError, match="comment period"):
        services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="意见")
    assert Opinion.objects.count() == 0


def test_opinions_are_taken_until_the_end_of_the_last_day_and_refused_after(world, secretary, resident, clock):
    last_day = clock.today + timedelta(days=3)
    notice = published(world, secretary, closes_in=3)
    clock.move_to(datetime.combine(last_day, time(23, 59, 30)))
    services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="最后一刻")
    clock.move_to(datetime.combine(last_day + timedelta(days=1), time(0, 0)))
    with pytest.raises(ValidationError, match="comment period of this notice has ended"):
        services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="太迟了")
    assert list(Opinion.objects.values_list("text", flat=True)) == ["最后一刻"]


def test_an_opinion_is_refused_once_closes_at_has_passed_even_before_the_sweep(world, secretary, resident):
    notice = published(world, secretary)
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="ended"):
        services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="意见")
    assert Opinion.objects.count() == 0


def test_the_sixth_opinion_of_a_day_on_one_notice_is_refused(world, secretary, resident, clock):
    assert services.OPINIONS_PER_DAY == 5
    notice = published(world, secretary)
    for n in range(5):
        services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text=f"意见{n + 1}")
    with pytest.raises(ValidationError, match="many opinions today; please try again tomorrow"):
        services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="意见6")
    assert Opinion.objects.filter(notice=notice, author=resident).count() == 5
    assert not Opinion.objects.filter(text="意见6").exists()


def test_the_day_after_the_limit_the_resident_may_give_opinions_again(world, secretary, resident, clock):
    notice = published(world, secretary, closes_in=7)
    for n in range(5):
        services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text=f"意见{n + 1}")
    clock.shift(days=1, minutes=1)
    services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="第二天的意见")
    assert Opinion.objects.filter(notice=notice).count() == 6


# --- reply_to_opinion -----------------------------------------------------------------------


@pytest.fixture
def opinion(world, secretary, resident):
    notice = published(world, secretary)
    return services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="建议加装照明")


def test_the_responsible_organisation_replies_and_the_author_is_told(world, opinion, resident):
    from gongzhi.notifications.models import Notification

    before = Notification.objects.filter(user=resident).count()
    reply = services.reply_to_opinion(
        actor=world.users["oc_member"],
        opinion=opinion,
        text="已纳入方案，将加装两盏灯",
        expected_version=opinion.version,
    )
    reply = Opinion.objects.get(pk=reply.pk)
    assert reply.reply == "已纳入方案，将加装两盏灯"
    assert reply.replied_by == world.users["oc_member"] and reply.replied_at is not None
    assert reply.version == opinion.version + 1
    told = Notification.objects.filter(user=resident).order_by("-pk")
    assert told.count() == before + 1
    assert "has a reply" in told[0].text and opinion.notice.title in told[0].text


@pytest.mark.parametrize("persona", ["property_manager", "rc_worker", "resident"])
def test_others_may_not_reply(world, opinion, persona):
    with pytest.raises(PermissionDenied):
        services.reply_to_opinion(
            actor=world.users[persona], opinion=opinion, text="回复", expected_version=opinion.version
        )
    assert Opinion.objects.get(pk=opinion.pk).reply == ""


def test_a_reply_on_a_stale_version_is_refused(world, opinion):
    services.reply_to_opinion(actor=world.users["oc_member"], opinion=opinion, text="第一版回复", expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.reply_to_opinion(
            actor=world.users["oc_member"], opinion=opinion, text="第二版回复", expected_version=1
        )
    assert Opinion.objects.get(pk=opinion.pk).reply == "第一版回复"


# --- sweep_notices --------------------------------------------------------------------------


def planned_meeting(world, secretary, days: int = 10):
    return meetings.schedule_meeting(actor=secretary, neighborhood=world.n1, title="新城联席会议", starts_at=_at(days))


def test_the_sweep_closes_the_period_and_puts_opinions_and_replies_on_the_next_meeting(world, secretary, resident):
    later = planned_meeting(world, secretary, days=20)
    meeting = planned_meeting(world, secretary, days=10)  # the next one
    notice = published(world, secretary, closes_in=3)
    first = services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="建议加装照明")
    services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="车棚不要挡住消防通道")
    services.reply_to_opinion(
        actor=world.users["oc_member"], opinion=first, text="将加装两盏灯", expected_version=first.version
    )
    closes_at = Notice.objects.get(pk=notice.pk).closes_at

    assert services.sweep_notices(now=closes_at - timedelta(seconds=1)) == {"closed": 0, "summarised": 0}
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.PUBLISHED

    assert services.sweep_notices(now=closes_at) == {"closed": 1, "summarised": 1}
    notice = Notice.objects.get(pk=notice.pk)
    item = AgendaItem.objects.get(source=AgendaItem.Source.NOTICE)
    assert notice.state == NoticeState.SUMMARISED and notice.summary_item == item
    assert item.meeting == meeting and not later.items.filter(source=AgendaItem.Source.NOTICE).exists()
    assert notice.title in item.title
    assert "2 opinions" in item.description
    assert "建议加装照明" in item.description and "Reply: 将加装两盏灯" in item.description
    assert "车棚不要挡住消防通道" in item.description and "No reply yet." in item.description


def test_the_sweep_run_twice_changes_nothing_the_second_time(world, secretary, resident):
    meeting = planned_meeting(world, secretary)
    notice = published(world, secretary)
    services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="意见")
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert services.sweep_notices() == {"closed": 1, "summarised": 1}
    after_first = Notice.objects.get(pk=notice.pk)
    assert services.sweep_notices() == {"closed": 0, "summarised": 0}
    after_second = Notice.objects.get(pk=notice.pk)
    assert after_second.version == after_first.version and after_second.state == NoticeState.SUMMARISED
    assert meeting.items.filter(source=AgendaItem.Source.NOTICE).count() == 1


def test_a_reply_after_the_summary_is_refused(world, secretary, resident):
    planned_meeting(world, secretary)
    notice = published(world, secretary)
    opinion = services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="意见")
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    services.sweep_notices()
    with pytest.raises(ValidationError, match="gone to the joint meeting"):
        services.reply_to_opinion(
            actor=world.users["oc_member"], opinion=opinion, text="迟到的回复", expected_version=opinion.version
        )
    assert Opinion.objects.get(pk=opinion.pk).reply == ""


def test_without_a_planned_meeting_the_notice_waits_closed_for_the_next_one(world, secretary, resident):
    notice = published(world, secretary)
    services.submit_opinion(actor=resident, notice=notice, unit=world.unit(world.c1), text="建议加装照明")
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert services.sweep_notices() == {"closed": 1, "summarised": 0}
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == NoticeState.CLOSED and notice.summary_item is None
    assert not AgendaItem.objects.filter(source=AgendaItem.Source.NOTICE).exists()

    meeting = planned_meeting(world, secretary)  # scheduling drafts the agenda
    item = meeting.items.get(source=AgendaItem.Source.NOTICE)
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.state == NoticeState.SUMMARISED and notice.summary_item == item
    assert "建议加装照明" in item.description
    assert meetings.draft_agenda(meeting) == 0
    assert meeting.items.filter(source=AgendaItem.Source.NOTICE).count() == 1


def test_a_notice_of_another_neighborhood_does_not_go_to_this_meeting(world, secretary):
    meeting = planned_meeting(world, secretary)  # 新城
    office = world.users["office"]
    notice = published(world, office, neighborhood=world.n2, compounds=[world.c3], responsible=world.orgs["oc3"])
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert services.sweep_notices() == {"closed": 1, "summarised": 0}
    assert not meeting.items.filter(source=AgendaItem.Source.NOTICE).exists()
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.CLOSED
