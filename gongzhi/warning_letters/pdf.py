"""A sent warning letter as a PDF in Chinese: the town's letterhead, the title and number, the text
as approved (from the town's template), the deadline, and the cause's reference."""

from __future__ import annotations

from django.template.loader import render_to_string

from gongzhi.core.pdf import html_to_pdf

from .letters import cn_date


def letter_html(letter) -> str:
    return render_to_string(
        "warnings/letter_pdf.html",
        {
            "letter": letter,
            "paragraphs": letter.body.split("\n"),
            "deadline": cn_date(letter.deadline),
        },
    )


def letter_pdf(letter) -> bytes:
    return html_to_pdf(letter_html(letter))
