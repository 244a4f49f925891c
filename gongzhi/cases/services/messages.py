"""Messages between the organisations handling a case and the resident who reported it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.notifications.services import notify, users_of

from ..models import Case, CaseMessage
from .access import is_reporter, may_message, reporter_phone_readable


def post_message(*, actor, case: Case, text: str) -> CaseMessage:
    """A message between the handling organisations and the resident."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    if len(text) > 1000:
        raise ValidationError({"text": _("Keep the message under 1000 characters.")})
    if not may_message(actor, case):
        raise PermissionDenied("message")
    from_resident = is_reporter(actor, case)
    with transaction.atomic():
        message = CaseMessage.objects.create(case=case, author=actor, from_resident=from_resident, text=text)
        audit.record(actor, "cases.case.message", case, after={"from_resident": from_resident, "text": text[:200]})
        if from_resident:
            notify(
                users=users_of([case.handler_id]),
                url=case.get_absolute_url(),
                text=_("New message from the resident on case %(number)s.") % {"number": case.number},
            )
        else:
            notify(
                users=[case.reporter_user_id] if case.reporter_user_id else [],
                url=case.tracking_url(),
                sms_phone=case.reporter_phone,
                text=_("%(org)s wrote about case %(number)s: %(text)s")
                % {"org": case.handler, "number": case.number, "text": text[:120]},
            )
    return message


def read_reporter_phone(*, actor, case: Case) -> str:
    """The reporter's full number, for a user who may read it; the reading is recorded in the
    case's history (PIPL: who looked at whose number, when)."""
    if not reporter_phone_readable(actor, case):
        raise PermissionDenied("people.contact")
    with transaction.atomic():
        audit.record(actor, "cases.case.view_contact", case)
    return case.reporter_phone
