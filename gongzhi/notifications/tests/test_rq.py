"""SMS notifications on the job queue of production (Redis, django-tasks-rq; a private
redis-server): the job takes the notifications' ids, a worker sends each SMS, and the same job run
twice sends nothing more."""

import pytest
from django.db import transaction

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.notifications import services
from gongzhi.notifications.models import Notification
from gongzhi.notifications.tasks import deliver_sms_batch

pytestmark = pytest.mark.django_db


def test_an_sms_is_sent_once_by_an_rq_worker(world, rq_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.notify(users=[world.users["office"]], text="你好", url="/", sms_phone="13800000001")
    sms = Notification.objects.get(phone="13800000001")
    assert sms.sms_sent_at is None and MemoryBackend.outbox == []  # queued, not yet sent
    assert rq_worker() == 1
    sms.refresh_from_db()
    assert sms.sms_sent_at is not None and len(MemoryBackend.outbox) == 1

    deliver_sms_batch.enqueue([sms.pk])  # the same job delivered twice
    assert rq_worker() == 1
    assert len(MemoryBackend.outbox) == 1
