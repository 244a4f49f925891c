"""The residents' congress (社区居民代表会议, seed 四㈡2) sets tasks for the residents' committee:
recorded as resolutions without an agenda item, in the resolutions list (filtered), followed up
like resolutions (progress, carried out, overdue), checked by the residents' committee or the
chair side, kept off the joint meeting's agenda (issue 10)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, Resolution
from gongzhi.meetings.workflow import ResolutionState

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


@pytest.fixture
def task(world):
    return services.record_congress_task(
        actor=world.users["rc_worker"],
        neighborhood=world.n1,
        held_on=date(2026, 11, 20),
        title="2026年第二次居民代表会议",
        text="排查独居老人家中燃气安全隐患",
        due=date(2026, 12, 31),
    )


def test_a_task_is_recorded_with_the_residents_committee_leading(task, world):
    assert task.number == "R2611-01" and task.lead == world.orgs["rc1"] and task.item is None
    assert task.congress.title == "2026年第二次居民代表会议" and task.meeting is None
    second = services.record_congress_task(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        held_on=date(2026, 11, 20),
        title="2026年第二次居民代表会议",
        text="增设楼道扶手",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=date(2027, 1, 15),
    )
    assert second.number == "R2611-02" and second.congress == task.congress  # the same congress


@pytest.mark.parametrize(
    "change, field",
    [
        ({"held_on": date(2026, 12, 1)}, "held_on"),  # not held yet
        ({"due": date(2026, 11, 1)}, "due"),
        ({"text": ""}, "text"),
    ],
)
def test_bad_input_is_refused_in_words(world, change, field):
    values = {"held_on": date(2026, 11, 20), "title": "居民代表会议", "text": "任务", "due": date(2026, 12, 31)}
    with pytest.raises(ValidationError) as refused:
        services.record_congress_task(actor=world.users["rc_worker"], neighborhood=world.n1, **{**values, **change})
    assert field in refused.value.message_dict
    assert not Resolution.objects.exists()


def test_only_the_residents_committee_and_the_chair_side_record_tasks(world):
    for persona in ("property_manager", "oc_member"):
        with pytest.raises(PermissionDenied):
            services.record_congress_task(
                actor=world.users[persona],
                neighborhood=world.n1,
                held_on=date(2026, 11, 20),
                title="",
                text="任务",
                due=date(2026, 12, 31),
            )


def test_the_committee_follows_it_up_and_checks_it(task, world):
    rc = world.users["rc_worker"]
    services.report_progress(actor=rc, resolution=task, text="已走访42户", done=True)
    task.refresh_from_db()
    assert task.state == ResolutionState.IMPLEMENTED
    with pytest.raises(PermissionDenied):
        services.check_resolution(
            actor=world.users["property_manager"],
            resolution=task,
            close=True,
            note="已核查",
            expected_version=task.version,
        )
    closed = services.check_resolution(
        actor=rc, resolution=task, close=True, note="抽查5户属实", expected_version=task.version
    )
    assert closed.state == ResolutionState.CLOSED


def test_a_task_is_not_reconsidered_by_the_joint_meeting_nor_put_on_its_agenda(task, world, meeting):
    with pytest.raises(ValidationError):
        services.request_reconsideration(
            actor=world.users["rc_worker"], resolution=task, reason="情况变化", expected_version=task.version
        )
    Resolution.objects.filter(pk=task.pk).update(due=date(2026, 11, 28))  # due by the meeting
    services.bring_agenda_up_to_date(
        actor=world.users["party_secretary"], meeting=meeting, expected_version=meeting.version
    )
    assert not AgendaItem.objects.filter(resolution=task).exists()


def test_the_list_filters_the_congress_tasks_and_the_page_names_the_congress(task, world, client_for):
    client = client_for("rc_worker")
    listed = client.get(reverse("meetings:resolutions") + "?source=congress").content.decode()
    assert "R2611-01" in listed and "Residents' congress 2026-11-20" in listed
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="congress"' in page and "2026年第二次居民代表会议" in page
    assert 'name="outcome"' not in page  # nothing to check until it is reported carried out
    assert client.get(reverse("notices:new") + f"?resolution={task.uid}").status_code == 404


def test_the_form_records_a_task_and_keeps_the_input_when_refused(world, client_for):
    client = client_for("rc_worker")
    url = reverse("meetings:congress_task_new")
    data = {
        "neighborhood": world.n1.uid,
        "held_on": "2026-11-20",
        "title": "居民代表会议",
        "text": "清理楼道堆物",
        "due": "2026-11-01",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "清理楼道堆物" in refused.content.decode()
    assert not Resolution.objects.exists()
    assert client.post(url, {**data, "due": (date(2026, 11, 27) + timedelta(days=20)).isoformat()}).status_code == 302
    assert Resolution.objects.get().text == "清理楼道堆物"
