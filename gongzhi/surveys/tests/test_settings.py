"""The town's definition of satisfaction (SurveySettings): who may set it, a stale form refused,
and the headline it makes on every page that shows a survey's result — the results page, the
Excel workbook, the one-page PDF, the quarterly evaluation — with the two other definitions kept
beside it; the 12345 style's weight of 基本满意 is the town's case setting."""

import io
import re
from decimal import Decimal

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.cases.models import CaseSettings
from gongzhi.core import process_cache
from gongzhi.core.audit import AuditEntry
from gongzhi.core.records import ConcurrentEditError
from gongzhi.evaluations.tests.factories import open_quarter, part_of
from gongzhi.surveys import services
from gongzhi.surveys.models import Scale, SurveySettings
from gongzhi.surveys.results import survey_results

from .factories import all_answers, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_answers(world):
    """新城二村 (c2), 3-level scale, one building of two households: one 满意, one 基本满意 about
    every question. Strict 50 %, 12345 style (w = 0.9) 95 %, index 75."""
    survey = open_survey(world, world.c2, scale=Scale.THREE)
    rows = list(survey.units.filter(status="pending").order_by("order"))
    for row, level in zip(rows, ("satisfied", "basic"), strict=True):
        services.record_answer(
            actor=world.users["office"], survey=survey, unit=row.unit, channel="door",
            answers=all_answers(survey, level),
        )  # fmt: skip
    return survey


def _set(world, definition):
    current = SurveySettings.for_town(world.town.pk)
    return services.save_settings(
        actor=world.users["office"], town=world.town, definition=definition, expected_version=current.version
    )


# ---------------------------------------------------------------- the service


def test_the_default_is_the_12345_style_and_the_office_changes_it(world):
    assert SurveySettings.for_town(world.town.pk).definition == "r12345"
    assert SurveySettings.for_town(world.town.pk).pk is None  # unsaved defaults
    saved = _set(world, "strict")
    assert (saved.definition, saved.version) == ("strict", 2)
    entry = AuditEntry.objects.filter(action="surveys.surveysettings.update").get()
    assert entry.before == {"definition": "r12345"} and entry.after == {"definition": "strict"}
    assert SurveySettings.for_town(world.other.pk).definition == "r12345"  # another town keeps its own


def test_a_stale_version_is_refused_and_nothing_is_saved(world):
    _set(world, "strict")
    with pytest.raises(ConcurrentEditError) as refused:
        services.save_settings(actor=world.users["office"], town=world.town, definition="index", expected_version=1)
    assert "Someone else changed this record" in refused.value.messages[0]
    assert SurveySettings.for_town(world.town.pk).definition == "strict"


@pytest.mark.parametrize("persona", ["inspector", "leader", "property_manager", "outsider"])
def test_only_the_towns_office_may_set_it(world, persona):
    with pytest.raises(PermissionDenied):
        services.save_settings(actor=world.users[persona], town=world.town, definition="strict", expected_version=1)
    assert not SurveySettings.objects.exists()


def test_an_unknown_definition_is_refused(world):
    with pytest.raises(ValidationError):
        services.save_settings(actor=world.users["office"], town=world.town, definition="mean", expected_version=1)


# ---------------------------------------------------------------- the page


def test_the_settings_page_explains_saves_and_keeps_a_refused_choice(world):
    client = Client()
    client.force_login(world.users["office"])
    listing = client.get(reverse("surveys:list")).content.decode()
    assert 'data-testid="survey-settings"' in listing
    page = client.get(reverse("surveys:settings")).content.decode()
    assert "Strict (very satisfied + satisfied) ÷ valid" in page
    assert "12345 style (satisfied + 0.9 × basically satisfied) ÷ valid" in page
    assert "Satisfaction index (0–100)" in page
    assert 'value="r12345" checked' in page  # the default
    saved = client.post(reverse("surveys:settings"), {"definition": "strict", "version": 1})
    assert saved.status_code == 302
    assert SurveySettings.for_town(world.town.pk).definition == "strict"
    stale = client.post(reverse("surveys:settings"), {"definition": "index", "version": 1})
    assert stale.status_code == 400
    body = stale.content.decode()
    assert "Someone else changed this record" in body and 'value="index" checked' in body
    assert SurveySettings.for_town(world.town.pk).definition == "strict"


def test_the_link_and_the_page_are_not_offered_to_others(world):
    client = Client()
    client.force_login(world.users["inspector"])
    assert 'data-testid="survey-settings"' not in client.get(reverse("surveys:list")).content.decode()
    assert client.get(reverse("surveys:settings")).status_code == 404
    assert client.post(reverse("surveys:settings"), {"definition": "strict", "version": 1}).status_code == 404


# ---------------------------------------------------------------- the headline everywhere


def _headline_row(page: str) -> str:
    table = page[page.index('data-testid="headline"') :]
    return table[: table.index("</table>")]


