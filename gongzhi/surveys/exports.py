"""The survey's Excel workbook, through the one safe spreadsheet writer: the results (every
question under the town's definition, named in the first row, with its 95 % interval and the
previous quarter; the two other definitions on a sheet of their own), progress per building, and — for those who conduct or manage the survey — the responses (building, channel,
answers, comment; never the unit number or the surveyor: answers stay unattributable)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from gongzhi.core.spreadsheets import append_row, xlsx_response

from .models import Level, Response, Survey
from .results import partial_label, survey_results

BOLD = Font(bold=True)


def _sheet(book, title: str, headers: list[str]):
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    append_row(sheet, headers, BOLD)
    return sheet


def _figures(estimate, valid: int) -> list:
    """(value, low, high) ×100, empty without a valid answer."""
    return list(estimate.percent()) if valid else ["", "", ""]


def survey_xlsx(survey: Survey, *, with_responses: bool):
    results = survey_results(survey)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Results"))
    sheet.freeze_panes = "A3"
    append_row(sheet, [results.definition_heading], BOLD)
    label = results.definition_label
    append_row(sheet, [_("Question"), _("Valid answers"), _("Don't know"), label, _("low"), _("high"),
                       _("Previous quarter")], BOLD)  # fmt: skip
    for q in results.questions:
        previous = q.previous_headline
        append_row(sheet, [q.label, q.valid, q.dont_know, *_figures(q.headline, q.valid),
                           previous.percent()[0] if previous else ""])  # fmt: skip
    append_row(sheet, [])
    append_row(sheet, [_("Sample size"), results.target])
    append_row(sheet, [pgettext("survey", "Answered"), results.answered])
    append_row(
        sheet,
        [_("Response rate (%)"), round(results.response_rate * 100, 1) if results.response_rate is not None else ""],
    )
    append_row(sheet, [_("Seed"), survey.seed])
    if results.weighted:
        append_row(sheet, [_("Buildings answered in unequal proportions: design weights applied.")])
    if partial_label(results):
        append_row(sheet, [partial_label(results)])
    others = _sheet(book, _("Other definitions"), [_("Question")] + [
        header for _key, other in results.other_definitions
        for header in (other, f"{other} {_('low')}", f"{other} {_('high')}", f"{other} {_('Previous quarter')}")
    ])  # fmt: skip
    for q in results.questions:
        row = [q.label]
        for _key, estimate, previous in q.others:
            row.extend([*_figures(estimate, q.valid), previous.percent()[0] if previous else ""])
        append_row(others, row)
    progress = _sheet(book, _("Progress"), [_("Building"), _("Frame units"), _("Sample"), pgettext("survey", "Answered"), _("To visit"),
                                            _("Refused"), _("Unreachable"), _("Replaced")])  # fmt: skip
    for p in results.progress:
        append_row(
            progress, [p.stratum, p.frame, p.target, p.answered, p.pending, p.refused, p.unreachable, p.replaced]
        )
    if with_responses:
        questions = survey.questionnaire.questions
        from .results import question_label

        sheet = _sheet(
            book,
            _("Responses"),
            [_("Building"), _("Channel"), _("Date")] + [question_label(q) for q in questions] + [_("Comment")],
        )
        labels = dict(Level.choices)
        channels = dict(Response.Channel.choices)
        for r in Response.objects.filter(survey=survey).select_related("sampled__stratum").order_by("created_at"):
            append_row(sheet, [r.sampled.stratum.number, str(channels[r.channel]), r.created_at.date()]
                       + [str(labels.get(r.answers.get(q["key"]), "")) for q in questions] + [r.comment])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return xlsx_response(out.getvalue(), filename=f"survey-{survey.compound.code}-{survey.quarter}.xlsx")
