"""Every write of the inspections (DESIGN.md convention 1): keyword-only, with the actor, in a
transaction, checked, audited once.

Checklists: `create_checklist`, `save_checklist_draft`, `publish_checklist`, `revise_checklist`
(a published version is frozen: revising makes the next version's draft).
Plans: `plan_visit`, `cancel_visit`. Carrying out: `submit_inspection` (taken once per
`submission_key`; every photo is checked before anything is written). Rectification:
`raise_order` (routed by the item's duty / organisation kind, or chosen among the organisations
serving the compound), `answer_order`, `close_order`, `send_back_order`, and the sweep
`flag_overdue_orders`. Cases seen fixed on site: `confirm_case_on_site` (within `CONFIRM_WINDOW_DAYS` of the inspection).
Settings: `save_settings`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.cases.services import confirm_fixed_on_site
from gongzhi.cases.workflow import State as CaseState
from gongzhi.core import audit
from gongzhi.core.scope import get_scope
from gongzhi.core.uploads import MAX_PHOTOS, CleanPhoto, clean_photo
from gongzhi.core.workdays import deadline_after
from gongzhi.core.workflow import lock
from gongzhi.orgs.coverage import groups_covering
from gongzhi.orgs.models import Body, Membership, Organization, Person
from gongzhi.orgs.pickers import serving

from . import scoring
from .models import (
    CaseConfirmation,
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    Inspection,
    InspectionSettings,
    ItemResult,
    Photo,
    RectificationOrder,
    Visit,
)
from .workflow import AWAITING_ORGANISATION, ORDER_WORKFLOW, OrderAction, OrderState

# --- Who may -------------------------------------------------------------------------------------


def may_inspect_for(actor, group: Body) -> bool:
    """The group's own members, or the town's office (which may act for any group)."""
    scope = get_scope(actor)
    if scope.is_platform_admin:
        return True
    if not scope.has("inspections.inspect"):
        return False
    return group.pk in scope.body_ids or scope.area("inspections.inspect").covers_town(group.town_id)


def may_edit_checklists(actor, town_id: int) -> bool:
    scope = get_scope(actor)
    return scope.has("inspections.settings") and scope.area("inspections.settings").covers_town(town_id)


def _require(allowed: bool) -> None:
    if not allowed:
        raise ValidationError(_("You may not do this."))


def covers(group: Body, compound) -> bool:
    """Whether the inspection group covers the compound (directly or through its neighborhood)."""
    return any(g.pk == group.pk for g in groups_covering([compound]).get(compound.pk, []))


# --- Checklists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    text: str
    kind: str = ChecklistItem.Kind.PASS_FAIL
    weight: int = 1
    max_points: int = 5
    photo_required: bool = False
    responsible_kind: str = ""
    duty_id: int | None = None


@dataclass(frozen=True)
class SectionSpec:
    title: str
    items: Sequence[ItemSpec] = field(default_factory=tuple)


def _check_sections(sections: Sequence[SectionSpec]) -> None:
    if not sections or not any(s.items for s in sections):
        raise ValidationError({"sections": _("A checklist needs at least one section with one item.")})
    kinds = set(ChecklistItem.Kind.values)
    for section in sections:
        if not section.title.strip():
            raise ValidationError({"sections": _("Every section needs a title.")})
        for item in section.items:
            if not item.text.strip():
                raise ValidationError({"sections": _("Every item needs a text.")})
            if item.kind not in kinds:
                raise ValidationError({"sections": _("Unknown kind of item: %(kind)s") % {"kind": item.kind}})
            if not 1 <= item.weight <= 100:
                raise ValidationError({"sections": _("An item's weight is a whole number from 1 to 100.")})
            if item.kind == ChecklistItem.Kind.SCORE and not 1 <= item.max_points <= 100:
                raise ValidationError({"sections": _("A scored item's highest score is from 1 to 100.")})


def _write_sections(checklist: Checklist, sections: Sequence[SectionSpec]) -> int:
    checklist.sections.all().delete()
    count = 0
    for s_order, spec in enumerate(sections):
        section = ChecklistSection.objects.create(checklist=checklist, order=s_order, title=spec.title.strip()[:100])
        for i_order, item in enumerate(spec.items):
            ChecklistItem.objects.create(
                checklist=checklist,
                section=section,
                order=i_order,
                text=item.text.strip()[:300],
                kind=item.kind,
                weight=item.weight,
                max_points=item.max_points if item.kind == ChecklistItem.Kind.SCORE else 1,
                photo_required=item.photo_required,
                responsible_kind=item.responsible_kind,
                duty_id=item.duty_id,
            )
            count += 1
    return count


def sections_of(checklist: Checklist) -> list[SectionSpec]:
    """The checklist's sections and items as specs (to copy into the next version, or edit)."""
    items_by_section: dict[int, list[ItemSpec]] = {}
    for item in checklist.items.order_by("section__order", "order", "pk"):
        items_by_section.setdefault(item.section_id, []).append(
            ItemSpec(
                item.text,
                item.kind,
                item.weight,
                item.max_points,
                item.photo_required,
                item.responsible_kind,
                item.duty_id,
            )
        )
    return [SectionSpec(s.title, tuple(items_by_section.get(s.pk, ()))) for s in checklist.sections.order_by("order")]


