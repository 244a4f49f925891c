"""The office's category tree, routing table, deadlines and case settings."""

from decimal import Decimal

import pytest

from gongzhi.cases.models import CaseSettings, Category
from gongzhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_office_installs_defaults_and_edits_a_category(world, client_for):
    client = client_for("office")
    page = client.get("/cases/setup/").content.decode()
    assert "物业维修" in page  # the empty state names the defaults
    client.post("/cases/setup/defaults/", {"town": world.town.uid})
    assert Category.objects.filter(town=world.town).count() == 10
    repair = Category.objects.get(town=world.town, code="REPAIR")
    response = client.post(
        f"/cases/setup/categories/{repair.uid}/",
        {
            "code": "REPAIR",
            "name": "物业维修",
            "handler_kind": "property_company",
            "accept_days": "1",
            "resolve_days": "3",
            "urgent_resolve_days": "1",
            "order": "1",
            "version": repair.version,
        },
    )
    assert response.status_code == 302
    repair.refresh_from_db()
    assert repair.resolve_days == 3
    assert AuditEntry.objects.filter(action="cases.category.update", object_id=str(repair.pk)).exists()


NOISE = {  # a new category, as the office types it
    "name": "噪音",
    "handler_kind": "residents_committee",
    "accept_days": "1",
    "resolve_days": "5",
    "urgent_resolve_days": "1",
    "order": "20",
}


@pytest.mark.parametrize(
    "data, field",
    [
        ({"handler_kind": "government_unit"}, "handler"),  # a government unit must be named
        ({"resolve_days": "0"}, "resolve_days"),
        ({"code": "X" * 40}, "code"),  # an internal code, but a bounded one
    ],
)
def test_bad_category_input(world, client_for, data, field):
    client = client_for("office")
    values = {**NOISE, "code": "NOISE", **data}
    response = client.post(f"/cases/setup/categories/new/?town={world.town.uid}", values)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors or form.non_field_errors()
    assert not Category.objects.filter(name="噪音").exists()


def test_a_category_needs_no_code_and_the_page_shows_none(world, client_for):
    """Issue 10, finding 10: codes such as REPAIR are internal; the office names categories."""
    client = client_for("office")
    values = NOISE
    assert client.post(f"/cases/setup/categories/new/?town={world.town.uid}", values).status_code == 302
    noise = Category.objects.get(name="噪音")
    assert noise.code.startswith("C")
    page = client.get(f"/cases/setup/?town={world.town.uid}").content.decode()
    assert "噪音" in page and noise.code not in page


def test_government_unit_category_routes_to_it(world, client_for, report):
    from gongzhi.cases.services import submit_case

    client = client_for("office")
    client.post(
        f"/cases/setup/categories/new/?town={world.town.uid}",
        {
            "code": "POLICE",
            "name": "治安报警",
            "handler_kind": "government_unit",
            "handler": world.orgs["police"].pk,
            "accept_days": "1",
            "resolve_days": "2",
            "urgent_resolve_days": "1",
            "order": "30",
        },
    )
    category = Category.objects.get(code="POLICE")
    case = submit_case(actor=None, report=report(category=category), channel="qr")
    assert case.handler == world.orgs["police"]


def test_retired_category_cannot_be_chosen(world, client_for, categories, report):
    from django.core.exceptions import ValidationError

    from gongzhi.cases.services import submit_case

    other = categories["OTHER"]
    client_for("office").post(f"/cases/setup/categories/{other.uid}/retire/", {"version": other.version})
    other.refresh_from_db()
    assert other.retired
    with pytest.raises(ValidationError):
        submit_case(actor=None, report=report(category=other), channel="qr")


SETTINGS = {
    "period_start_day": "1",
    "basic_satisfied_weight": "0.9",
    "effective_definition": "first_time",
    "composite_handling_weight": "0.10",
    "composite_effective_weight": "0.50",
    "composite_satisfaction_weight": "0.40",
    "ranking_min_cases": "5",
    "max_extensions": "1",
    "callback_after_days": "3",
    "hotspot_min_cases": "3",
    "hotspot_days": "30",
    "reports_per_phone_per_day": "10",
    "reports_per_address_per_hour": "30",
}


