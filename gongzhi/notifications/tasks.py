from django_tasks import task


@task()
def deliver_sms(notification_id: int) -> str:
    """Send one notification's SMS (idempotent: a sent one is not sent again)."""
    from .services import deliver

    return deliver(notification_id)
