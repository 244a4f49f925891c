"""Whose mobile number a user may read in full (PIPL): decided per person by where the user's
`people.contact` grant reaches — the people of the organisations and units in that area, the
members of the user's own bodies, and the user — never by holding the permission somewhere.
Pages show every number masked; where this allows, the person's page offers to show it, and
the reading is recorded (services.read_phone)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Person


def readable_ids(user, person_ids: Iterable[int]) -> set[int]:
    """Of these people, those whose full number the user may read."""
    ids = list(person_ids)
    if not ids:
        return set()
    return set(Person.objects.for_user(user, "people.contact").filter(pk__in=ids).values_list("pk", flat=True))


def phone_readable(user, person: Person) -> bool:
    return bool(person.phone) and person.pk in readable_ids(user, [person.pk])


def readable_people(user):
    """The people whose number the user may read: searching by digits looks only among them."""
    return Person.objects.for_user(user, "people.contact")
