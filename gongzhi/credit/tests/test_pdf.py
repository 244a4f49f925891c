"""The credit report for tenders: a PDF in Chinese, its glyphs drawn by a CJK font, with the
company's standing and its records; one page rendered to PNG for a look (browser artifacts)."""

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongzhi.browser_testing import ARTIFACTS

from .factories import by_hand, scenario

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def test_the_credit_report_is_in_chinese_with_cjk_glyphs(world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    translation.activate("zh-hans")
    s = scenario(world)
    by_hand(world, kind="good", points=3, text="获评区级优秀物业项目")
    client = Client()
    client.force_login(world.users["office"])
    response = client.get(reverse("credit:company_report", args=[s.pc.uid]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = pdf[0].get_textpage().get_text_range()
    assert "申江物业" in text and "获评区级优秀物业项目" in text and "浦江镇" in text
    textpage = pdf[0].get_textpage()
    import ctypes

    import pypdfium2.raw as pdfium

    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    size = pdfium.FPDFText_GetFontInfo(textpage, text.index("申"), buffer, 256, ctypes.byref(flags))
    font = buffer.raw[: max(size - 1, 0)].decode()
    assert "WenQuanYi" in font or "Noto" in font, font
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(ARTIFACTS / "credit-report-pdf.png")
