"""Every write to organisations, bodies, people, memberships, contracts, duties and residents'
ties to units: named services with an actor, in a transaction, audited."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.locks import serialize
from gongzhi.core.models import User
from gongzhi.core.permissions import ensure_allowed, ensure_town_manager
from gongzhi.core.records import create_record, update_record
from gongzhi.core.workflow import lock
from gongzhi.places.models import Compound, Neighborhood, Town, Unit

from . import contacts, coverage
from .default_duties import DEFAULT_DUTIES
from .models import (
    Body,
    BodyCoverage,
    BodyMemberUnit,
    Duty,
    Membership,
    Organization,
    Person,
    Residency,
    ServiceContract,
)
from .workflow import RESIDENCY_WORKFLOW, ResidencyAction

ORGANIZATION_FIELDS = ["kind", "code", "name", "neighborhood", "compound", "owner_representatives", "phone", "address"]
PERSON_FIELDS = ["name", "phone", "is_party_member"]
MEMBERSHIP_FIELDS = ["organization", "body", "position", "title", "start", "end"]
CONTRACT_FIELDS = ["company", "compound", "start", "end", "manager"]
BODY_FIELDS = ["name", "seat", "tasks"]
DUTY_FIELDS = ["party", "order", "text"]


def _pick(data: dict, fields: list[str]) -> dict:
    return {k: data[k] for k in fields if k in data}


def _same_town(town_id: int, *objects, field: str) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "town_id", town_id) != town_id:
            raise ValidationError({field: _("This belongs to another town.")})


# --- Organisations ---------------------------------------------------------------------------


def _check_organization_place(town_id: int, data: dict) -> None:
    _same_town(town_id, data.get("neighborhood"), field="neighborhood")
    _same_town(town_id, data.get("compound"), field="compound")
    kind = data.get("kind")
    if kind in Organization.NEIGHBORHOOD_KINDS and not data.get("neighborhood"):
        raise ValidationError(
            {"neighborhood": _("A party organisation or residents' committee belongs to a neighborhood.")}
        )
    if kind == Organization.Kind.OWNERS_COMMITTEE and not data.get("compound"):
        raise ValidationError({"compound": _("An owners' committee belongs to a compound.")})
    if data.get("owner_representatives") and kind != Organization.Kind.OWNERS_COMMITTEE:
        raise ValidationError({"owner_representatives": _("Only the owners' party can be owner representatives.")})


def create_organization(*, actor, town: Town, data: dict) -> Organization:
    ensure_town_manager(actor, town.pk)
    data = _pick(data, ORGANIZATION_FIELDS)
    _check_organization_place(town.pk, data)
    organization = Organization(town=town, **data)
    return create_record(organization, actor=actor, action="orgs.organization.create", fields=ORGANIZATION_FIELDS)


def update_organization(*, actor, organization: Organization, data: dict, expected_version: int) -> Organization:
    ensure_town_manager(actor, organization.town_id)
    changes = _pick(data, ORGANIZATION_FIELDS)
    _check_organization_place(
        organization.town_id, {**{f: getattr(organization, f) for f in ORGANIZATION_FIELDS}, **changes}
    )
    return update_record(
        organization, actor=actor, action="orgs.organization.update", changes=changes, expected_version=expected_version
    )


# --- Bodies ----------------------------------------------------------------------------------


def update_body(*, actor, body: Body, data: dict, expected_version: int) -> Body:
    ensure_town_manager(actor, body.town_id)
    return update_record(
        body,
        actor=actor,
        action="orgs.body.update",
        changes=_pick(data, BODY_FIELDS),
        expected_version=expected_version,
    )


def add_body_member_unit(*, actor, body: Body, label: str, organization: Organization | None = None) -> BodyMemberUnit:
    ensure_town_manager(actor, body.town_id)
    _same_town(body.town_id, organization, field="organization")
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Enter the member unit's name.")})
    with transaction.atomic():
        if body.member_units.filter(label=label).exists():
            raise ValidationError({"label": _("This member unit is already listed.")})
        order = (body.member_units.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        unit = BodyMemberUnit.objects.create(body=body, label=label, organization=organization, order=order)
        audit.record(actor, "orgs.body.add_member_unit", body, after={"label": label, "organization": organization})
    return unit


def remove_body_member_unit(*, actor, member_unit: BodyMemberUnit) -> None:
    body = member_unit.body
    ensure_town_manager(actor, body.town_id)
    with transaction.atomic():
        audit.record(actor, "orgs.body.remove_member_unit", body, before={"label": member_unit.label})
        member_unit.delete()


def add_body_coverage(
    *, actor, body: Body, neighborhood: Neighborhood | None = None, compound: Compound | None = None
) -> BodyCoverage:
    ensure_town_manager(actor, body.town_id)
    if body.kind != Body.Kind.INSPECTION_GROUP:
        raise ValidationError(_("Only inspection groups have coverage."))
    if (neighborhood is None) == (compound is None):
        raise ValidationError(_("Choose either a neighborhood or a compound."))
    _same_town(body.town_id, neighborhood, compound, field="neighborhood" if neighborhood else "compound")
    with transaction.atomic():
        town = Town.objects.select_for_update().get(pk=body.town_id)  # one coverage change at a time per town
        if body.coverage.filter(neighborhood=neighborhood, compound=compound).exists():
            raise ValidationError(_("This place is already covered by the group."))
        if not town.inspection_groups_may_overlap:
            _refuse_overlap(body, neighborhood, compound)
        row = BodyCoverage.objects.create(body=body, neighborhood=neighborhood, compound=compound)
        audit.record(actor, "orgs.body.add_coverage", body, after={"neighborhood": neighborhood, "compound": compound})
    return row


def _refuse_overlap(body: Body, neighborhood: Neighborhood | None, compound: Compound | None) -> None:
    compounds = (
        Compound.objects.filter(neighborhood=neighborhood) if neighborhood else Compound.objects.filter(pk=compound.pk)
    )
    covering = coverage.groups_covering(compounds.select_related("neighborhood"))
    taken = [
        (c, [g for g in covering[c.pk] if g.pk != body.pk])
        for c in compounds
        if any(g.pk != body.pk for g in covering[c.pk])
    ]
    if taken:
        c, groups = taken[0]
        raise ValidationError(
            _(
                "%(compound)s is already covered by %(group)s, and this town does not allow inspection groups "
                "to cover the same place."
            )
            % {"compound": c.name, "group": "、".join(g.name for g in groups)}
        )


def set_town_rules(
    *, actor, town: Town, allowed: bool, expected_version: int, staff_second_factor: bool | None = None
) -> Town:
    """The town's rules: inspection groups covering the same place, and whether staff confirm a
    password sign-in with a code by SMS."""
    ensure_town_manager(actor, town.pk)
    changes = {"inspection_groups_may_overlap": allowed}
    if staff_second_factor is not None:
        changes["staff_second_factor"] = staff_second_factor
    return update_record(
        town, actor=actor, action="places.town.update", changes=changes, expected_version=expected_version
    )


def remove_body_coverage(*, actor, coverage: BodyCoverage) -> None:
    body = coverage.body
    ensure_town_manager(actor, body.town_id)
    with transaction.atomic():
        audit.record(
            actor,
            "orgs.body.remove_coverage",
            body,
            before={"neighborhood": coverage.neighborhood_id, "compound": coverage.compound_id},
        )
        coverage.delete()


# --- People and memberships ------------------------------------------------------------------


def create_person(*, actor, town: Town, data: dict) -> Person:
    ensure_town_manager(actor, town.pk, "people.manage")
    person = Person(town=town, **_pick(data, PERSON_FIELDS))
    return create_record(person, actor=actor, action="orgs.person.create", fields=PERSON_FIELDS)


def update_person(*, actor, person: Person, data: dict, expected_version: int) -> Person:
    """Edit a person; their login's mobile number follows theirs (a one-time code goes to the number
    the person has now, never to one they gave up)."""
    ensure_town_manager(actor, person.town_id, "people.manage")
    with transaction.atomic():
        updated = update_record(
            person,
            actor=actor,
            action="orgs.person.update",
            changes=_pick(data, PERSON_FIELDS),
            expected_version=expected_version,
        )
        user = User.objects.select_for_update().filter(pk=updated.user_id).first() if updated.user_id else None
        if user is not None and (user.phone or None) != (updated.phone or None):
            if updated.phone and User.objects.filter(phone=updated.phone).exclude(pk=user.pk).exists():
                raise ValidationError({"phone": _("Another login already uses this mobile number.")})
            before = user.phone
            user.phone = updated.phone or None
            user.save(update_fields=["phone"])
            audit.record(actor, "core.user.update", user, before={"phone": before}, after={"phone": user.phone})
    return updated


def read_phone(*, actor, person: Person) -> str:
    """A person's full mobile number, for a user whose `people.contact` grant reaches them; the
    reading is recorded in the person's history (PIPL: who looked at whose number, when)."""
    if not contacts.phone_readable(actor, person):
        raise PermissionDenied("people.contact")
    with transaction.atomic():
        audit.record(actor, "orgs.person.view_contact", person)
    return person.phone


