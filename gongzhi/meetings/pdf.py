"""The minutes (会议纪要) as a PDF in Chinese: the approved (or draft) text of one version, with the
meeting's particulars, the approval and its SHA-256, and a signature block."""

from __future__ import annotations

from django.template.loader import render_to_string

from gongzhi.core.pdf import html_to_pdf

from .models import Minutes


def minutes_pdf(minutes: Minutes) -> bytes:
    meeting = minutes.meeting
    html = render_to_string(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "paragraphs": minutes.text.split("\n"),
            "signers": meeting.invitees.filter(attendance__in=["present", "represented"]).select_related(
                "organization"
            ),
        },
    )
    return html_to_pdf(html)
