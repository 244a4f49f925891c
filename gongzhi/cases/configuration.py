"""The office's settings for cases: the category tree with its routing and deadlines, and the
town's case settings (assessment window, satisfaction weight, callback time, hotspot rule)."""

from __future__ import annotations

from django.db import transaction

from gongzhi.core import process_cache
from gongzhi.core.jobs import enqueue_on_commit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.records import create_record, update_record
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Town

from .models import CaseSettings, Category
from .tasks import rebuild_stats
from .town_settings import SETTINGS_CACHE

K = Organization.Kind
# The default tree; deadlines in working days (DOMAIN-RULES: 1, 5 or 15 by kind of matter).
DEFAULT_CATEGORIES = [
    # code, name, handled by, accept, resolve, urgent resolve
    ("REPAIR", "物业维修", K.PROPERTY_COMPANY, 1, 5, 1),
    ("SANITATION", "环境卫生", K.PROPERTY_COMPANY, 1, 5, 1),
    ("GREENERY", "绿化", K.PROPERTY_COMPANY, 1, 5, 2),
    ("SECURITY", "治安安全", K.RESIDENTS_COMMITTEE, 1, 5, 1),
    ("PARKING", "停车交通", K.PROPERTY_COMPANY, 1, 5, 1),
    ("BUILDING", "违法建筑", K.RESIDENTS_COMMITTEE, 1, 15, 5),
    ("NEIGHBOURS", "邻里纠纷", K.RESIDENTS_COMMITTEE, 1, 15, 5),
    ("OWNERS", "业委会事务", K.OWNERS_COMMITTEE, 1, 15, 5),
    ("FACILITIES", "公共设施", K.PROPERTY_COMPANY, 1, 5, 1),
    ("OTHER", "其他", K.RESIDENTS_COMMITTEE, 1, 5, 1),
]
CATEGORY_FIELDS = [
    "parent",
    "code",
    "name",
    "handler_kind",
    "handler",
    "accept_days",
    "resolve_days",
    "urgent_resolve_days",
    "order",
]
SETTINGS_FIELDS = [
    "period_start_day",
    "basic_satisfied_weight",
    "effective_definition",
    "show_composite",
    "composite_handling_weight",
    "composite_effective_weight",
    "composite_satisfaction_weight",
    "ranking_min_cases",
    "max_extensions",
    "callback_after_days",
    "hotspot_min_cases",
    "hotspot_days",
    "reports_per_phone_per_day",
    "reports_per_address_per_hour",
]


def install_default_categories(*, actor, town: Town) -> list[Category]:
    ensure_town_manager(actor, town.pk, "cases.settings")
    created = []
    with transaction.atomic():
        existing = set(Category.objects.filter(town=town).values_list("code", flat=True))
        for order, (code, name, kind, accept, resolve, urgent) in enumerate(DEFAULT_CATEGORIES, start=1):
            if code in existing:
                continue
            category = Category(
                town=town,
                code=code,
                name=name,
                handler_kind=kind,
                accept_days=accept,
                resolve_days=resolve,
                urgent_resolve_days=urgent,
                order=order,
            )
            created.append(create_record(category, actor=actor, action="cases.category.create", fields=CATEGORY_FIELDS))
    return created


def _check_category(town_id: int, data: dict) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    parent, handler = data.get("parent"), data.get("handler")
    if parent is not None and (parent.town_id != town_id or parent.parent_id is not None):
        raise ValidationError({"parent": _("Choose a top-level category of the town (two levels at most).")})
    if data.get("handler_kind") == K.GOVERNMENT_UNIT:
        if handler is None or handler.kind != K.GOVERNMENT_UNIT or handler.town_id != town_id:
            raise ValidationError({"handler": _("Choose the government unit that handles these cases.")})
    elif handler is not None:
        raise ValidationError({"handler": _("Only categories handled by a government unit name one.")})


def create_category(*, actor, town: Town, data: dict) -> Category:
    ensure_town_manager(actor, town.pk, "cases.settings")
    data = {k: data[k] for k in CATEGORY_FIELDS if k in data}
    if not (data.get("code") or "").strip():
        data["code"] = _next_category_code(town.pk)  # an internal code: people choose by name
    _check_category(town.pk, data)
    process_cache.forget_soon(process_cache.TOWN_CODES)
    return create_record(
        Category(town=town, **data), actor=actor, action="cases.category.create", fields=CATEGORY_FIELDS
    )


def _next_category_code(town_id: int) -> str:
    taken = set(Category.objects.filter(town_id=town_id).values_list("code", flat=True))
    number = len(taken) + 1
    while f"C{number:03d}" in taken:
        number += 1
    return f"C{number:03d}"


def update_category(*, actor, category: Category, data: dict, expected_version: int) -> Category:
    ensure_town_manager(actor, category.town_id, "cases.settings")
    changes = {k: data[k] for k in [*CATEGORY_FIELDS, "retired"] if k in data}
    merged = {f: getattr(category, f) for f in CATEGORY_FIELDS} | changes
    if merged.get("parent") is not None and merged["parent"].pk == category.pk:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"parent": _("A category cannot be its own parent.")})
    _check_category(category.town_id, merged)
    process_cache.forget_soon(process_cache.TOWN_CODES)
    return update_record(
        category, actor=actor, action="cases.category.update", changes=changes, expected_version=expected_version
    )


COMPOSITE_WEIGHTS = ("composite_handling_weight", "composite_effective_weight", "composite_satisfaction_weight")


def _check_composite(values: dict) -> None:
    """A composite index that is shown weighs the three rates with weights adding up to 1.00
    (docs/metrics.md); weights kept while it is not shown are not checked."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not values.get("show_composite"):
        return
    total = sum((Decimal(values[name] if values[name] is not None else 0) for name in COMPOSITE_WEIGHTS), Decimal(0))
    if total != Decimal("1"):
        raise ValidationError(
            _(
                "The weights of the composite index must add up to 1.00 (调处率 + 处置有效率 + 群众满意率); "
                "they add up to %(total)s."
            )
            % {"total": total},
            code="composite_weights",
        )


def update_case_settings(*, actor, town: Town, data: dict, expected_version: int) -> CaseSettings:
    """Change the town's case settings. A new assessment window re-counts the town's rates
    (in the background: it reads every case of the town)."""
    ensure_town_manager(actor, town.pk, "cases.settings")
    settings, _created = CaseSettings.objects.get_or_create(town=town)
    old_start = settings.period_start_day
    changes = {k: data[k] for k in SETTINGS_FIELDS if k in data}
    _check_composite({f: getattr(settings, f) for f in SETTINGS_FIELDS} | changes)
    updated = update_record(
        settings,
        actor=actor,
        action="cases.casesettings.update",
        changes=changes,
        expected_version=expected_version,
    )
    process_cache.forget(SETTINGS_CACHE)
    transaction.on_commit(lambda: process_cache.forget(SETTINGS_CACHE))
    if updated.period_start_day != old_start:
        enqueue_on_commit(rebuild_stats, town.pk)
    return updated