def _check_membership(person: Person, data: dict) -> None:
    holder = data.get("organization") or data.get("body")
    if (data.get("organization") is None) == (data.get("body") is None):
        raise ValidationError(_("Choose either an organisation or a body."))
    _same_town(person.town_id, holder, field="organization" if data.get("organization") else "body")
    end, start = data.get("end"), data.get("start")
    if end and start and end < start:
        raise ValidationError({"end": _("The term cannot end before it starts.")})


def add_membership(*, actor, person: Person, data: dict) -> Membership:
    ensure_town_manager(actor, person.town_id, "people.manage")
    data = _pick(data, MEMBERSHIP_FIELDS)
    _check_membership(person, data)
    membership = Membership(town_id=person.town_id, person=person, **data)
    return create_record(membership, actor=actor, action="orgs.membership.create", fields=MEMBERSHIP_FIELDS)


def update_membership(*, actor, membership: Membership, data: dict, expected_version: int) -> Membership:
    ensure_town_manager(actor, membership.town_id, "people.manage")
    changes = _pick(data, ["position", "title", "start", "end"])
    _check_membership(
        membership.person,
        {
            "organization": membership.organization,
            "body": membership.body,
            "start": changes.get("start", membership.start),
            "end": changes.get("end", membership.end),
        },
    )
    return update_record(
        membership, actor=actor, action="orgs.membership.update", changes=changes, expected_version=expected_version
    )