def test_the_setting_changes_the_headline_of_the_results_page(world, two_answers):
    client = Client()
    client.force_login(world.users["office"])
    url = reverse("surveys:results", args=[two_answers.uid])
    page = client.get(url).content.decode()
    assert "Satisfaction definition: 12345 style (satisfied + 0.9 × basically satisfied) ÷ valid" in page
    assert "95.0 %" in _headline_row(page) and "50.0 %" not in _headline_row(page)
    others = page[page.index('data-testid="other-definitions"') :]
    assert "50.0 %" in others and "75.0" in others  # strict and the index, second
    assert 'data-testid="change-definition"' in page
    _set(world, "strict")
    page = client.get(url).content.decode()
    assert "Satisfaction definition: Strict (very satisfied + satisfied) ÷ valid" in page
    assert "50.0 %" in _headline_row(page) and "95.0 %" not in _headline_row(page)
    _set(world, "index")
    page = client.get(url).content.decode()
    assert "75.0" in _headline_row(page) and "%" not in re.sub(r"<thead>.*?</thead>", "", _headline_row(page))
    measured = Client()
    measured.force_login(world.users["property_manager"])  # reads the results, may not change the definition
    page = measured.get(reverse("surveys:results", args=[open_survey_c3(world).uid])).content.decode()
    assert "Satisfaction definition: Satisfaction index" in page and 'data-testid="change-definition"' not in page


def open_survey_c3(world):
    return open_survey(world, world.c3, seed="c3")


def test_the_setting_changes_the_headline_of_the_excel(world, two_answers):
    client = Client()
    client.force_login(world.users["office"])

    def sheets():
        export = client.get(reverse("surveys:export", args=[two_answers.uid]))
        book = load_workbook(io.BytesIO(export.content))
        return list(book["Results"].iter_rows(values_only=True)), list(
            book["Other definitions"].iter_rows(values_only=True)
        )

    results, others = sheets()
    assert results[0][0] == "Satisfaction definition: 12345 style (satisfied + 0.9 × basically satisfied) ÷ valid"
    assert results[2][:4] == ("Party organisation", 2, 0, 95.0)
    assert others[0][1] == "Strict (very satisfied + satisfied) ÷ valid" and others[1][1] == 50.0
    assert others[0][5] == "Satisfaction index (0–100)" and others[1][5] == 75.0
    _set(world, "strict")
    results, others = sheets()
    assert results[0][0] == "Satisfaction definition: Strict (very satisfied + satisfied) ÷ valid"
    assert results[2][3] == 50.0
    assert others[0][1].startswith("12345 style") and others[1][1] == 95.0


def _pdf_text(client, survey) -> str:
    response = client.get(reverse("surveys:pdf", args=[survey.uid]))
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) == 1
    return pdf[0].get_textpage().get_text_range()


def test_the_setting_changes_the_headline_and_the_chart_of_the_pdf(world, two_answers, settings):
    settings.LANGUAGE_CODE = "en"  # the PDF is in the site's language; asserted in English
    client = Client()
    client.force_login(world.users["office"])
    text = _pdf_text(client, two_answers)
    chart = text[text.index("Satisfaction definition:") : text.index("The other definitions")]
    assert "12345 style" in chart and "95.0 %" in chart and "50.0 %" not in chart
    assert "50.0 %" in text[text.index("The other definitions") :]
    _set(world, "strict")
    text = _pdf_text(client, two_answers)
    chart = text[text.index("Satisfaction definition:") : text.index("The other definitions")]
    assert "Strict" in chart and "50.0 %" in chart and "95.0 %" not in chart


def test_the_evaluation_section_names_the_towns_definition(client, world):
    survey = open_survey(world, world.c3, quarter="2026Q4", scale=Scale.THREE)
    rows = list(survey.units.filter(status="pending").order_by("stratum__number", "order"))
    for row, level in zip(rows, ("satisfied", "basic"), strict=True):
        services.record_answer(actor=world.users["office"], survey=survey, unit=row.unit, channel="door",
                               answers=all_answers(survey, level))  # fmt: skip
    evaluation = open_quarter(world, year=2026, quarter=4)
    client.force_login(world.users["office"])
    url = reverse("evaluations:neighborhood", args=[part_of(evaluation, world.n2).uid])
    page = client.get(url).content.decode()
    assert "Satisfaction definition: 12345 style" in page
    headline = re.findall(r'data-testid="headline">([^<]*)<', page)
    assert headline[0] == "95.0%"
    _set(world, "strict")
    page = client.get(url).content.decode()
    assert "Satisfaction definition: Strict" in page
    assert re.findall(r'data-testid="headline">([^<]*)<', page)[0] == "50.0%"
    others = page[page.index('data-testid="evaluation-survey-others"') :]
    assert "95.0%" in others  # the 12345 style, second


def test_the_12345_weight_is_the_towns_case_setting(world, two_answers):
    CaseSettings.objects.update_or_create(town=world.town, defaults={"basic_satisfied_weight": Decimal("0.60")})
    process_cache.forget("case-settings")
    results = survey_results(two_answers)
    assert results.basic_weight == Decimal("0.60")
    assert results.questions[0].estimates["r12345"].value == pytest.approx((1 + 0.6) / 2)
    assert results.definition_label == "12345 style (satisfied + 0.6 × basically satisfied) ÷ valid"


def test_the_previous_quarter_is_compared_under_the_same_definition(world):
    office = world.users["office"]
    before = open_survey(world, world.c2, quarter="2026Q3", seed="s", scale=Scale.THREE)
    row = before.units.filter(status="pending").first()
    services.record_answer(
        actor=office, survey=before, unit=row.unit, channel="door", answers=all_answers(before, "basic")
    )
    now = services.create_survey(
        actor=office, compound=world.c2, quarter="2026Q4", questionnaire=before.questionnaire, seed="s"
    )
    assert survey_results(now).questions[0].previous_headline.value == pytest.approx(0.9)  # 12345 style
    _set(world, "strict")
    question = survey_results(now).questions[0]
    assert question.previous_headline.value == 0.0
    assert [(d, p.value) for d, _e, p in question.others] == [("r12345", pytest.approx(0.9)), ("index", 0.5)]
