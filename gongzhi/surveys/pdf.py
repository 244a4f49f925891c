"""One page per compound for the quarter's survey (PDF, in the site's language): the response
figures and a bar chart of each question's satisfaction under the town's definition (named above
the chart) with its 95 % interval and the previous quarter's mark, then a small table of the two
other definitions; all from surveys.results, drawn in HTML and CSS so that WeasyPrint needs no
script."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from gongzhi.core.pdf import html_to_pdf

from .models import Survey
from .results import partial_label, survey_results


def survey_pdf(survey: Survey) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        results = survey_results(survey)
        bars, others = [], []
        for q in results.questions:
            value, low, high = q.headline.percent()
            previous = q.previous_headline.percent()[0] if q.previous_headline else None
            bars.append({"label": q.label, "valid": q.valid, "value": value, "low": low, "high": high,
                         "span": round(high - low, 1), "previous": previous})  # fmt: skip
            others.append({"label": q.label, "valid": q.valid,
                           "figures": [(key, e.percent()) for key, e, _p in q.others]})  # fmt: skip
        html = render_to_string(
            "surveys/report_pdf.html",
            {
                "survey": survey,
                "results": results,
                "bars": bars,
                "others": others,
                "percent": results.definition != "index",
                "partial": partial_label(results),
                "LANGUAGE_CODE": settings.LANGUAGE_CODE,
                "response_rate": round(results.response_rate * 100, 1) if results.response_rate is not None else None,
            },  # fmt: skip
        )
    return html_to_pdf(html)
