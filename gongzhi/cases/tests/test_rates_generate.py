"""bench/generate.py on a tiny city, in the test database through its main(): the counters its
SQL aggregation builds equal stats.rebuild(); the same seed gives the same data; a database with
towns is refused without --append or --reset; the cases look like a city's (states, ratings,
late and reopened cases) and the rates pages read them."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from gongzhi.cases import stats
from gongzhi.cases.models import Case, CaseNumber, CaseSettings, CaseStats, Category
from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.places.models import Compound, Town

pytestmark = pytest.mark.django_db
ARGS = ["--compounds", "20", "--cases", "500", "--seed", "1", "--end", "2026-11-27", "--quiet"]


@pytest.fixture(scope="module")
def generate():
    path = Path(settings.BASE_DIR) / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snapshot():
    return list(
        Case.objects.order_by("id").values_list(
            "uid", "number", "compound__code", "category__code", "handler__code", "state", "submitted_at",
            "accepted_at", "closed_at", "rating", "late", "reopen_count",
        )
    )  # fmt: skip


def test_tiny_city_counters_equal_a_full_recount(generate):
    assert generate.main(ARGS) == 0
    towns = list(Town.objects.values_list("pk", flat=True))
    assert len(towns) == 1 and Compound.objects.count() == 20 and Case.objects.count() == 500
    assert Category.objects.count() == 10 and CaseSettings.objects.count() == 1
    assert ServiceContract.objects.count() == 20
    kinds = Counter(Organization.objects.values_list("kind", flat=True))
    assert kinds["property_company"] >= 2 and kinds["government_unit"] == 1
    assert kinds["party_org"] == kinds["residents_committee"] >= 5
    built = generate.counters_of(towns)
    assert built
    stats.rebuild(towns)
    assert generate.counters_of(towns) == built
    # The case numbers continue where the generator stopped.
    last = CaseNumber.objects.get(town_id=towns[0], month="2611")
    assert Case.objects.filter(number=f"2611-{last.last:04d}").exists()


def test_the_cases_look_like_a_city(generate):
    generate.main(ARGS)
    states = Counter(Case.objects.values_list("state", flat=True))
    assert states["closed"] > 300 and states["rejected"] + states["merged"] + states["withdrawn"] > 5
    assert states["submitted"] + states["accepted"] + states["in_progress"] + states["resolved"] > 0
    assert Case.objects.filter(late=True).count() > 10
    assert Case.objects.filter(reopen_count__gt=0).count() > 0
    ratings = Counter(Case.objects.exclude(rating="").values_list("rating", flat=True))
    assert ratings["satisfied"] > ratings["basic"] > ratings["unsatisfied"] > 0
    # Events follow each other.
    for case in Case.objects.exclude(accepted_at=None):
        assert case.submitted_at < case.accepted_at
        if case.closed_at and case.followup_valid:
            assert case.accepted_at <= case.closed_at and case.feedback_at == case.closed_at
    assert not Case.objects.filter(state="merged", merged_into=None).exists()
    totals = {n: sum(r[i] for r in generate.counters_of(list(Town.objects.values_list("pk", flat=True))).values())
              for i, n in enumerate(CaseStats.COUNTERS)}  # fmt: skip
    assert totals["submitted"] == 500 and 0 < totals["handled_in_time"] < totals["accepted"]


def test_same_seed_same_data_and_a_filled_database_is_refused(generate, capsys):
    assert generate.main(ARGS) == 0
    first = snapshot()
    assert generate.main(ARGS) == 2
    assert "--append" in capsys.readouterr().err
    assert Case.objects.count() == 500
    assert generate.main([*ARGS, "--reset"]) == 0
    assert snapshot() == first
    assert generate.main([*ARGS, "--append"]) == 2  # the same seed again: its town codes are taken
    assert generate.main(["--compounds", "5", "--cases", "50", "--seed", "2", "--append", "--quiet"]) == 0
    assert Town.objects.count() == 2 and Case.objects.count() == 550


def test_the_rates_page_reads_the_generated_city(generate, client):
    from gongzhi.testing import UserFactory

    generate.main(ARGS)
    admin = UserFactory(username="bench-admin", is_superuser=True)
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    town = Town.objects.get()
    response = client.get(f"/rates/?at=town.{town.uid}&start=2025-06&end=2026-11")
    assert response.status_code == 200
    total = response.context["total"]
    accepted = total["rates"][0]["denominator"]["value"]
    assert accepted == Case.objects.filter(accepted_at__date__gte="2025-06-01").count()
    assert 0.5 < total["rates"][0]["parts"][0]["value"] / accepted < 1


@pytest.mark.frozen("2026-11-28 10:00")  # the day after the data end: the dashboard's windows hold them
def test_inspections_surveys_and_assessments_beside_the_cases(generate, client):
    """bench/records.py: per compound three or four inspections, two closed surveys (and an open
    one in some), per contract in force an assessment in each of the last two finished quarters;
    their stored scores are the apps' own; the cases are the same without them; the town at a
    glance reads them."""
    from decimal import Decimal

    from gongzhi.assessments import scoring
    from gongzhi.assessments.models import Assessment
    from gongzhi.inspections.models import Inspection, ItemResult, RectificationOrder
    from gongzhi.inspections.scoring import Answer, inspection_score
    from gongzhi.surveys.models import Survey
    from gongzhi.surveys.results import place_satisfaction, satisfaction_with
    from gongzhi.testing import UserFactory

    assert generate.main(ARGS) == 0
    with_records = snapshot()
    assert 60 <= Inspection.objects.count() <= 80
    for inspection in Inspection.objects.all():
        results = ItemResult.objects.filter(inspection=inspection).select_related("item")
        answers = [Answer(r.item.kind, r.item.weight, r.outcome, r.points, r.item.max_points) for r in results]
        assert inspection.score == inspection_score(answers)
    orders = RectificationOrder.objects.all()
    assert orders.exists() and orders.filter(state="closed").exists()
    assert not orders.filter(state="closed", overdue=False, answered_at=None).exists()
    closed = Survey.objects.filter(state="closed")
    assert closed.count() == 40 and set(closed.values_list("quarter", flat=True)) == {"2026Q2", "2026Q3"}
    assert not Survey.objects.filter(state="open").exclude(quarter="2026Q4").exists()
    place = place_satisfaction(Survey.objects.all())
    assert place.quarter == "2026Q3" and place.surveys == 20
    party_org = place.parties[0]
    assert 0.6 < party_org.value <= 1 and party_org.lowest == satisfaction_with(
        "party_org", party_org.lowest.survey.compound_id, "2026Q3"
    )
    assessments = Assessment.objects.select_related("cycle")
    assert {a.cycle.period for a in assessments} == {"2026Q2", "2026Q3"}
    for a in assessments:
        points = list(a.scores.order_by("indicator__position").values_list("points", flat=True))
        assert a.total == scoring.total_of(points) and a.total > Decimal(50) and a.rank >= 1

    assert generate.main([*ARGS, "--reset", "--without-records"]) == 0
    assert snapshot() == with_records and not Inspection.objects.exists() and not Survey.objects.exists()

    generate.main([*ARGS, "--reset"])
    client.force_login(UserFactory(username="bench-admin", is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/dashboard/").content.decode()
    assert "Residents' satisfaction (survey), 2026Q3" in page and "20 closed surveys" in page
    assert "Lowest inspection scores, last 90 days" in page and "inspections in all" in page
