"""What a case submission sends (the resident's SMS) goes out after commit, and never when the
transaction rolls back."""

import pytest

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.cases.models import Case
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_receipt_sms_goes_out_after_commit(world, submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit()
        assert not MemoryBackend.outbox  # not before the commit
    (sms,) = MemoryBackend.outbox
    assert sms.phone == "13800000001" and case.number in sms.message


def test_a_submission_rolled_back_sends_nothing(world, submit, rolled_back):
    with rolled_back():
        submit()
        assert Notification.objects.filter(phone="13800000001").exists()
    assert not MemoryBackend.outbox
    assert not Case.objects.exists() and not Notification.objects.exists()
