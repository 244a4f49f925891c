from datetime import datetime, timedelta

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are asserted in the source language (English), whatever the catalogues say."""
    yield


@pytest.fixture
def secretary(world):
    return world.users["party_secretary"]


@pytest.fixture
def meeting(world, secretary):
    """An ad hoc meeting of 新城 (n1) three days from now, scheduled by its party secretary."""
    from gongzhi.meetings.services import schedule_meeting

    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), datetime.min.time()))
    return schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城联席会议",
        starts_at=starts + timedelta(hours=14),
        place="居委会会议室",
    )


@pytest.fixture
def fresh():
    """fresh(obj) → the object as the database has it now."""

    def reload(obj):
        return type(obj).objects.get(pk=obj.pk)

    return reload


@pytest.fixture
def in_session(meeting, secretary, fresh):
    """in_session(present=None) → the meeting opened with everyone marked present (or the given
    attendance per invitee name)."""
    from gongzhi.meetings.services import open_meeting, record_attendance

    def make(attendance: dict | None = None):
        m = open_meeting(actor=secretary, meeting=meeting, expected_version=fresh(meeting).version)
        marks = {}
        for invitee in m.invitees.all():
            status = (attendance or {}).get(invitee.name, ("present", ""))
            marks[invitee.pk] = status
        return record_attendance(actor=secretary, meeting=m, marks=marks, expected_version=m.version)

    return make


@pytest.fixture
def major_kind(world):
    from gongzhi.meetings.models import MatterKind
    from gongzhi.meetings.services import settings_for

    settings_for(world.town.pk)
    return MatterKind.objects.get(town=world.town, name="房屋维修")
