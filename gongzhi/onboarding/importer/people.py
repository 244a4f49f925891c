"""The 人员 sheet (people, keyed by mobile number) and 任职 (memberships: a person's position in
an organisation from a start date). Residents not recorded as people become people of the town."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongzhi.core.models import User
from gongzhi.orgs.models import Membership, Person

from ..problems import WARNING
from ..schema import SHEETS_BY_KEY
from .plan import Plan, chunks


def plan_people(plan: Plan) -> None:
    for row in plan.rows.get("people", []):
        phone = row.get("phone")
        new = {"name": row.get("name")}
        plan.optional(row, new, "is_party_member", empty=False)
        plan.people[phone] = plan.upsert(
            "people",
            plan.people.get(phone),
            lambda phone=phone: Person(town=plan.town, phone=phone),
            new,
            row=row,
        )
    _plan_people_for_residents(plan)
    _link_accounts(plan)


def _plan_people_for_residents(plan: Plan) -> None:
    """Residents not recorded yet become people of the town; a known number keeps its name."""
    sheet = SHEETS_BY_KEY["residents"]
    people_rows = {row.get("phone"): row for row in plan.rows.get("people", [])}
    first_name: dict[str, tuple[str, int]] = {}
    for row in plan.rows.get("residents", []):
        phone, name = row.get("phone"), row.get("name")
        if phone is None or name is None:
            continue
        person = plan.people.get(phone)
        if person is None:
            person = Person(town=plan.town, phone=phone, name=name)
            plan.people[phone] = person
            plan.creates[Person].append(person)
            plan.report.people_created_for_residents += 1
            first_name[phone] = (name, row.number)
        elif person.name != name and phone not in people_rows:
            if phone in first_name:
                message = _(
                    "The same mobile number is used with the name “%(name)s” in row %(row)s; that name is kept."
                ) % {"name": first_name[phone][0], "row": first_name[phone][1]}
            else:
                message = _("The person with this mobile number is recorded as “%(name)s”; that name is kept.") % {
                    "name": person.name
                }
            plan.error(sheet, row.number, sheet.column("name").label, message, WARNING)


def _link_accounts(plan: Plan) -> None:
    """A new person whose number already signs in is linked to that account."""
    if not plan.creates[Person]:
        return
    by_phone = {p.phone: p for p in plan.creates[Person]}
    for chunk in chunks(sorted(by_phone)):
        for user in User.objects.filter(phone__in=chunk, person__isnull=True):
            by_phone[user.phone].user = user


def plan_memberships(plan: Plan) -> None:
    sheet = SHEETS_BY_KEY["memberships"]
    for row in plan.rows.get("memberships", []):
        person = plan.person(sheet, row, "phone")
        organization = plan.organization(sheet, row, "organization")
        if person is None or organization is None:
            continue
        start = row.get("start")
        existing = None
        if person.pk and organization.pk:
            existing = plan.memberships.get((person.pk, organization.pk, start))
        new = {"title": row.get("title")}
        plan.optional(row, new, "position", empty=Membership.Position.MEMBER)
        plan.optional(row, new, "end", empty=None)
        end = new.get("end", existing.end if existing else None)
        if end is not None and start is not None and end < start:
            plan.cell_error(
                sheet,
                row,
                "end",
                _("The term ends (%(end)s) before it starts (%(start)s).") % {"end": end, "start": start},
            )
        plan.upsert(
            "memberships",
            existing,
            lambda p=person, o=organization, s=start: Membership(town=plan.town, person=p, organization=o, start=s),
            new,
            row=row,
        )
