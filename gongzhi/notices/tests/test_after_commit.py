"""Publishing a notice tells the compounds' residents by SMS after commit, and never when the
transaction rolls back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.notices import services
from gongzhi.notices.models import Notice, NoticeState
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def closes_on():
    return timezone.localdate() + timedelta(days=7)


@pytest.fixture
def draft(world):
    return services.create_notice(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        compounds=[world.c1],
        title="关于增设非机动车棚的通报",
        body="联席会议决定在1号楼旁增设非机动车棚，请居民提出意见。",
        responsible=world.orgs["oc1"],
        closes_on=closes_on(),
    )


def publish(world, notice):
    return services.publish_notice(
        actor=world.users["party_secretary"], notice=notice, closes_on=closes_on(), expected_version=notice.version
    )


def test_the_residents_sms_goes_out_after_commit(world, draft, django_capture_on_commit_callbacks):
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, draft)
        assert not MemoryBackend.outbox  # not before the commit
    assert any(sms.phone == "13800000001" and draft.title in sms.message for sms in MemoryBackend.outbox)


def test_a_publication_rolled_back_sends_nothing(world, draft, rolled_back):
    MemoryBackend.outbox.clear()
    with rolled_back():
        publish(world, draft)
        assert Notification.objects.filter(user=world.users["resident"]).exists()
    assert not MemoryBackend.outbox
    assert not Notification.objects.filter(user=world.users["resident"]).exists()
    assert Notice.objects.get(pk=draft.pk).state == NoticeState.DRAFT
