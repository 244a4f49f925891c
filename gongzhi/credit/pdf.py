"""The credit report (信用报告) of a property company as a PDF for tenders: its standing on the
day under the town's mode (gongzhi.credit.scoring.standing), the records that count, and its
history — every record, expired, withdrawn and corrected ones shown as such."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from gongzhi.core.pdf import html_to_pdf

from . import rules
from .models import CreditRecord, CreditSettings
from .scoring import counts_on, standing


def credit_report_html(company, on: date) -> str:
    settings = CreditSettings.for_town(company.town_id)
    records = list(CreditRecord.objects.of_company(company).select_related("compound").order_by("-valid_from", "-pk"))
    for r in records:
        r.counts = counts_on(r, on)
        r.expired = r.expired_on(on)
        r.category_label = rules.label_of(r.category)
    return render_to_string(
        "credit/report_pdf.html",
        {
            "company": company,
            "town": company.town,
            "on": on,
            "settings": settings,
            "standing": standing(records, settings, on),
            "records": records,
        },
    )


def credit_report_pdf(company, on: date) -> bytes:
    return html_to_pdf(credit_report_html(company, on))
