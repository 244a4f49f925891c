"""The result letter (考核结果通知书) of one published assessment as a PDF: the subject, the
period, the score, the grade and its consequence, each indicator's points with its figure or
reason, the rank among like subjects and the two-periods flag — all read from the stored rows."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from gongzhi.core.pdf import html_to_pdf

from . import scoring


def letter_html(assessment) -> str:
    cycle = assessment.cycle
    scores = list(assessment.scores.select_related("indicator").order_by("indicator__position"))
    return render_to_string(
        "assessments/letter_pdf.html",
        {
            "assessment": assessment,
            "cycle": cycle,
            "town": cycle.town,
            "scores": scores,
            "result": scoring.result_of(assessment),
            "count": cycle.assessments.count(),
            "property_service": cycle.subject_kind == "property_service",
            "on": timezone.localdate(cycle.published_at) if cycle.published_at else timezone.localdate(),
        },
    )


def letter_pdf(assessment) -> bytes:
    return html_to_pdf(letter_html(assessment))
