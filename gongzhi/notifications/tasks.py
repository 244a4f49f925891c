from django_tasks import task

from gongzhi.accounts.sms import SmsError

from .delivery import deliver


@task()
def deliver_sms_batch(notification_ids: list[int]) -> int:
    """Send the SMS of several notifications (idempotent per notification). A failure of one is
    recorded on it and does not stop the others; the job fails at the end if any did."""

    failed = 0
    for pk in notification_ids:
        try:
            deliver(pk)
        except SmsError:
            failed += 1
    if failed:
        raise SmsError(f"{failed} of {len(notification_ids)} SMS could not be sent")
    return len(notification_ids)
