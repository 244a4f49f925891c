"""Invitations go out (in the platform, by SMS and by e-mail) after commit, and never when the
transaction rolls back."""

import pytest
from django.core import mail

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.meetings import services
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_email(world):
    user = world.users["rc_worker"]
    user.email = "rc@example.org"
    user.save(update_fields=["email"])
    return user


def invite(meeting, secretary):
    return services.send_invitations(actor=secretary, meeting=meeting, expected_version=meeting.version)


def test_invitations_are_sent_after_commit(meeting, secretary, with_email, django_capture_on_commit_callbacks):
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(meeting, secretary)
        assert not mail.outbox and not MemoryBackend.outbox  # not before the commit
    assert [m.to for m in mail.outbox] == [["rc@example.org"]]
    assert len(MemoryBackend.outbox) == sent


def test_invitations_rolled_back_send_nothing(meeting, secretary, with_email, rolled_back):
    MemoryBackend.outbox.clear()
    before = Notification.objects.count()
    with rolled_back():
        assert invite(meeting, secretary) > 0
    assert not mail.outbox and not MemoryBackend.outbox  # no e-mail task enqueued, no SMS
    assert Notification.objects.count() == before
    assert not meeting.invitees.filter(invited_at__isnull=False).exists()