def end_membership(*, actor, membership: Membership, on: date, expected_version: int) -> Membership:
    """End a term on `on` (the last day held)."""
    ensure_town_manager(actor, membership.town_id, "people.manage")
    if on < membership.start:
        raise ValidationError({"end": _("The term cannot end before it starts.")})
    return update_record(
        membership, actor=actor, action="orgs.membership.end", changes={"end": on}, expected_version=expected_version
    )


# --- Service contracts -----------------------------------------------------------------------


def _check_contract(town_id: int, data: dict, exclude_pk: int | None = None) -> None:
    company, compound = data.get("company"), data.get("compound")
    if company is not None and company.kind != Organization.Kind.PROPERTY_COMPANY:
        raise ValidationError({"company": _("Choose a property company.")})
    _same_town(town_id, company, field="company")
    _same_town(town_id, compound, field="compound")
    manager = data.get("manager")
    _same_town(town_id, manager, field="manager")
    start, end = data.get("start"), data.get("end")
    if start and end and end < start:
        raise ValidationError({"end": _("The contract cannot end before it starts.")})
    if compound is not None and start is not None:
        overlapping = ServiceContract.objects.filter(compound=compound).filter(Q(end__isnull=True) | Q(end__gte=start))
        if end is not None:
            overlapping = overlapping.filter(start__lte=end)
        if exclude_pk:
            overlapping = overlapping.exclude(pk=exclude_pk)
        clash = overlapping.select_related("company").first()
        if clash:
            raise ValidationError(
                _(
                    "The compound already has a contract with %(company)s from %(start)s to %(end)s in this period. "
                    "End that contract first."
                )
                % {"company": clash.company, "start": clash.start, "end": clash.end or _("open-ended")}
            )


