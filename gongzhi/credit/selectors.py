"""Reads over several models: the files in a user's scope with their standing (one query for the
records of all of them), a file's records, and the public lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from gongzhi.orgs.models import Organization, Person, ServiceContract

from .models import CreditRecord, CreditSettings, visible_companies, visible_managers
from .scoring import Standing, standing


@dataclass
class File:
    kind: str  # "company" or "manager"
    subject: Organization | Person
    company: Organization | None  # a manager's current company (the latest contract naming them)
    standing: Standing
    town_id: int

    @property
    def name(self) -> str:
        return self.subject.name

    @property
    def uid(self) -> str:
        return self.subject.uid


def _settings(cache: dict, town_id: int) -> CreditSettings:
    if town_id not in cache:
        cache[town_id] = CreditSettings.for_town(town_id)
    return cache[town_id]


def subjects_for(user, *, kind: str = "", town_id: int | None = None) -> list[tuple[str, Organization | Person]]:
    """The companies and managers whose files `user` reads, companies first, each by town and
    name, as ("company" | "manager", subject) (of one town's only with `town_id`)."""
    companies = visible_companies(user)
    managers = visible_managers(user)
    if town_id is not None:
        companies, managers = companies.filter(town_id=town_id), managers.filter(town_id=town_id)
    fields = ("pk", "uid", "town_id", "name")  # what a file shows of its subject
    out: list = []
    if kind in ("", "company"):
        out += [("company", c) for c in companies.only(*fields).order_by("town_id", "name")]
    if kind in ("", "manager"):
        out += [("manager", m) for m in managers.only(*fields).order_by("town_id", "name")]
    return out


def with_standing(subjects, on: date) -> list[File]:
    """The files of `subjects` (as subjects_for gives them), each with its standing on `on`: the
    records of all of them in one query, the managers' current companies in one, the towns'
    settings in one."""
    companies = [s for k, s in subjects if k == "company"]
    managers = [s for k, s in subjects if k == "manager"]
    by_company: dict[int, list] = {}
    by_manager: dict[int, list] = {}
    if companies or managers:
        records = CreditRecord.objects.filter(
            Q(company__in=[c.pk for c in companies], manager__isnull=True) | Q(manager__in=[m.pk for m in managers])
        ).only("kind", "points", "state", "valid_from", "valid_until", "corrected_on", "company_id", "manager_id")
        for r in records:
            if r.manager_id:
                by_manager.setdefault(r.manager_id, []).append(r)
            else:
                by_company.setdefault(r.company_id, []).append(r)
    current = {}
    if managers:
        for contract in (
            ServiceContract.objects.filter(manager__in=[m.pk for m in managers])
            .select_related("company")
            .order_by("start")
        ):
            current[contract.manager_id] = contract.company
    # The towns' settings in one query (a query per town was 217 for the administrator).
    towns = {c.town_id for c in companies} | {m.town_id for m in managers}
    cache: dict = {row.town_id: row for row in CreditSettings.objects.filter(town_id__in=towns)} if towns else {}
    for town_id in towns - cache.keys():
        cache[town_id] = CreditSettings(town_id=town_id)  # the defaults, as CreditSettings.for_town
    out = []
    for k, subject in subjects:
        if k == "company":
            s = standing(by_company.get(subject.pk, []), _settings(cache, subject.town_id), on)
            out.append(File("company", subject, subject, s, subject.town_id))
        else:
            s = standing(by_manager.get(subject.pk, []), _settings(cache, subject.town_id), on)
            out.append(File("manager", subject, current.get(subject.pk), s, subject.town_id))
    return out


def files_for(user, on: date, *, kind: str = "", town_id: int | None = None) -> list[File]:
    """Every file `user` reads, companies first, with its standing on `on` (of one town's
    companies and managers only with `town_id`)."""
    return with_standing(subjects_for(user, kind=kind, town_id=town_id), on)


def company_standing(company: Organization, on: date) -> Standing:
    return standing(CreditRecord.objects.of_company(company), CreditSettings.for_town(company.town_id), on)


def manager_standing(person: Person, on: date) -> Standing:
    return standing(CreditRecord.objects.of_manager(person), CreditSettings.for_town(person.town_id), on)


def public_lists(town, on: date) -> tuple[list, list]:
    """The town's red list (grade AAA in the grade mode, not blacklisted) and black list: property
    companies only — compound managers are persons and are not named publicly."""
    settings = CreditSettings.for_town(town.pk)
    companies = list(Organization.objects.filter(town=town, kind=Organization.Kind.PROPERTY_COMPANY).order_by("name"))
    records: dict[int, list] = {}
    for r in CreditRecord.objects.filter(company__in=companies, manager__isnull=True):
        records.setdefault(r.company_id, []).append(r)
    red, black = [], []
    for company in companies:
        s = standing(records.get(company.pk, []), settings, on)
        if s.blacklisted:
            black.append((company, s))
        elif settings.mode == "grade" and s.red_list and records.get(company.pk):
            red.append((company, s))
    return red, black
