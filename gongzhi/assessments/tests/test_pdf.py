"""The result letter of a published assessment: a PDF in Chinese, its glyphs drawn by a CJK font,
with the score, the grade, the indicators and the reasons; one page rendered to PNG for a look
(browser artifacts)."""

import ctypes

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongzhi.browser_testing import ARTIFACTS

from .factories import scenario

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-01-11 10:00")]


def test_the_result_letter_is_in_chinese_with_cjk_glyphs(world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    translation.activate("zh-hans")
    s = scenario(world)
    client = Client()
    client.force_login(world.users["party_secretary"])
    response = client.get(reverse("assessments:assessment_letter", args=[s.a_po1.uid]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    textpage = pdf[0].get_textpage()
    text = textpage.get_text_range()
    assert "新城党总支" in text and "社区党组织年度考评" in text and "2026" in text and "100.0" in text
    assert "联席会议规范率" in text and "现场检查情况良好" in text and "浦江镇" in text
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    size = pdfium.FPDFText_GetFontInfo(textpage, text.index("新"), buffer, 256, ctypes.byref(flags))
    font = buffer.raw[: max(size - 1, 0)].decode()
    assert "WenQuanYi" in font or "Noto" in font, font
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(ARTIFACTS / "assessment-letter-pdf.png")
