from django_tasks import task

from .invitations import email_invitation_now


@task()
def email_invitation(meeting_id: int, emails: list[str]) -> int:
    """Email a meeting's invitation with its .ics file to these addresses (one message; a failure
    is the job's, retried by whoever runs the worker, and never blocks the chair's request)."""
    return email_invitation_now(meeting_id, emails)
