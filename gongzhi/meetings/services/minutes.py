"""The minutes (会议纪要): drafted from the record, edited, approved and locked, revised as new
versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit

from ..minutes import draft_text
from ..models import (
    Meeting,
    Minutes,
)
from ..workflow import (
    MeetingState,
)
from .access import (
    _require_chair,
)
from .steps import (
    _locked_meeting,
    _locked_minutes,
)


def start_minutes(*, actor, meeting: Meeting) -> Minutes:
    """The first draft of the minutes, from the record (also written when the meeting ends)."""

    with transaction.atomic():
        current = _locked_meeting(meeting, check_version=False)
        _require_chair(actor, current)
        if current.state != MeetingState.ENDED:
            raise ValidationError(_("The minutes are written after the meeting."))
        if current.minutes.exists():
            raise ValidationError(_("The minutes have been drafted already."))
        minutes = Minutes.objects.create(
            meeting=current, number=1, text=draft_text(current), drafted_by=actor, drafted_at=timezone.now()
        )
        audit.record(actor, "meetings.minutes.draft", current, after={"number": 1})
    return minutes


def edit_minutes(*, actor, minutes: Minutes, text: str, expected_version: int) -> Minutes:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The minutes cannot be empty.")})
    if len(text) > 100000:
        raise ValidationError({"text": _("The minutes are at most 100,000 characters.")})
    with transaction.atomic():
        current = _locked_minutes(minutes, expected_version)
        _require_chair(actor, current.meeting)
        if current.approved:
            raise ValidationError(_("These minutes are approved and locked: start a new version to change them."))
        before = {"text": current.text}
        current.text = text
        current.version += 1
        current.save(update_fields=["text", "version"])
        audit.record(
            actor,
            "meetings.minutes.edit",
            current.meeting,
            before=before,
            after={"number": current.number, "text": text},
        )
    return current


def approve_minutes(*, actor, minutes: Minutes, expected_version: int) -> Minutes:
    """The chair approves the minutes: they are locked, and their SHA-256 goes into the audit
    log, so that any later change to the stored text is detectable."""
    with transaction.atomic():
        current = _locked_minutes(minutes, expected_version)
        _require_chair(actor, current.meeting)
        if current.approved:
            raise ValidationError(_("These minutes were approved already."))
        current.approved_by, current.approved_at = actor, timezone.now()
        current.sha256 = current.digest()
        current.version += 1
        current.save(update_fields=["approved_by", "approved_at", "sha256", "version"])
        audit.record(
            actor,
            "meetings.minutes.approve",
            current.meeting,
            after={"number": current.number, "sha256": current.sha256},
        )
    return current


def revise_minutes(*, actor, meeting: Meeting, note: str) -> Minutes:
    """A change after approval: a new draft version, starting from the approved text; the
    approved version stays as it was and visible."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what needs changing.")})
    with transaction.atomic():
        current = _locked_meeting(meeting, check_version=False)
        _require_chair(actor, current)
        latest = current.minutes.order_by("-number").first()
        if latest is None or not latest.approved:
            raise ValidationError(_("There is a draft already: edit it."))
        minutes = Minutes.objects.create(
            meeting=current,
            number=latest.number + 1,
            text=latest.text,
            change_note=note[:200],
            drafted_by=actor,
            drafted_at=timezone.now(),
        )
        audit.record(actor, "meetings.minutes.revise", current, after={"number": minutes.number, "note": note})
    return minutes