def create_contract(*, actor, town: Town, data: dict) -> ServiceContract:
    ensure_town_manager(actor, town.pk)
    data = _pick(data, CONTRACT_FIELDS)
    with transaction.atomic():
        if data.get("compound") is not None:
            Compound.objects.select_for_update().get(pk=data["compound"].pk)  # serialise overlap checks
        _check_contract(town.pk, data)
        contract = ServiceContract(town=town, **data)
        return create_record(contract, actor=actor, action="orgs.servicecontract.create", fields=CONTRACT_FIELDS)


def update_contract(*, actor, contract: ServiceContract, data: dict, expected_version: int) -> ServiceContract:
    ensure_town_manager(actor, contract.town_id)
    changes = _pick(data, CONTRACT_FIELDS)
    with transaction.atomic():
        Compound.objects.select_for_update().get(pk=contract.compound_id)
        merged = {f: getattr(contract, f) for f in CONTRACT_FIELDS} | changes
        _check_contract(contract.town_id, merged, exclude_pk=contract.pk)
        return update_record(
            contract,
            actor=actor,
            action="orgs.servicecontract.update",
            changes=changes,
            expected_version=expected_version,
        )


# --- Duty lists (R-DUTY-1) -------------------------------------------------------------------


def create_duty(*, actor, town: Town, data: dict) -> Duty:
    ensure_town_manager(actor, town.pk)
    duty = Duty(town=town, **_pick(data, DUTY_FIELDS))
    return create_record(duty, actor=actor, action="orgs.duty.create", fields=DUTY_FIELDS)


def update_duty(*, actor, duty: Duty, data: dict, expected_version: int) -> Duty:
    ensure_town_manager(actor, duty.town_id)
    return update_record(
        duty,
        actor=actor,
        action="orgs.duty.update",
        changes=_pick(data, ["order", "text"]),
        expected_version=expected_version,
    )


def set_duty_retired(*, actor, duty: Duty, retired: bool, expected_version: int) -> Duty:
    ensure_town_manager(actor, duty.town_id)
    return update_record(
        duty,
        actor=actor,
        action="orgs.duty.retire" if retired else "orgs.duty.restore",
        changes={"retired": retired},
        expected_version=expected_version,
    )


# --- Residents and their units ---------------------------------------------------------------


def _person_for_phone(*, town_id: int, phone: str, name: str, actor) -> Person:
    """The town's person with this mobile number, created if new, and linked to the account that
    signs in with this number if there is one."""

    person = Person.objects.select_for_update().filter(town_id=town_id, phone=phone).first()
    if person is None:
        person = Person(town_id=town_id, name=name, phone=phone)
        create_record(person, actor=actor, action="orgs.person.create", fields=PERSON_FIELDS)
    if person.user_id is None:
        user = User.objects.filter(phone=phone).first()
        if user is not None and not Person.objects.filter(user=user).exists():
            person.user = user
            person.save(update_fields=["user", "updated_at"])
            audit.record(actor, "orgs.person.link", person, after={"user": user.pk})
    return person