def test_settings_change_recounts(world, client_for, categories, submit, django_capture_on_commit_callbacks):
    submit()
    settings, _ = CaseSettings.objects.get_or_create(town=world.town)
    response = client_for("office").post(
        f"/cases/setup/settings/?town={world.town.uid}",
        {**SETTINGS, "period_start_day": "19", "basic_satisfied_weight": "0.8", "version": settings.version},
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.period_start_day == 19
    bad = client_for("office").post(
        f"/cases/setup/settings/?town={world.town.uid}",
        {**SETTINGS, "period_start_day": "31", "basic_satisfied_weight": "1.5", "version": settings.version},
    )
    assert bad.status_code == 200 and {"period_start_day", "basic_satisfied_weight"} <= set(bad.context["form"].errors)


def test_rate_settings_are_edited_and_audited(world, client_for):
    """The 处置有效率 definition, the composite index and its weights, the ranking minimum and
    the extensions allowed: saved through the service, audited with before and after."""
    settings, _ = CaseSettings.objects.get_or_create(town=world.town)
    client = client_for("office")
    form = client.get(f"/cases/setup/settings/?town={world.town.uid}").context["form"]
    assert {"effective_definition", "show_composite", "ranking_min_cases", "max_extensions"} <= set(form.fields)
    response = client.post(
        f"/cases/setup/settings/?town={world.town.uid}",
        {
            **SETTINGS,
            "effective_definition": "every_confirmed",
            "show_composite": "on",
            "composite_handling_weight": "0.20",
            "composite_effective_weight": "0.30",
            "composite_satisfaction_weight": "0.50",
            "ranking_min_cases": "3",
            "max_extensions": "2",
            "version": settings.version,
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.effective_definition == "every_confirmed" and settings.show_composite
    assert (settings.composite_handling_weight, settings.composite_satisfaction_weight) == (
        Decimal("0.20"),
        Decimal("0.50"),
    )
    assert (settings.ranking_min_cases, settings.max_extensions) == (3, 2)
    entry = AuditEntry.objects.filter(action="cases.casesettings.update", object_id=str(settings.pk)).latest("pk")
    assert entry.before["effective_definition"] == "first_time"
    assert entry.after["effective_definition"] == "every_confirmed"
    assert entry.after["show_composite"] is True
    page = client.get(f"/cases/setup/?town={world.town.uid}").content.decode()
    assert "0.20 / 0.30 / 0.50" in page


def test_composite_weights_must_add_up_to_one(world, client_for):
    settings, _ = CaseSettings.objects.get_or_create(town=world.town)
    client = client_for("office")
    posted = {
        **SETTINGS,
        "show_composite": "on",
        "composite_handling_weight": "0.20",
        "composite_effective_weight": "0.50",
        "composite_satisfaction_weight": "0.40",
        "version": settings.version,
    }
    response = client.post(f"/cases/setup/settings/?town={world.town.uid}", posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert any("权重之和须为 1.00" in e and "1.10" in e for e in form.non_field_errors())  # in Chinese
    # The input is kept, nothing is saved.
    html = response.content.decode()
    assert 'name="composite_handling_weight" value="0.20"' in html and "checked" in html
    settings.refresh_from_db()
    assert not settings.show_composite and settings.composite_handling_weight == Decimal("0.10")
    assert not AuditEntry.objects.filter(action="cases.casesettings.update", object_id=str(settings.pk)).exists()
    # Weights kept while the index is not shown are not checked.
    response = client.post(f"/cases/setup/settings/?town={world.town.uid}", {**posted, "show_composite": ""})
    assert response.status_code == 302
    settings.refresh_from_db()
    assert not settings.show_composite and settings.composite_handling_weight == Decimal("0.20")


def test_others_cannot_edit_settings(world, client_for, categories):
    assert client_for("party_secretary").get("/cases/setup/").status_code == 404
    repair = categories["REPAIR"]
    assert client_for("outsider").get(f"/cases/setup/categories/{repair.uid}/").status_code == 404
