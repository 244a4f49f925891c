"""What the pages of organisations, bodies, people, contracts, duties and residencies share:
the managed-town check, ordering by kind, members and cross-appointments, the "next" address,
the version a POST-only action was shown on, the place choices of a form."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from gongzhi.core.scope import get_scope
from gongzhi.places.models import Compound, Neighborhood

from ..models import (
    Body,
    Membership,
    Organization,
)

POSITION_ORDER = [p.value for p in Membership.Position]


def _manages(request, town_id: int, permission="town.manage") -> bool:
    return get_scope(request.user).area(permission).covers_town(town_id)


def _ordered_by_kind(queryset, field="kind", kinds=Organization.Kind):
    return queryset.annotate(
        kind_rank=Case(
            *[When(**{field: k.value}, then=Value(i)) for i, k in enumerate(kinds)],
            default=Value(len(kinds)),
            output_field=IntegerField(),
        )
    )


def _visible_ids(request, model, ids) -> set[int]:
    ids = {i for i in ids if i}
    if not ids:
        return set()
    return set(model.objects.for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _without_town(form) -> dict:
    """The form's data for a create service that takes the town separately."""
    return {k: v for k, v in form.data_for_service().items() if k != "town"}


def _again_or(request, url_name: str, parent):
    """After "save and add another", the same form again; otherwise the parent's page."""
    from django.urls import reverse

    return reverse(url_name, args=[parent.uid]) if "add_another" in request.POST else parent


def _posted_version(request) -> int:
    """The version a POST-only action was shown on; a missing one counts as stale."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _not_ended(queryset, on=None):
    on = on or timezone.localdate()
    return queryset.filter(Q(end__isnull=True) | Q(end__gte=on))


# --- Members and cross-appointments (R-IMPL-2) -----------------------------------------------


def _member_context(request, memberships, *, holder):
    """Current (and upcoming) and past members of an organisation or body; each current member
    carries `elsewhere`: their other current memberships (cross-appointment, 交叉任职)."""
    today = timezone.localdate()
    current = [m for m in memberships if m.end is None or m.end >= today]
    past = [m for m in memberships if m.end is not None and m.end < today]
    others = (
        Membership.objects.for_user(request.user)
        .active(today)
        .filter(person_id__in={m.person_id for m in current})
        .select_related("organization", "body")
        .order_by("start")
    )
    others = others.exclude(organization=holder) if isinstance(holder, Organization) else others.exclude(body=holder)
    others = list(others)
    visible_orgs = _visible_ids(request, Organization, [o.organization_id for o in others])
    visible_bodies = _visible_ids(request, Body, [o.body_id for o in others])
    by_person: dict[int, list] = {}
    for other in others:
        other.holder_visible = other.organization_id in visible_orgs or other.body_id in visible_bodies
        by_person.setdefault(other.person_id, []).append(other)
    for m in current:
        m.elsewhere = by_person.get(m.person_id, [])
    return {"current_members": current, "past_members": past}


def _sorted_memberships(memberships):
    return sorted(memberships, key=lambda m: (POSITION_ORDER.index(m.position), m.start, m.person.name))


def _place_choices(request, town_id=None):
    neighborhoods = Neighborhood.objects.for_user(request.user, "town.manage")
    compounds = Compound.objects.for_user(request.user, "town.manage")
    if town_id is not None:
        neighborhoods, compounds = neighborhoods.filter(town_id=town_id), compounds.filter(town_id=town_id)
    return neighborhoods.order_by("town__code", "code"), compounds.order_by("town__code", "neighborhood__code", "code")
