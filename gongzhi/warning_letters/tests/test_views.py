"""The warning letters' pages: the list puts drafts to approve first; a letter shows the buttons its
reader may use only; a refused form keeps what was typed (400); the approval posted twice says so;
the PDF of a sent letter; the office's draft, templates and settings; the home page's items."""

import ctypes

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from django.urls import reverse

from gongzhi.browser_testing import ARTIFACTS
from gongzhi.core.registry import attention_providers
from gongzhi.core.scope import get_scope
from gongzhi.warning_letters import services
from gongzhi.warning_letters.attention import items_for
from gongzhi.warning_letters.models import Letter
from gongzhi.warning_letters.workflow import LetterState

from .factories import acknowledged, answered, draft, photo, sent

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-07 10:00")]


@pytest.fixture
def as_(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client

    return login


def test_the_list_shows_drafts_to_approve_first_and_filters(world, as_, django_assert_max_num_queries):
    older = sent(world)
    newer = draft(world, "oc1")
    client = as_("office")
    with django_assert_max_num_queries(25):
        page = client.get(reverse("warnings:home")).content.decode()
    assert page.index(newer.get_absolute_url()) < page.index(older.get_absolute_url())
    only_drafts = client.get(reverse("warnings:home"), {"state": "draft"}).content.decode()
    assert newer.get_absolute_url() in only_drafts and older.get_absolute_url() not in only_drafts
    by_addressee = client.get(reverse("warnings:home"), {"addressee": world.orgs["pc"].uid}).content.decode()
    assert older.get_absolute_url() in by_addressee and newer.get_absolute_url() not in by_addressee
    response = client.get(reverse("warnings:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_addressee_sees_its_letters_and_only_its_buttons(world, as_):
    letter = sent(world)
    page = as_("property_manager").get(letter.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge-form"' in page and "〔2026〕第1号" in page
    assert 'data-testid="approve-form"' not in page and "letter_verify" not in page
    office_page = as_("office").get(letter.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge-form"' not in office_page
    home = as_("property_manager").get(reverse("warnings:home")).content.decode()
    assert letter.get_absolute_url() in home and "Draft a letter" not in home


def test_a_draft_shows_its_preview_and_the_office_approves_it(world, as_):
    letter = draft(world)
    client = as_("office")
    page = client.get(letter.get_absolute_url()).content.decode()
    assert 'data-testid="approve-form"' in page and "申江物业：" in page
    url = reverse("warnings:letter_approve", args=[letter.uid])
    response = client.post(url, {"version": letter.version})
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).number == 1
    again = client.post(url, {"version": letter.version})
    assert again.status_code == 400
    assert "already approved and sent as 〔2026〕第1号" in again.content.decode()


def test_a_refused_answer_keeps_what_was_typed(world, as_):
    letter = acknowledged(world)
    client = as_("property_manager")
    url = reverse("warnings:letter_answer", args=[letter.uid])
    response = client.post(url, {"version": letter.version, "text": "通道已清理完毕"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "通道已清理完毕" in page and "Attach the evidence" in page
    response = client.post(url, {"version": letter.version, "text": "通道已清理完毕", "evidence": [photo()]})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.ANSWERED
    evidence = letter.evidence.get()
    assert client.get(reverse("warnings:evidence", args=[evidence.uid])).status_code == 200


def test_the_office_verifies_or_sends_back(world, as_):
    letter = answered(world)
    client = as_("office")
    url = reverse("warnings:letter_verify", args=[letter.uid])
    response = client.post(url, {"version": letter.version, "note": "仍有杂物", "outcome": "send_back"})
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).state == LetterState.SENT_BACK


def test_the_pdf_of_a_sent_letter_is_in_chinese_with_cjk_glyphs(world, as_):
    letter = sent(world, text="3号楼楼道堆放杂物，消防通道堵塞。")
    response = as_("property_manager").get(reverse("warnings:letter_pdf", args=[letter.uid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    textpage = pdf[0].get_textpage()
    text = textpage.get_text_range()
    assert "提示函" in text and "〔2026〕第1号" in text and "申江物业" in text and "消防通道堵塞" in text
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    size = pdfium.FPDFText_GetFontInfo(textpage, text.index("申"), buffer, 256, ctypes.byref(flags))
    font = buffer.raw[: max(size - 1, 0)].decode()
    assert "WenQuanYi" in font or "Noto" in font, font
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf[0].render(scale=1.5).to_pil().save(ARTIFACTS / "warning-letter-pdf.png")


def test_the_office_drafts_by_hand(world, as_):
    client = as_("office")
    response = client.post(
        reverse("warnings:letter_new"),
        {
            "addressee": world.orgs["pc"].uid,
            "compound": world.c3.uid,
            "level": "notice",
            "cause_text": "垃圾清运不及时。",
        },
    )
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == letter.get_absolute_url()
    assert letter.addressee == world.orgs["pc"] and letter.state == LetterState.DRAFT
    assert (letter.compound, letter.neighborhood) == (world.c3, world.n2)  # the inspector's coverage
    services.approve_and_send(actor=world.users["office"], letter=letter, version=letter.version)
    assert Letter.objects.for_user(world.users["inspector"]).get() == letter
    refused = client.post(reverse("warnings:letter_new"), {"addressee": world.orgs["rc1"].uid, "level": "notice"})
    assert refused.status_code == 400


def test_the_office_edits_a_template_and_the_settings(world, as_):
    client = as_("office")
    url = reverse("warnings:template", args=["warning"])
    bad = client.post(url, {"title": "警示函", "body": "{nobody}"})
    assert bad.status_code == 400 and "Unknown placeholder" in bad.content.decode()
    assert client.post(url, {"title": "警示函", "body": "{organisation}：{cause}"}).status_code == 302
    assert "{organisation}：{cause}" in client.get(reverse("warnings:templates")).content.decode()
    data = {
        "enabled_triggers": ["inspections.overdue"],
        "notice_days": 8,
        "warning_days": 5,
        "measures_days": 5,
        "repeat_quarters": 2,
        "overdue_cases_min": 3,
        "score_below": 60,
        "complaints_min": 3,
        "complaints_days": 30,
        "lookback_days": 90,
    }
    assert client.post(reverse("warnings:settings"), data).status_code == 302
    from gongzhi.warning_letters.models import WarningSettings

    row = WarningSettings.for_town(world.town.pk)
    assert (
        row.notice_days == 8 and row.trigger_enabled("inspections.overdue") and not row.trigger_enabled("cases.overdue")
    )


def _items(world, persona, today):
    user = world.users[persona]
    scope = get_scope(user)
    return [
        str(i.text) for e in attention_providers() if e.provider is items_for for i in e.provider(user, scope, today)
    ]


def test_home_items_for_the_office_and_the_addressee(world, clock):
    draft(world)
    sent(world)
    answered(world, "oc1", who="oc_member")
    office = _items(world, "office", clock.today)
    assert "1 draft warning letter to approve" in office and "1 answer to a warning letter to verify" in office
    assert _items(world, "property_manager", clock.today) == ["1 warning letter to your organisation to acknowledge"]
    acknowledged(world)
    assert "1 warning letter to answer with the rectification" in _items(world, "property_manager", clock.today)
    late = Letter.objects.filter(state=LetterState.SENT).get()
    clock.move_to(late.deadline.isoformat() + " 12:00")
    assert not any("deadline" in t for t in _items(world, "office", clock.today))
    clock.shift(days=1)
    assert "2 warning letters past their deadline" in _items(world, "office", clock.today)
