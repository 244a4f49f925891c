"""The intake backlog in the platform's metrics (/metrics): the hotline calls taken in and not
yet made into cases, as the monitoring sees the intake worker falling behind."""

import pytest
from django.test import Client

from gongzhi.api.services import process_intakes

pytestmark = pytest.mark.django_db


def backlog() -> str:
    text = Client().get("/metrics").content.decode()
    return next(line for line in text.splitlines() if line.startswith("gongzhi_intake_backlog "))


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_metrics_count_the_calls_waiting_for_the_intake_worker(world, categories, api, call):
    assert backlog() == "gongzhi_intake_backlog 0.0"
    for n in (1, 2):
        assert api.post("/api/v1/cases", call(), key=f"call-{n}").status_code == 202
    assert backlog() == "gongzhi_intake_backlog 2.0"
    process_intakes()
    assert backlog() == "gongzhi_intake_backlog 0.0"
