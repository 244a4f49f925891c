"""The minutes (会议纪要) as a PDF in Chinese: the approved (or draft) text of one version, with the
meeting's particulars, the approval and its SHA-256, and a signature block."""

from __future__ import annotations

from django.template.loader import render_to_string

from gongzhi.core.pdf import html_to_pdf

from . import parties
from .models import Minutes


def sign_off(meeting) -> dict:
    """One signature line per party (with who sat for it), then one for each other person present."""
    invitees, four = parties.roll(meeting)
    return {
        "party_lines": four,
        "other_signers": [i for i in invitees if not i.parties and i.here],
    }


def minutes_pdf(minutes: Minutes) -> bytes:
    meeting = minutes.meeting
    html = render_to_string(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "paragraphs": minutes.text.split("\n"),
            **sign_off(meeting),
        },
    )
    return html_to_pdf(html)
