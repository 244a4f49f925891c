"""The surveys' pages: the resident's link page (once; refusals in words), the surveyor's form, the
office's buttons, results and the Excel export, and the sample hidden from those it measures."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.surveys import services
from gongzhi.surveys.models import AnswerLink, Questionnaire, Response, SampledUnit, Survey

from .factories import fill, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    fill(world.c3, {"2号楼": 40})
    return open_survey(world)


def _pending(survey):
    return survey.units.filter(status=SampledUnit.Status.PENDING).order_by("stratum__number", "order")


def _post_answers(survey, level="satisfied", **extra):
    data = {f"q_{q['key']}": level for q in survey.questionnaire.questions}
    return {"comment": "楼道灯坏了", **data, **extra}


def test_a_resident_answers_once_by_link(survey):
    row = _pending(survey).first()
    url = reverse("surveys:answer", args=[services.link_token(row)])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and b"answer-form" in page.content
    token = page.cookies["csrftoken"].value
    response = client.post(url, _post_answers(survey, csrfmiddlewaretoken=token))
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks")
    answer = Response.objects.get()
    assert answer.channel == "link" and answer.comment == "楼道灯坏了"
    again = client.get(url)
    assert b"answered this survey already" in again.content
    refused = client.post(url, _post_answers(survey, csrfmiddlewaretoken=token))
    assert refused.status_code == 410 and Response.objects.count() == 1


def test_the_resident_page_refuses_in_words(survey):
    client = Client()
    assert b"not valid" in client.get(reverse("surveys:answer", args=["x" * 22])).content
    row = _pending(survey).first()
    url = reverse("surveys:answer", args=[services.link_token(row)])
    incomplete = client.post(url, {"q_party_org": "satisfied"})
    assert incomplete.status_code == 400 and not Response.objects.exists()
    survey = services.close_survey(actor=survey.created_by, survey=survey, expected_version=survey.version)
    assert b"survey is closed" in client.get(url).content


def test_the_surveyor_records_and_substitutes(world, survey):
    client = Client()
    client.force_login(world.users["inspector"])
    detail = client.get(survey.get_absolute_url())
    assert detail.status_code == 200 and b"surveys/" in detail.content
    row = _pending(survey).first()
    url = reverse("surveys:unit", args=[survey.uid, row.uid])
    assert client.get(url).status_code == 200
    response = client.post(url, _post_answers(survey, "basic", channel="telephone"))
    assert response.status_code == 302
    assert Response.objects.get().channel == "telephone"
    other = _pending(survey).filter(stratum__number="2号楼").first()
    client.post(reverse("surveys:nonresponse", args=[survey.uid, other.uid]), {"reason": "refused", "substitute": "on"})
    other.refresh_from_db()
    assert other.status == SampledUnit.Status.REPLACED and other.substitute.status == SampledUnit.Status.PENDING


def test_the_sample_is_not_shown_to_the_measured(world, survey):
    row = _pending(survey).first()
    client = Client()
    client.force_login(world.users["property_manager"])  # the property company serving 世博家园
    page = client.get(survey.get_absolute_url())
    assert page.status_code == 200
    assert row.uid not in page.content.decode()
    assert client.get(reverse("surveys:unit", args=[survey.uid, row.uid])).status_code == 404
    assert client.get(reverse("surveys:links", args=[survey.uid])).status_code == 404
    workbook = load_workbook(io.BytesIO(client.get(reverse("surveys:export", args=[survey.uid])).content))
    assert workbook.sheetnames == ["Results", "Other definitions", "Progress"]  # no responses sheet


def test_results_page_and_export(world, survey):
    row = _pending(survey).first()
    services.answer_by_link(
        token=services.link_token(row), answers={q["key"]: "satisfied" for q in survey.questionnaire.questions}
    )
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("surveys:results", args=[survey.uid]))
    assert page.status_code == 200 and b"Provisional results" in page.content
    export = client.get(reverse("surveys:export", args=[survey.uid]))
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == ["Results", "Other definitions", "Progress", "Responses"]
    results = list(workbook["Results"].iter_rows(values_only=True))
    assert results[0][0].startswith("Satisfaction definition: 12345 style")  # the default
    assert results[2][:3] == ("Party organisation", 1, 0)
    assert results[2][3] == 100.0  # 12345 style %, one satisfied answer
    links = client.get(reverse("surveys:links", args=[survey.uid]))
    assert links.content.count(b'data-testid="slip"') == _pending(survey).count()


def test_office_creates_draws_opens_and_closes(world):
    fill(world.c2, {"2号楼": 20})
    client = Client()
    client.force_login(world.users["office"])
    client.post(
        reverse("surveys:questionnaire_new"),
        {"name": "测评", "scale": "3", "parties": ["property_company"], "services": "保洁"},
    )
    q = Questionnaire.objects.get()
    assert q.questions == [{"key": "property_company"}, {"key": "service_1", "label": "保洁"}]
    client.post(reverse("surveys:questionnaire_publish", args=[q.uid]), {"version": q.version})
    q.refresh_from_db()
    assert q.state == "published"
    response = client.post(
        reverse("surveys:new"),
        {
            "compound": world.c2.uid,
            "quarter": "2026Q4",
            "questionnaire": q.uid,
            "confidence": "95",
            "margin": "10",
            "floor": "10",
            "seed": "abc",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and str(survey.margin) == "0.100"
    client.post(reverse("surveys:draw", args=[survey.uid]))
    survey.refresh_from_db()
    assert survey.drawn and AnswerLink.objects.count() == survey.target
    client.post(reverse("surveys:open", args=[survey.uid]), {"version": survey.version})
    survey.refresh_from_db()
    client.post(reverse("surveys:close", args=[survey.uid]), {"version": survey.version})
    survey.refresh_from_db()
    assert survey.state == "closed" and survey.closed_early


def test_an_open_survey_below_its_target_is_an_attention_item(world, survey, django_assert_max_num_queries):
    from gongzhi.core.scope import get_scope
    from gongzhi.surveys.contributions import below_target

    def items(persona):
        user = world.users[persona]
        return list(below_target(user, get_scope(user), None))

    assert len(items("office")) == 1 and len(items("inspector")) == 1
    assert items("property_manager") == []  # the measured see results, not the survey's chores
    client = Client()
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("surveys:list")).status_code == 200
