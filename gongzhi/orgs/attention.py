"""Home-page items of the organisations (gongzhi.core.registry.attention): residents' claims to
confirm, contracts and terms of office about to end, compounds without a contract, neighborhoods
missing their party organisation or residents' committee."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem
from gongzhi.places.models import Compound, Neighborhood

from .coverage import coverage_counts
from .models import Membership, Organization, Residency, ServiceContract

CONTRACT_WARNING_DAYS = 60
MEMBERSHIP_WARNING_DAYS = 30


def residency_items(user, scope, today):
    if not scope.has("residents.bind"):
        return
    claims = Residency.objects.for_user(user, "residents.bind").filter(status=Residency.Status.CLAIMED).count()
    if claims:
        yield AttentionItem(
            "info",
            ngettext(
                "%(n)s resident's claim to a unit awaits confirmation.",
                "%(n)s residents' claims to units await confirmation.",
                claims,
            )
            % {"n": claims},
            reverse("orgs:residency_claims"),
        )


def contract_items(user, scope, today):
    if not (scope.has("orgs.view") and (scope.has("town.manage") or scope.area("orgs.view").compounds)):
        return
    soon = today + timedelta(days=CONTRACT_WARNING_DAYS)
    ending = ServiceContract.objects.for_user(user).filter(end__gte=today, end__lte=soon).count()
    if ending:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s property service contract ends within %(days)s days.",
                "%(n)s property service contracts end within %(days)s days.",
                ending,
            )
            % {"n": ending, "days": CONTRACT_WARNING_DAYS},
            reverse("orgs:contract_list") + "?ending=soon",
        )


def town_items(user, scope, today):
    """For the office: compounds without a contract, terms ending, organisations missing."""
    if not scope.has("town.manage"):
        return
    active = ServiceContract.objects.active(today).filter(compound=OuterRef("pk"))
    uncovered = Compound.objects.for_user(user, "town.manage").filter(~Exists(active)).count()
    if uncovered:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s compound has no current property service contract.",
                "%(n)s compounds have no current property service contract.",
                uncovered,
            )
            % {"n": uncovered},
            reverse("places:compound_list") + "?contract=none",
        )
    soon = today + timedelta(days=MEMBERSHIP_WARNING_DAYS)
    terms = Membership.objects.for_user(user, "town.manage").filter(end__gte=today, end__lte=soon).count()
    if terms:
        yield AttentionItem(
            "info",
            ngettext(
                "%(n)s term of office ends within %(days)s days.",
                "%(n)s terms of office end within %(days)s days.",
                terms,
            )
            % {"n": terms, "days": MEMBERSHIP_WARNING_DAYS},
            reverse("orgs:person_list") + "?term=ending",
        )
    yield from _coverage_items(user, scope)
    # both kinds counted in one statement: a neighborhood missing both counts twice, as before
    missing = Neighborhood.objects.for_user(user, "town.manage").aggregate(
        **{
            kind: Count("pk", filter=~Exists(Organization.objects.filter(neighborhood=OuterRef("pk"), kind=kind)))
            for kind in (Organization.Kind.PARTY_ORG, Organization.Kind.RESIDENTS_COMMITTEE)
        }
    )
    missing = sum(missing.values())
    if missing:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s party organisation or residents' committee is missing from a neighborhood.",
                "%(n)s party organisations or residents' committees are missing from neighborhoods.",
                missing,
            )
            % {"n": missing},
            reverse("places:neighborhood_list"),
        )


def _coverage_items(user, scope):
    area = scope.area("town.manage")
    uncovered, overlaps = coverage_counts(None if area.everything else area.towns)
    if uncovered:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s compound is covered by no inspection group.",
                "%(n)s compounds are covered by no inspection group.",
                uncovered,
            )
            % {"n": uncovered},
            reverse("orgs:body_list") + "#coverage",
        )
    if overlaps:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s compound is covered by more than one inspection group, which the town does not allow.",
                "%(n)s compounds are covered by more than one inspection group, which the town does not allow.",
                overlaps,
            )
            % {"n": overlaps},
            reverse("orgs:body_list") + "#coverage",
        )