def bind_resident(*, actor, unit: Unit, phone: str, name: str, relation: str) -> Residency:
    """Staff bind a person (found or created by mobile number) to a unit: confirmed at once."""
    ensure_allowed(actor, "residents.bind", unit)
    with transaction.atomic():
        person = _person_for_phone(town_id=unit.town_id, phone=phone, name=name, actor=actor)
        if Residency.objects.filter(person=person, unit=unit).active().exists():
            raise ValidationError(_("%(name)s is already recorded for this unit.") % {"name": person.name})
        residency = Residency(
            town_id=unit.town_id,
            person=person,
            unit=unit,
            relation=relation,
            status=Residency.Status.VERIFIED,
            source=Residency.Source.STAFF,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        return create_record(
            residency,
            actor=actor,
            action="orgs.residency.bind",
            fields=["person", "unit", "relation", "status", "source"],
        )


def find_compound_by_invite(code: str) -> Compound | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Compound.objects.filter(invite_code=code).select_related("town").first()


def claim_residency(*, actor, invite_code: str, unit: Unit, relation: str, name: str) -> Residency:
    """A resident signed in by mobile number claims a unit of the compound whose invite code they
    hold; staff of the neighborhood confirm or reject the claim."""
    compound = find_compound_by_invite(invite_code)
    if compound is None or unit.compound_id != compound.pk:
        raise ValidationError(_("The invite code does not match this compound. Check the code on the notice board."))
    if not actor.phone:
        raise ValidationError(_("Sign in with your mobile number first."))
    with transaction.atomic():
        serialize(f"claims:user:{actor.pk}")  # count, then insert: one claim at a time per account
        open_claims = Residency.objects.filter(
            person__user=actor, status=Residency.Status.CLAIMED, source=Residency.Source.INVITE
        ).active()
        if open_claims.count() >= settings.OPEN_CLAIMS_PER_ACCOUNT:
            raise ValidationError(
                _(
                    "You have %(n)s claims waiting for the residents' committee. Once they are confirmed you "
                    "can claim another unit."
                )
                % {"n": open_claims.count()}
            )
        person = getattr(actor, "person", None)
        if person is None:
            person = _person_for_phone(town_id=unit.town_id, phone=actor.phone, name=name, actor=actor)
            if person.user_id != actor.pk:
                raise ValidationError(
                    _("This mobile number belongs to another account. Please contact the residents' committee.")
                )
        if Residency.objects.filter(person=person, unit=unit).active().exists():
            raise ValidationError(_("You have already claimed this unit."))
        residency = Residency(
            town_id=unit.town_id,
            person=person,
            unit=unit,
            relation=relation,
            status=Residency.Status.CLAIMED,
            source=Residency.Source.INVITE,
        )
        return create_record(
            residency,
            actor=actor,
            action="orgs.residency.claim",
            fields=["person", "unit", "relation", "status", "source"],
        )


def _transition_residency(*, actor, residency: Residency, action: str, expected_version: int) -> Residency:
    ensure_allowed(actor, "residents.bind", residency.unit)
    with transaction.atomic():
        current = lock(residency, expected_version=expected_version, related=("person",))
        if actor is not None and current.person.user_id == actor.pk:
            raise ValidationError(_("You cannot decide on your own tie to a unit; another colleague must do it."))
        to = RESIDENCY_WORKFLOW.target(action, current.status)
        if to is None:
            raise ValidationError(
                _("This record is “%(status)s” and can no longer be changed that way.")
                % {"status": current.get_status_display()}
            )
        return update_record(
            current,
            actor=actor,
            action=f"orgs.residency.{action}",
            expected_version=expected_version,
            changes={"status": to, "decided_by": actor, "decided_at": timezone.now()},
        )


def verify_residency(*, actor, residency: Residency, expected_version: int) -> Residency:
    return _transition_residency(
        actor=actor, residency=residency, action=ResidencyAction.VERIFY, expected_version=expected_version
    )


def reject_residency(*, actor, residency: Residency, expected_version: int) -> Residency:
    return _transition_residency(
        actor=actor, residency=residency, action=ResidencyAction.REJECT, expected_version=expected_version
    )


def end_residency(*, actor, residency: Residency, expected_version: int) -> Residency:
    return _transition_residency(
        actor=actor, residency=residency, action=ResidencyAction.END, expected_version=expected_version
    )


def install_default_duties(*, actor, town: Town) -> list[Duty]:
    """Give a town the founding document's duty lists, where it has none for a party yet."""

    ensure_town_manager(actor, town.pk)
    created = []
    with transaction.atomic():
        for party, items in DEFAULT_DUTIES.items():
            if Duty.objects.filter(town=town, party=party).exists():
                continue
            for order, text in enumerate(items, start=1):
                created.append(
                    create_record(
                        Duty(town=town, party=party, order=order, text=text),
                        actor=actor,
                        action="orgs.duty.create",
                        fields=DUTY_FIELDS,
                    )
                )
    return created


def create_body(*, actor, town: Town, kind: str, number: int, name: str, seat: str = "", tasks: str = "") -> Body:
    ensure_town_manager(actor, town.pk)
    body = Body(town=town, kind=kind, number=number, name=name, seat=seat, tasks=tasks)
    return create_record(body, actor=actor, action="orgs.body.create", fields=["kind", "number", *BODY_FIELDS])
