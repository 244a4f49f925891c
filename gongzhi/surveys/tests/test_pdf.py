"""The one-page PDF per compound: Chinese text in the page, CJK fonts embedded, and the rendered
picture kept in test-artifacts/screenshots/ to be looked at."""

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongzhi.browser_testing import ARTIFACTS
from gongzhi.surveys import services
from gongzhi.surveys.models import SampledUnit

from .factories import all_answers, fill, open_survey

pytestmark = pytest.mark.django_db


def _fonts_of(page, text: str, chars: str) -> set[str]:
    """The names of the fonts that draw `chars` on the page (pdfium's text page)."""
    import ctypes

    import pypdfium2.raw as pdfium

    textpage = page.get_textpage()
    names = set()
    for char in chars:
        index = text.index(char)
        buffer = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        size = pdfium.FPDFText_GetFontInfo(textpage, index, buffer, 256, ctypes.byref(flags))
        names.add(buffer.raw[: max(size - 1, 0)].decode())
    return names


def test_the_compound_report_is_one_page_with_chinese_glyphs(world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    translation.activate("zh-hans")
    fill(world.c3, {"2号楼": 30})
    survey = open_survey(world)
    for i, row in enumerate(survey.units.filter(status=SampledUnit.Status.PENDING)[:20]):
        level = ("very_satisfied", "satisfied", "basic", "dissatisfied")[i % 4]
        services.answer_by_link(token=services.link_token(row), answers=all_answers(survey, level))
    client = Client()
    client.force_login(world.users["property_manager"])  # the four parties read their results
    response = client.get(reverse("surveys:pdf", args=[survey.uid]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert "世博家园" in text and "党组织" in text and "物业服务企业" in text
    fonts = _fonts_of(pdf[0], text, "世博")
    assert fonts and all("WenQuanYi" in f or "Noto" in f for f in fonts), fonts  # CJK glyphs, no fallback
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(ARTIFACTS / "survey-report-pdf.png")
