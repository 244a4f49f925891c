"""Lists that grow with the years and, for the platform administrator, with the towns are paged
(issue 15): the leadership group's held and cancelled meetings and the evaluation reports read the
same statements with 2 and with 120 rows, and show the newest first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.evaluation_reports.models import Report, ReportKind
from gongzhi.leadership.models import GroupMeeting
from gongzhi.leadership.workflow import MeetingState

pytestmark = pytest.mark.django_db


def meetings(world, n, start=0):
    now = timezone.now()
    GroupMeeting.objects.bulk_create(
        GroupMeeting(
            town=world.town,
            body=world.bodies["leadership"],
            title=f"第{i}次会议",
            starts_at=now - timedelta(days=30 * (i + 1)),
            state=MeetingState.CLOSED,
            created_by=world.users["office"],
        )
        for i in range(start, start + n)
    )


def reports(world, n, start=0):
    Report.objects.bulk_create(
        Report(
            town=world.town,
            kind=ReportKind.YEAR,
            period=str(1900 + i),
            title=f"{1900 + i}年度评估报告",
            figures={"big": list(range(100))},
            created_by=world.users["office"],
        )
        for i in range(start, start + n)
    )


def statements(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        text = client.get(url).content.decode()
    return len(queries), text


@pytest.mark.parametrize("persona", ["office", "admin"])
def test_the_leadership_meetings_and_the_reports_are_paged(world, client_for, settings, persona):
    settings.LANGUAGE_CODE = "en"
    client = client_for(persona)
    meetings(world, 2)
    reports(world, 2)
    few = {url: statements(client, url)[0] for url in ("/leadership/", "/reports/")}
    meetings(world, 118, start=2)
    reports(world, 118, start=2)
    for url in ("/leadership/", "/reports/"):
        count, text = statements(client, url)
        assert count == few[url], url
        assert "Page 1 of 3" in text and "120 records" in text, url
    assert "第0次会议" in statements(client, "/leadership/")[1]  # the newest first
    assert "第119次会议" in client.get("/leadership/?page=3").content.decode()
    assert "2019年度评估报告" in statements(client, "/reports/")[1]
    assert "1900年度评估报告" in client.get("/reports/?page=3").content.decode()
