"""Choosing organisations (a resolution's lead and assisting organisations, a case's co-handlers, a
notice's replying organisation): the neighborhood's four parties first, then the government
units, then the rest of the town; each option may carry a note (a party's recorded position).
The choices are grouped for the page; the field still validates against its queryset."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.places.models import Compound

from .models import Organization, ServiceContract

PARTY_RANK = {kind: n for n, kind in enumerate(Organization.FOUR_PARTIES)}


def neighborhood_parties(neighborhood_id: int):
    """The four parties of a neighborhood: its party organisation and residents' committee, the
    owners' committees (or owner representatives) of its compounds and the property companies
    serving them under a current contract."""
    today = timezone.localdate()
    compounds = Compound.objects.filter(neighborhood_id=neighborhood_id).values("pk")
    companies = ServiceContract.objects.filter(compound__in=compounds).active(today).values("company_id")
    return Organization.objects.filter(
        Q(neighborhood_id=neighborhood_id, kind__in=Organization.NEIGHBORHOOD_KINDS)
        | Q(compound__in=compounds, kind=Organization.Kind.OWNERS_COMMITTEE)
        | Q(pk__in=companies, kind=Organization.Kind.PROPERTY_COMPANY)
    )


def serving(town_id: int, compound_ids) -> models.QuerySet:
    """The organisations that may take on or answer for what happens in these compounds: the party
    organisations and residents' committees of their neighborhoods, their owners' committees (or
    owner representatives), the property companies under a current contract for them, and the
    town's government units. A case is reassigned, and a notice answered, only among these."""
    compound_ids = list(compound_ids)
    today = timezone.localdate()
    neighborhoods = Compound.objects.filter(pk__in=compound_ids).values("neighborhood_id")
    companies = ServiceContract.objects.filter(compound_id__in=compound_ids).active(today).values("company_id")
    return Organization.objects.filter(town_id=town_id).filter(
        Q(kind=Organization.Kind.GOVERNMENT_UNIT)
        | Q(neighborhood_id__in=neighborhoods, kind__in=Organization.NEIGHBORHOOD_KINDS)
        | Q(compound_id__in=compound_ids, kind=Organization.Kind.OWNERS_COMMITTEE)
        | Q(pk__in=companies, kind=Organization.Kind.PROPERTY_COMPANY)
    )


def label(organization: Organization, note: str = "") -> str:
    text = f"{organization.name} · {organization.kind_label}"
    return f"{text}（{note}）" if note else text


def grouped_choices(organizations, neighborhood_ids=(), notes: dict[int, str] | None = None) -> list:
    """[(group label, [(uid, label), …]), …] for `organizations` (a queryset): the four parties of
    the given neighborhoods, government units, then the others; empty groups left out."""
    notes = notes or {}
    parties: set[int] = set()
    for neighborhood_id in neighborhood_ids:
        parties |= set(neighborhood_parties(neighborhood_id).values_list("pk", flat=True))
    groups: dict[str, list] = {"parties": [], "units": [], "others": []}
    for org in sorted(organizations, key=lambda o: (PARTY_RANK.get(o.kind, 9), o.name)):
        if org.pk in parties:
            key = "parties"
        elif org.kind == Organization.Kind.GOVERNMENT_UNIT:
            key = "units"
        else:
            key = "others"
        groups[key].append((org.uid, label(org, notes.get(org.pk, ""))))
    titles = {
        "parties": _("The neighborhood's four parties"),
        "units": _("Government units"),
        "others": _("Other organisations in the town"),
    }
    return [(titles[key], rows) for key, rows in groups.items() if rows]


def group_field(field, organizations, neighborhood_ids=(), notes=None) -> None:
    """Give a ModelChoiceField / ModelMultipleChoiceField (to_field_name="uid") over
    `organizations` its grouped, searchable choices."""
    field.queryset = organizations
    choices = grouped_choices(organizations, neighborhood_ids, notes)
    if getattr(field, "empty_label", None) is not None:
        choices = [("", field.empty_label), *choices]
    field.choices = choices
    field.widget.attrs["data-filterable"] = _("Type to find an organisation")