def _check_compounds(town_id: int, all_compounds: bool, compounds: Iterable) -> list:
    compounds = list(compounds)
    if any(c.town_id != town_id for c in compounds):
        raise ValidationError({"compounds": _("Choose compounds of the town.")})
    if not all_compounds and not compounds:
        raise ValidationError({"compounds": _("Choose the compounds the checklist applies to, or all of them.")})
    return [] if all_compounds else compounds


def create_checklist(
    *, actor, town, name: str, sections: Sequence[SectionSpec] = (), all_compounds: bool = True, compounds=()
) -> Checklist:
    """A new checklist, as the draft of its first version."""
    _require(may_edit_checklists(actor, town.pk))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the checklist.")})
    chosen = _check_compounds(town.pk, all_compounds, compounds)
    if sections:
        _check_sections(sections)
    with transaction.atomic():
        checklist = Checklist(town=town, name=name[:100], all_compounds=all_compounds)
        checklist.series = checklist.uid
        checklist.save()
        checklist.compounds.set(chosen)
        items = _write_sections(checklist, sections)
        audit.record(
            actor,
            "inspections.checklist.create",
            checklist,
            after={"name": checklist.name, "number": 1, "items": items},
            town_id=town.pk,
        )
    return checklist


def save_checklist_draft(
    *,
    actor,
    checklist: Checklist,
    version: int | None,
    name: str,
    sections: Sequence[SectionSpec],
    all_compounds: bool = True,
    compounds=(),
) -> Checklist:
    """Replace a draft's name, compounds, sections and items. A published version is frozen."""
    _require(may_edit_checklists(actor, checklist.town_id))
    if checklist.frozen:
        raise ValidationError(_("A published checklist cannot be changed: make a new version."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the checklist.")})
    _check_sections(sections)
    chosen = _check_compounds(checklist.town_id, all_compounds, compounds)
    with transaction.atomic():
        current = lock(checklist, expected_version=version)
        if current.frozen:
            raise ValidationError(_("A published checklist cannot be changed: make a new version."))
        before = {"name": current.name, "items": current.items.count()}
        items = _write_sections(current, sections)
        current.name, current.all_compounds = name[:100], all_compounds
        current.version += 1
        current.save(update_fields=["name", "all_compounds", "version", "updated_at"])
        current.compounds.set(chosen)
        audit.record(
            actor, "inspections.checklist.update", current, before=before, after={"name": current.name, "items": items}
        )
    return current


def publish_checklist(*, actor, checklist: Checklist, version: int | None) -> Checklist:
    """The draft becomes the checklist in use; the version it replaces is superseded (the
    inspections made with it keep it)."""
    _require(may_edit_checklists(actor, checklist.town_id))
    with transaction.atomic():
        current = lock(checklist, expected_version=version)
        if current.state != Checklist.State.DRAFT:
            raise ValidationError(_("Only a draft can be published."))
        if not current.items.exists():
            raise ValidationError(_("A checklist needs at least one section with one item."))
        previous = Checklist.objects.select_for_update().filter(series=current.series, state=Checklist.State.PUBLISHED)
        replaced = [c.number for c in previous]
        previous.update(state=Checklist.State.SUPERSEDED)
        current.state = Checklist.State.PUBLISHED
        current.published_at, current.published_by = timezone.now(), actor
        current.version += 1
        current.save(update_fields=["state", "published_at", "published_by", "version", "updated_at"])
        audit.record(
            actor,
            "inspections.checklist.publish",
            current,
            before={"state": Checklist.State.DRAFT},
            after={"state": current.state, "number": current.number, "replaces": replaced},
        )
    return current


def revise_checklist(*, actor, checklist: Checklist) -> Checklist:
    """The draft of the next version, copied from this one (the existing draft if there is one)."""
    _require(may_edit_checklists(actor, checklist.town_id))
    with transaction.atomic():
        draft = Checklist.objects.select_for_update().filter(series=checklist.series, state=Checklist.State.DRAFT)
        existing = draft.first()
        if existing:
            return existing
        latest = Checklist.objects.filter(series=checklist.series).order_by("-number").first()
        new = Checklist(
            town_id=checklist.town_id,
            series=checklist.series,
            number=latest.number + 1,
            name=latest.name,
            all_compounds=latest.all_compounds,
        )
        new.save()
        new.compounds.set(latest.compounds.all())
        items = _write_sections(new, sections_of(latest))
        audit.record(
            actor,
            "inspections.checklist.revise",
            new,
            after={"name": new.name, "number": new.number, "from": latest.number, "items": items},
        )
    return new


def save_settings(*, actor, town, rectification_days: int, visit_interval_weeks: int) -> InspectionSettings:
    _require(may_edit_checklists(actor, town.pk))
    if not 1 <= rectification_days <= 60:
        raise ValidationError({"rectification_days": _("From 1 to 60 working days.")})
    if not 1 <= visit_interval_weeks <= 26:
        raise ValidationError({"visit_interval_weeks": _("From 1 to 26 weeks.")})
    with transaction.atomic():
        row, _created = InspectionSettings.objects.select_for_update().get_or_create(town=town)
        before = {"rectification_days": row.rectification_days, "visit_interval_weeks": row.visit_interval_weeks}
        row.rectification_days, row.visit_interval_weeks = rectification_days, visit_interval_weeks
        row.version += 1
        row.save(update_fields=["rectification_days", "visit_interval_weeks", "version", "updated_at"])
        after = {"rectification_days": rectification_days, "visit_interval_weeks": visit_interval_weeks}
        audit.record(actor, "inspections.inspectionsettings.update", row, before=before, after=after, town_id=town.pk)
    return row


# --- Plans ---------------------------------------------------------------------------------------


def group_people(group: Body, on: date | None = None):
    """The persons with an active membership of the group."""
    ids = Membership.objects.filter(body=group).active(on).values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("name")


def checklists_for(compound):
    """The published checklists that apply to the compound."""
    return (
        Checklist.objects.published()
        .filter(town_id=compound.town_id)
        .filter(Q(all_compounds=True) | Q(compounds=compound))
        .order_by("name")
        .distinct()
    )


def plan_visit(
    *, actor, group: Body, compound, on: date, checklist: Checklist, members: Iterable[Person] = ()
) -> Visit:
    _require(group.kind == Body.Kind.INSPECTION_GROUP and may_inspect_for(actor, group))
    checklist = Checklist.objects.get(pk=checklist.pk)  # its state now, not as the form read it
    if compound.town_id != group.town_id or not covers(group, compound):
        raise ValidationError({"compound": _("The compound is not in the group's coverage.")})
    if checklist.state != Checklist.State.PUBLISHED or not checklist.applies_to(compound):
        raise ValidationError({"checklist": _("Choose a published checklist that applies to the compound.")})
    members = list(members)
    allowed = set(group_people(group, on).values_list("pk", flat=True))
    if any(m.pk not in allowed for m in members):
        raise ValidationError({"members": _("Members are chosen among the group's members.")})
    with transaction.atomic():
        visit = Visit.objects.create(
            town_id=group.town_id, group=group, compound=compound, date=on, checklist=checklist, created_by=actor
        )
        visit.members.set(members)
        audit.record(
            actor,
            "inspections.visit.create",
            visit,
            after={
                "compound": compound.pk,
                "date": on,
                "checklist": checklist.pk,
                "members": sorted(m.pk for m in members),
            },
        )
    return visit


def cancel_visit(*, actor, visit: Visit, version: int | None) -> Visit:
    _require(may_inspect_for(actor, visit.group))
    with transaction.atomic():
        current = lock(visit, expected_version=version)
        if current.state != Visit.State.PLANNED:
            raise ValidationError(_("Only a planned visit can be cancelled."))
        current.state = Visit.State.CANCELLED
        current.version += 1
        current.save(update_fields=["state", "version", "updated_at"])
        audit.record(
            actor,
            "inspections.visit.cancel",
            current,
            before={"state": Visit.State.PLANNED},
            after={"state": current.state},
        )
    return current


# --- Carrying out --------------------------------------------------------------------------------


@dataclass
class ResultInput:
    outcome: str  # pass, fail, scored, na
    points: int | None = None
    note: str = ""
    photos: Sequence = ()


@dataclass
class FindingInput:
    text: str
    location: str = ""
    item_uid: str = ""
    photos: Sequence = ()
    rectify: bool = True
    responsible: Organization | None = None


def _clean_all(uploads: Sequence, what: str) -> list[CleanPhoto]:
    uploads = list(uploads or ())
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("%(what)s: attach at most %(n)s photos.") % {"what": what, "n": MAX_PHOTOS})
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as error:
            raise ValidationError(f"{what}：{' '.join(error.messages)}") from None
    return cleaned


def _save_photo(photo: CleanPhoto, *, town_id: int, **owner) -> Photo:
    row = Photo(
        town_id=town_id,
        extension=photo.extension,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        size=len(photo.data),
        sha256=photo.sha256,
        **owner,
    )
    row.image.save(f"{row.uid}.{photo.extension}", ContentFile(photo.data), save=False)
    row.save()
    return row


def _checked_results(items: list[ChecklistItem], results: Mapping[str, ResultInput]) -> dict:
    unknown = set(results) - {i.uid for i in items}
    if unknown:
        raise ValidationError(_("The form does not match the checklist; reload the page."))
    missing = [i for i in items if i.uid not in results or not results[i.uid].outcome]
    if missing:
        raise ValidationError(
            _("Answer every item (or mark it not applicable): %(n)s left, first “%(item)s”.")
            % {"n": len(missing), "item": missing[0].text}
        )
    out = {}
    for item in items:
        result = results[item.uid]
        allowed = (
            {ItemResult.Outcome.PASS, ItemResult.Outcome.FAIL, ItemResult.Outcome.NOT_APPLICABLE}
            if item.kind == ChecklistItem.Kind.PASS_FAIL
            else {ItemResult.Outcome.SCORED, ItemResult.Outcome.NOT_APPLICABLE}
        )
        if result.outcome not in allowed:
            raise ValidationError(_("“%(item)s”: choose one of the answers offered.") % {"item": item.text})
        points = None
        if result.outcome == ItemResult.Outcome.SCORED:
            if result.points is None or not 0 <= result.points <= item.max_points:
                raise ValidationError(
                    _("“%(item)s”: give a score from 0 to %(max)s.") % {"item": item.text, "max": item.max_points}
                )
            points = result.points
        out[item.uid] = ResultInput(result.outcome, points, (result.note or "").strip()[:300], result.photos)
    return out


def submit_inspection(
    *,
    actor,
    visit: Visit,
    submission_key: str,
    results: Mapping[str, ResultInput],
    findings: Sequence[FindingInput] = (),
    note: str = "",
) -> Inspection:
    """Record a visit's inspection once. The same `submission_key` again (a phone that lost the
    answer and sent it again) returns the inspection already taken, writing nothing; a photo that
    is too large or not a picture, or a required photo missing, refuses the whole submission."""
    key = (submission_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationError(_("The form's submission code is missing; reload the page."))
    existing = Inspection.objects.filter(submission_key=key).first()
    if existing is not None:
        if existing.visit_id != visit.pk:
            raise ValidationError(_("The form's submission code is missing; reload the page."))
        return existing
    _require(may_inspect_for(actor, visit.group))
    items = list(visit.checklist.items.select_related("section"))
    checked = _checked_results(items, results)
    by_uid = {i.uid: i for i in items}
    # Every photo is checked before anything is written.
    result_photos = {uid: _clean_all(r.photos, by_uid[uid].text) for uid, r in checked.items()}
    finding_photos = []
    for n, finding in enumerate(findings, start=1):
        if not (finding.text or "").strip():
            raise ValidationError(_("Finding %(n)s: describe what was found.") % {"n": n})
        if finding.item_uid and finding.item_uid not in by_uid:
            raise ValidationError(_("The form does not match the checklist; reload the page."))
        finding_photos.append(_clean_all(finding.photos, _("Finding %(n)s") % {"n": n}))
    for item in items:
        if not item.photo_required or checked[item.uid].outcome == ItemResult.Outcome.NOT_APPLICABLE:
            continue
        with_photo = result_photos[item.uid] or any(
            f.item_uid == item.uid and photos for f, photos in zip(findings, finding_photos, strict=True)
        )
        if not with_photo:
            raise ValidationError(_("“%(item)s” needs a photo.") % {"item": item.text})
    answers = [
        scoring.Answer(i.kind, i.weight, checked[i.uid].outcome, checked[i.uid].points, i.max_points) for i in items
    ]
    score = scoring.inspection_score(answers)
    try:
        with transaction.atomic():
            current = lock(visit, check_version=False, related=("group", "compound", "checklist"))
            existing = Inspection.objects.filter(submission_key=key).first()
            if existing is not None:
                return existing
            if current.state != Visit.State.PLANNED:
                raise ValidationError(
                    _("This visit has already been inspected.")
                    if current.state == Visit.State.DONE
                    else _("This visit was cancelled.")
                )
            now = timezone.now()
            inspection = Inspection.objects.create(
                town_id=current.town_id,
                visit=current,
                group=current.group,
                compound=current.compound,
                checklist=current.checklist,
                inspector=actor,
                note=(note or "").strip()[:2000],
                score=score,
                submitted_at=now,
                submission_key=key,
            )
            for item in items:
                r = checked[item.uid]
                row = ItemResult.objects.create(
                    inspection=inspection, item=item, outcome=r.outcome, points=r.points, note=r.note
                )
                for photo in result_photos[item.uid]:
                    _save_photo(photo, town_id=current.town_id, result=row)
            rows = []
            for order, (spec, photos) in enumerate(zip(findings, finding_photos, strict=True)):
                row = Finding.objects.create(
                    town_id=current.town_id,
                    inspection=inspection,
                    item=by_uid.get(spec.item_uid),
                    text=spec.text.strip()[:1000],
                    location=(spec.location or "").strip()[:200],
                    order=order,
                )
                for photo in photos:
                    _save_photo(photo, town_id=current.town_id, finding=row)
                rows.append((row, spec))
            current.state = Visit.State.DONE
            current.version += 1
            current.save(update_fields=["state", "version", "updated_at"])
            audit.record(
                actor,
                "inspections.inspection.submit",
                inspection,
                after={
                    "compound": current.compound_id,
                    "checklist": current.checklist_id,
                    "score": score,
                    "findings": len(rows),
                    "photos": sum(map(len, result_photos.values())) + sum(map(len, finding_photos)),
                },
            )
            for row, spec in rows:
                if spec.rectify:
                    _raise(actor, row, spec.responsible, None, current)
    except IntegrityError:
        # The same key committed by a concurrent request between our look and our write.
        existing = Inspection.objects.filter(submission_key=key).first()
        if existing is None:
            raise
        return existing
    return inspection


# --- Rectification -------------------------------------------------------------------------------


def responsible_choices(finding: Finding):
    """The organisations a finding's rectification may go to: those serving the compound."""
    compound = finding.inspection.compound
    return serving(compound.town_id, [compound.pk]).order_by("kind", "name")


def default_responsible(finding: Finding) -> Organization | None:
    """The organisation the finding's item is routed to (R-DUTY-1): the organisation of the item's
    duty's party — or of its organisation kind — serving the compound; None when the item says
    nothing or more than one organisation of that kind serves it."""
    item = finding.item
    kind = item.routed_kind if item else ""
    if not kind:
        return None
    candidates = list(responsible_choices(finding).filter(kind=kind)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _raise(actor, finding: Finding, responsible, case, visit: Visit) -> RectificationOrder:
    responsible = responsible or default_responsible(finding)
    if responsible is None:
        raise ValidationError(
            {"responsible": _("Choose the organisation responsible for “%(text)s”.") % {"text": finding.text[:30]}}
        )
    if not responsible_choices(finding).filter(pk=responsible.pk).exists():
        raise ValidationError({"responsible": _("Choose an organisation serving the compound.")})
    if case is not None and (case.town_id != finding.town_id or case.compound_id != visit.compound_id):
        raise ValidationError({"case": _("The case is not about this compound.")})
    if RectificationOrder.objects.filter(finding=finding).exists():
        raise ValidationError(_("This finding already has a rectification order."))
    return _issue(
        actor,
        RectificationOrder(
            finding=finding, subject=finding.text, group_id=visit.group_id, compound_id=visit.compound_id, case=case
        ),
        town_id=finding.town_id,
        responsible=responsible,
    )


def _issue(actor, order: RectificationOrder, *, town_id: int, responsible: Organization) -> RectificationOrder:
    """Save a new order, due in the town's rectification days from today, and audit it."""
    days = InspectionSettings.for_town(town_id).rectification_days
    due = deadline_after(timezone.localdate(), days, town_id=town_id)
    order.town_id, order.responsible = town_id, responsible
    order.issued_at, order.issued_by = timezone.now(), actor
    order.due_on, order.due_provisional = due.date, due.provisional
    order.save()
    audit.record(
        actor,
        "inspections.rectificationorder.create",
        order,
        after={
            "responsible": responsible.pk,
            "due_on": due.date,
            "origin": order.origin,
            **({"finding": order.finding_id} if order.finding_id else {"source": order.source_url}),
        },
    )
    return order


def issue_order_from_forum(
    *, actor, group: Body, compound, responsible: Organization, subject: str, source_url: str
) -> RectificationOrder:
    """An order for an opinion heard at a forum that asks for action (gongzhi.evaluations calls it,
    in its transaction): from the recording group, to the organisation the opinion concerns, for a
    compound of the group's coverage; answered, re-checked and swept like an inspection's order."""
    _require(may_inspect_for(actor, group))
    if not covers(group, compound):
        raise ValidationError(
            {"compound": _("%(compound)s is outside %(group)s's coverage.") % {"compound": compound, "group": group}}
        )
    if not serving(compound.town_id, [compound.pk]).filter(pk=responsible.pk).exists():
        raise ValidationError(
            {"compound": _("%(org)s does not serve %(compound)s.") % {"org": responsible, "compound": compound}}
        )
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError(_("Say what is to be rectified."))
    return _issue(
        actor,
        RectificationOrder(
            origin=RectificationOrder.Origin.FORUM,
            subject=subject[:2000],
            source_url=source_url[:200],
            group=group,
            compound=compound,
        ),
        town_id=compound.town_id,
        responsible=responsible,
    )


def groups_for(actor, compound) -> list[Body]:
    """The inspection groups covering the compound that the actor may act for: their own groups, or
    every covering group for the town's office."""
    return [g for g in groups_covering([compound]).get(compound.pk, []) if may_inspect_for(actor, g)]


def raise_order(*, actor, finding: Finding, responsible: Organization | None = None, case=None) -> RectificationOrder:
    """A rectification order for a finding, to `responsible` or the organisation its item routes to."""
    visit = finding.inspection.visit
    _require(may_inspect_for(actor, visit.group))
    with transaction.atomic():
        lock(Finding, finding.pk, check_version=False)
        return _raise(actor, finding, responsible, case, visit)


def _step(order: RectificationOrder, action: str) -> str:
    to = ORDER_WORKFLOW.target(action, order.state)
    if to is None:
        raise ValidationError(
            _("This order is %(state)s: it cannot be %(action)s.")
            % {"state": order.get_state_display(), "action": OrderAction(action).label}
        )
    return to


def answer_order(*, actor, order: RectificationOrder, version: int | None, text: str, photos: Sequence = ()):
    """The responsible organisation reports the rectification done, with evidence photos."""
    scope = get_scope(actor)
    _require(
        scope.is_platform_admin or (scope.has("inspections.answer") and order.responsible_id in scope.organization_ids)
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe what was done.")})
    cleaned = _clean_all(photos, _("Evidence"))
    if not cleaned:
        raise ValidationError({"photos": _("Attach at least one photo of the rectified place.")})
    with transaction.atomic():
        current = lock(order, expected_version=version)
        to = _step(current, OrderAction.ANSWER)
        before = {"state": current.state, "overdue": current.overdue}
        current.state, current.answer, current.answered_at = to, text[:2000], timezone.now()
        current.overdue = False
        current.version += 1
        current.save(update_fields=["state", "answer", "answered_at", "overdue", "version", "updated_at"])
        for photo in cleaned:
            _save_photo(photo, town_id=current.town_id, order=current)
        audit.record(
            actor,
            "inspections.rectificationorder.answer",
            current,
            before=before,
            after={
                "state": to,
                "answer": current.answer,
                "photos": len(cleaned),
                "late": timezone.localdate() > current.due_on,
            },
        )
    return current


def close_order(*, actor, order: RectificationOrder, version: int | None, note: str = ""):
    """The group's re-check found it rectified."""
    _require(may_inspect_for(actor, order.group))
    with transaction.atomic():
        current = lock(order, expected_version=version)
        to = _step(current, OrderAction.CLOSE)
        current.state, current.closed_at = to, timezone.now()
        current.recheck_note = (note or "").strip()[:2000]
        current.version += 1
        current.save(update_fields=["state", "closed_at", "recheck_note", "version", "updated_at"])
        audit.record(
            actor,
            "inspections.rectificationorder.close",
            current,
            before={"state": OrderState.ANSWERED},
            after={"state": to, "note": current.recheck_note, **({"case": current.case_id} if current.case_id else {})},
        )
    return current


def send_back_order(*, actor, order: RectificationOrder, version: int | None, note: str):
    """The group's re-check found it not rectified: back to the organisation with a new due date."""
    _require(may_inspect_for(actor, order.group))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is still wrong.")})
    with transaction.atomic():
        current = lock(order, expected_version=version)
        to = _step(current, OrderAction.SEND_BACK)
        days = InspectionSettings.for_town(current.town_id).rectification_days
        due = deadline_after(timezone.localdate(), days, town_id=current.town_id)
        before = {"state": current.state, "due_on": current.due_on}
        current.state, current.recheck_note = to, note[:2000]
        current.due_on, current.due_provisional = due.date, due.provisional
        current.sent_back += 1
        current.version += 1
        current.save(
            update_fields=["state", "recheck_note", "due_on", "due_provisional", "sent_back", "version", "updated_at"]
        )
        audit.record(
            actor,
            "inspections.rectificationorder.send_back",
            current,
            before=before,
            after={"state": to, "note": current.recheck_note, "due_on": due.date},
        )
    return current


# --- Cases seen fixed on site ------------------------------------------------------------------

# Cases are confirmed while the group is there: on the day of the inspection or in the week after,
# never later from the office (a confirmation says what the group saw).
CONFIRM_WINDOW_DAYS = 7


def cases_awaiting_confirmation(inspection: Inspection):
    """The compound's cases marked resolved and waiting for the resident's answer — the ones an
    inspection may confirm fixed on site."""
    return (
        Case.objects.filter(compound_id=inspection.compound_id, state=CaseState.RESOLVED)
        .select_related("category", "handler", "building")
        .order_by("resolved_at", "pk")
    )


def confirmation_window_open(inspection: Inspection, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (today - timezone.localtime(inspection.submitted_at).date()).days <= CONFIRM_WINDOW_DAYS


def confirm_case_on_site(*, actor, inspection: Inspection, case, note: str) -> CaseConfirmation:
    """The group saw on site that a resolved case of the compound is fixed: the case closes confirmed
    fixed (gongzhi.cases.services.confirm_fixed_on_site), recorded on this inspection."""
    _require(may_inspect_for(actor, inspection.group))
    if case.compound_id != inspection.compound_id:
        raise ValidationError(_("The case is not about this compound."))
    if not confirmation_window_open(inspection):
        raise ValidationError(
            _("Cases are confirmed on site during the inspection or within %(days)s days of it; this one is older.")
            % {"days": CONFIRM_WINDOW_DAYS}
        )
    note = (note or "").strip()
    with transaction.atomic():
        closed = confirm_fixed_on_site(actor=actor, case=case, note=note, inspection=inspection.uid)
        row = CaseConfirmation.objects.create(
            inspection=inspection,
            case=closed,
            note=note[:300],
            confirmed_by=actor,
            confirmed_at=closed.closed_at,
        )
        audit.record(
            actor,
            "inspections.inspection.confirm_case",
            inspection,
            after={"case": closed.number, "note": row.note},
        )
    return row


def flag_overdue_orders(today: date | None = None) -> int:
    """The sweep: orders waiting for their organisation past the due date are flagged overdue,
    once each (idempotent). Returns how many were flagged now."""
    today = today or timezone.localdate()
    flagged = 0
    due = RectificationOrder.objects.filter(state__in=AWAITING_ORGANISATION, overdue=False, due_on__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            current = lock(RectificationOrder, pk, check_version=False)
            if current.overdue or current.state not in AWAITING_ORGANISATION or current.due_on >= today:
                continue
            current.overdue = True
            current.save(update_fields=["overdue", "updated_at"])
            audit.record(
                None,
                "inspections.rectificationorder.overdue",
                current,
                before={"overdue": False},
                after={"overdue": True, "due_on": current.due_on},
            )
            flagged += 1
    return flagged
