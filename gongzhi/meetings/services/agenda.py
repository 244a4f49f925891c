"""The agenda: drafted from what is waiting, proposed items and their materials, discussion and
conclusions, and the parties' positions before the meeting (个别酝酿)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import AgendaProposal, Case
from gongzhi.cases.workflow import State as CaseState
from gongzhi.core import audit
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.uploads import clean_files
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.orgs.models import Organization, Person, ServiceContract
from gongzhi.places.models import Compound

from ..models import (
    AgendaCase,
    AgendaItem,
    AnnualReport,
    ItemAttachment,
    MatterKind,
    Meeting,
    Position,
    Resolution,
)
from ..workflow import (
    ItemAction,
    ItemState,
    MeetingState,
    ResolutionState,
)
from .access import (
    _require_chair,
    may_chair,
    parties_of,
    represented_parties,
)
from .resolutions import (
    _after_resolution_item,
)
from .rules import (
    settings_for,
)
from .steps import (
    _item_step,
    _locked_item,
    _locked_meeting,
    _next_order,
    _open_items,
)

# Apps above meetings that add items to an agenda after the meeting's own sources (the written
# notices summarise their residents' opinions): each registers `source(meeting, actor) -> int`
# (how many items it added), from its AppConfig.ready().
_LATER_SOURCES: list = []


def add_later_source(source) -> None:
    if source not in _LATER_SOURCES:
        _LATER_SOURCES.append(source)


def later_sources() -> list:
    return list(_LATER_SOURCES)


def draft_agenda(meeting: Meeting, actor=None) -> int:
    """Add to a planned meeting what is waiting for the neighborhood's joint meeting and is not
    on an agenda yet: escalated cases, proposed hotspots, items carried over, resolutions to
    check or reconsider, and the property companies' annual reports when they are due; then the
    opinions on the neighborhood's notices (the later sources: `later_sources`). Idempotent; returns how many
    items were added."""
    if meeting.state not in MeetingState.PLANNED:
        return 0
    draft = _Draft(meeting, actor)
    # Carried-over items first: they bring their cases, hotspots and resolutions along, which the
    # other sources then do not add a second time (nor does the database let them).
    for add_waiting in (_add_carried_over, _add_cases, _add_hotspots, _add_resolutions, _add_annual_reports):
        add_waiting(draft)
    notices = sum(source(meeting, actor) for source in later_sources())
    if draft.added:
        audit.record_many(
            actor,
            [
                audit.Change(
                    "meetings.item.add", item, after={"title": item.title, "source": item.source, "meeting": meeting.pk}
                )
                for item in draft.added
            ],
        )
    return len(draft.added) + notices


class _Draft:
    """The items draft_agenda adds to `meeting`, numbered on after its last item."""

    def __init__(self, meeting: Meeting, actor):
        self.meeting = meeting
        self.actor = actor
        self.neighborhood_id = meeting.neighborhood_id
        self.day = timezone.localtime(meeting.starts_at).date()
        self.order = _next_order(meeting)
        self.added: list[AgendaItem] = []

    def add(self, **fields) -> AgendaItem:
        item = AgendaItem.objects.create(
            town_id=self.meeting.town_id, meeting=self.meeting, order=self.order, added_by=self.actor, **fields
        )
        self.order += 1
        self.added.append(item)
        return item


def _attach_cases(item: AgendaItem, cases) -> None:
    """Put cases on an item, leaving out those already on another item of the same meeting."""
    taken = set(AgendaCase.objects.filter(meeting_id=item.meeting_id).values_list("case_id", flat=True))
    links = []
    for case in cases:
        if case.pk not in taken:
            taken.add(case.pk)
            links.append(AgendaCase(item=item, case=case, meeting_id=item.meeting_id))
    AgendaCase.objects.bulk_create(links)


def _add_cases(draft: _Draft) -> None:
    """Cases escalated to the joint meeting, oldest first, one item each."""
    on_agenda_cases = _open_items().filter(cases__isnull=False).values("cases")
    on_this_meeting = AgendaCase.objects.filter(meeting=draft.meeting).values("case_id")
    cases = (
        Case.objects.filter(
            neighborhood_id=draft.neighborhood_id, state=CaseState.ESCALATED, escalated_at__lte=timezone.now()
        )
        .exclude(pk__in=on_agenda_cases)
        .exclude(pk__in=on_this_meeting)
        .select_related("category", "compound")
        .order_by("escalated_at")
    )
    for case in cases:
        item = draft.add(
            source=AgendaItem.Source.CASES,
            title=_("Case %(number)s: %(category)s at %(compound)s")
            % {"number": case.number, "category": case.category.name, "compound": case.compound.name},
            description=f"{case.description}\n\n{_('Why the joint meeting')}: {case.escalation_reason}".strip(),
            compound=case.compound,
        )
        _attach_cases(item, [case])


def _add_hotspots(draft: _Draft) -> None:
    """Hotspots proposed for the agenda (many cases of one kind at one compound), with their cases."""
    used_hotspots = _open_items().filter(hotspot__isnull=False).values("hotspot")
    on_this_meeting = AgendaItem.objects.filter(meeting=draft.meeting, hotspot__isnull=False).values("hotspot")
    for proposal in (
        AgendaProposal.objects.filter(neighborhood_id=draft.neighborhood_id, proposed_at__lte=timezone.now())
        .exclude(pk__in=used_hotspots)
        .exclude(pk__in=on_this_meeting)
        .select_related("category", "compound")
    ):
        item = draft.add(
            source=AgendaItem.Source.HOTSPOT,
            title=_("Hotspot: %(category)s at %(compound)s (%(count)d cases)")
            % {"category": proposal.category.name, "compound": proposal.compound.name, "count": proposal.case_count},
            description=proposal.note,
            compound=proposal.compound,
            hotspot=proposal,
        )
        _attach_cases(item, proposal.cases.all())


def _add_carried_over(draft: _Draft) -> None:
    """Items carried over from an earlier meeting, not yet put on a later agenda."""
    carried_on = AgendaItem.objects.filter(carried_from__isnull=False).values("carried_from")
    for old in (
        AgendaItem.objects.filter(meeting__neighborhood_id=draft.neighborhood_id, state=ItemState.CARRIED_OVER)
        .exclude(meeting=draft.meeting)
        .exclude(pk__in=carried_on)
        .prefetch_related("cases")
    ):
        item = draft.add(
            source=AgendaItem.Source.CARRIED_OVER,
            title=old.title,
            description=old.description,
            major_kind=old.major_kind,
            compound=old.compound,
            proposer=old.proposer,
            hotspot=old.hotspot,
            resolution=old.resolution,
            annual_report=old.annual_report,
            carried_from=old,
        )
        _attach_cases(item, old.cases.all())


def _add_resolutions(draft: _Draft) -> None:
    """Resolutions reported done (to check) or due by the meeting, and those under reconsideration."""
    on_agenda_resolutions = _open_items().filter(resolution__isnull=False).values("resolution")
    on_this_meeting = AgendaItem.objects.filter(meeting=draft.meeting, resolution__isnull=False).values("resolution")
    for resolution in (
        Resolution.objects.filter(neighborhood_id=draft.neighborhood_id, item__isnull=False)  # not the congress's
        .filter(
            Q(state__in=[ResolutionState.IMPLEMENTED, ResolutionState.RECONSIDERING])
            | Q(state=ResolutionState.IN_PROGRESS, due__lte=draft.day)
        )
        .exclude(pk__in=on_agenda_resolutions)
        .exclude(pk__in=on_this_meeting)
        .exclude(item__meeting=draft.meeting)
    ):
        reconsider = resolution.state == ResolutionState.RECONSIDERING
        draft.add(
            source=AgendaItem.Source.RECONSIDERATION if reconsider else AgendaItem.Source.FOLLOW_UP,
            title=(_("Reconsideration of resolution %(number)s") if reconsider else _("Check resolution %(number)s"))
            % {"number": resolution.number},
            description=resolution.text,
            major_kind=resolution.item.major_kind if reconsider else None,
            resolution=resolution,
        )


def _add_annual_reports(draft: _Draft) -> None:
    """Annual reports (R-MTG-5): in the town's month, one per active contract and year; the company
    is told when its report is first asked for."""
    meeting, day = draft.meeting, draft.day
    if day.month != settings_for(meeting.town_id).annual_report_month:
        return
    contracts = ServiceContract.objects.filter(compound__neighborhood_id=draft.neighborhood_id).active(day)
    for contract in contracts.select_related("compound", "company"):
        report, created = AnnualReport.objects.get_or_create(
            contract=contract,
            year=day.year,
            defaults={"town_id": meeting.town_id, "compound": contract.compound, "company": contract.company},
        )
        if created:
            _ask_for_annual_report(meeting, day, contract, report)
        if not _open_items().filter(annual_report=report).exists():
            draft.add(
                source=AgendaItem.Source.ANNUAL_REPORT,
                title=_("Annual report of %(company)s on %(compound)s, %(year)d")
                % {"company": contract.company.name, "compound": contract.compound.name, "year": report.year},
                compound=contract.compound,
                proposer=contract.company,
                annual_report=report,
            )


def _ask_for_annual_report(meeting: Meeting, day, contract: ServiceContract, report: AnnualReport) -> None:
    notify_many(
        [
            Message(
                text=_(
                    "Your annual report (年度述职) on %(compound)s for %(year)d is due at %(meeting)s "
                    "on %(day)s: submit it in the platform before the meeting."
                )
                % {"compound": contract.compound.name, "year": report.year, "meeting": meeting.title, "day": day},
                users=users_of([contract.company_id]),
                url=report.get_absolute_url(),
            )
        ]
    )


def _check_item_fields(title: str, description: str, major_kind: MatterKind | None, meeting: Meeting) -> None:
    errors = {}
    if not (title or "").strip() or len(title) > 200:
        errors["title"] = _("Give the item a title of 1 to 200 characters.")
    if len(description or "") > 5000:
        errors["description"] = _("The description is at most 5,000 characters.")
    if major_kind is not None and (major_kind.town_id != meeting.town_id or major_kind.retired):
        errors["major_kind"] = _("Choose one of the town's kinds of major matter.")
    if errors:
        raise ValidationError(errors)


def propose_item(
    *,
    actor,
    meeting: Meeting,
    title: str,
    description: str = "",
    major_kind: MatterKind | None = None,
    compound: Compound | None = None,
    proposer: Organization | None = None,
    files: Sequence = (),
) -> AgendaItem:
    """An item proposed by one of the four parties (or put on the agenda by the chair)."""
    _check_item_fields(title, description, major_kind, meeting)
    if compound is not None and compound.neighborhood_id != meeting.neighborhood_id:
        raise ValidationError({"compound": _("Choose a compound of this neighborhood.")})
    clean = clean_files(files)
    with transaction.atomic():
        current = _locked_meeting(meeting, check_version=False)
        if current.state not in MeetingState.PLANNED:
            raise ValidationError(_("Items are proposed before the meeting."))
        if actor is not None:
            proposer = _proposer_for(actor, current, proposer)
        item = AgendaItem.objects.create(
            town_id=current.town_id,
            meeting=current,
            order=_next_order(current),
            source=AgendaItem.Source.PROPOSAL,
            title=title.strip(),
            description=(description or "").strip(),
            major_kind=major_kind,
            compound=compound,
            proposer=proposer,
            added_by=actor,
        )
        _attach(item, clean, actor)
        audit.record(
            actor,
            "meetings.item.propose",
            item,
            after=audit.snapshot(item, ["title", "major_kind", "compound", "proposer"]) | {"files": len(clean)},
        )
        if actor is not None and current.chair_id:
            _tell_chair(actor, current, item)
    return item


def _proposer_for(actor, meeting: Meeting, proposer: Organization | None) -> Organization | None:
    """The party an item is proposed for: the one named, else the actor's own (the first of
    them); the chair may propose for any party, or for none."""
    mine = parties_of(actor, meeting.neighborhood_id)
    if proposer is None and mine:
        proposer = mine[0]
    if proposer is not None and proposer not in mine and not may_chair(actor, meeting):
        raise PermissionDenied(_("You may propose items only for your own organisation."))
    if proposer is None and not may_chair(actor, meeting):
        raise PermissionDenied(_("Only the four parties and the chair propose items."))
    return proposer


def _tell_chair(actor, meeting: Meeting, item: AgendaItem) -> None:
    """Tell the meeting's chair of an item someone else proposed."""
    chair_user = Person.objects.filter(pk=meeting.chair_id).values_list("user_id", flat=True).first()
    if chair_user and chair_user != actor.pk:
        notify_many(
            [
                Message(
                    text=_("New item proposed for %(meeting)s: %(title)s")
                    % {"meeting": meeting.title, "title": item.title},
                    users=[chair_user],
                    url=item.get_absolute_url(),
                )
            ]
        )


def _attach(item: AgendaItem, files, actor) -> None:
    for clean in files:
        attachment = ItemAttachment(item=item, name=clean.name, size=clean.size, uploaded_by=actor)
        attachment.file.save(clean.name, ContentFile(clean.content), save=False)
        attachment.save()


def add_materials(*, actor, item: AgendaItem, files: Sequence) -> int:
    clean = clean_files(files)
    if not clean:
        raise ValidationError({"files": _("Choose at least one file.")})
    with transaction.atomic():
        current = _locked_item(item, check_version=False)
        if not (
            may_chair(actor, current.meeting) or current.proposer in parties_of(actor, current.meeting.neighborhood_id)
        ):
            raise PermissionDenied(_("Only the chair and the proposer add materials."))
        if current.state in ItemState.DONE:
            raise ValidationError(_("The item has been concluded."))
        _attach(current, clean, actor)
        audit.record(actor, "meetings.item.materials", current, after={"files": [c.name for c in clean]})
    return len(clean)


def edit_item(
    *,
    actor,
    item: AgendaItem,
    title: str,
    description: str,
    major_kind: MatterKind | None,
    order: int,
    expected_version: int,
) -> AgendaItem:
    _check_item_fields(title, description, major_kind, item.meeting)
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        _item_step(current, ItemAction.EDIT)
        before = audit.snapshot(current, ["title", "description", "major_kind", "order"])
        current.title, current.description = title.strip(), (description or "").strip()
        current.major_kind, current.order = major_kind, max(0, int(order))
        current.version += 1
        current.save(update_fields=["title", "description", "major_kind", "order", "version"])
        audit.record(actor, "meetings.item.edit", current, before=before, after=audit.snapshot(current, before))
    return current


def withdraw_item(*, actor, item: AgendaItem, reason: str, expected_version: int) -> AgendaItem:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is withdrawn.")})
    if item.annual_report_id and not may_chair(actor, item.meeting):
        # The company's annual report is due every year (R-MTG-5): the company may not take it off.
        raise ValidationError(
            _("The annual report (年度述职) is due every year: the reporting company cannot withdraw it.")
        )
    return _conclude(actor, item, ItemAction.WITHDRAW, reason, expected_version, by_proposer=True)


def conclude_item(*, actor, item: AgendaItem, outcome: str, expected_version: int) -> AgendaItem:
    """Discussed, and noted without a vote (e.g. an annual report, a progress check)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Record what the meeting concluded.")})
    return _conclude(actor, item, ItemAction.CONCLUDE, outcome, expected_version)


def carry_over_item(*, actor, item: AgendaItem, expected_version: int) -> AgendaItem:
    return _conclude(actor, item, ItemAction.CARRY_OVER, _("Carried over to the next meeting."), expected_version)


def _conclude(actor, item, action, outcome, expected_version, by_proposer=False) -> AgendaItem:
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        proposer_ok = (
            by_proposer
            and current.proposer_id
            and current.proposer in parties_of(actor, current.meeting.neighborhood_id)
        )
        if not proposer_ok:
            _require_chair(actor, current.meeting)
        to = _item_step(current, action)
        before = {"state": current.state}
        current.state, current.outcome = to, outcome[:5000]
        current.version += 1
        current.save(update_fields=["state", "outcome", "version"])
        audit.record(actor, f"meetings.item.{action}", current, before=before, after={"state": to, "outcome": outcome})
        if action == ItemAction.CONCLUDE and current.resolution_id:
            _after_resolution_item(actor, current, outcome)
    return current


def record_notes(*, actor, item: AgendaItem, notes: str, expected_version: int) -> AgendaItem:
    """The discussion of an item (共同协商), as the chair or the clerk records it."""
    if len(notes or "") > 20000:
        raise ValidationError({"notes": _("The notes are at most 20,000 characters.")})
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        _item_step(current, ItemAction.NOTE)
        if current.meeting.minutes.filter(approved_at__isnull=False).exists():
            raise ValidationError(_("The minutes have been approved: the notes can no longer change."))
        before = {"notes": current.notes}
        current.notes = (notes or "").strip()
        current.version += 1
        current.save(update_fields=["notes", "version"])
        audit.record(actor, "meetings.item.notes", current, before=before, after={"notes": current.notes})
    return current


def required_parties(item: AgendaItem) -> list[Organization]:
    """The parties whose position a major item needs before the vote: the organisations of the
    four parties invited to the meeting — for an item about one compound, the neighborhood's party
    organisation and residents' committee with that compound's owners' committee and property
    company (the other compounds' committees and companies are not concerned)."""
    ids = set().union(*represented_parties(item.meeting, item.meeting.invitees.all()).values())
    parties = Organization.objects.filter(pk__in=ids)
    if item.compound_id:
        serving = ServiceContract.objects.filter(compound_id=item.compound_id).active(timezone.localdate())
        parties = parties.filter(
            Q(kind__in=Organization.NEIGHBORHOOD_KINDS)
            | Q(kind=Organization.Kind.OWNERS_COMMITTEE, compound_id=item.compound_id)
            | Q(kind=Organization.Kind.PROPERTY_COMPANY, pk__in=serving.values("company_id"))
        )
    return list(parties.order_by("kind", "code"))


def consultation_matrix(item: AgendaItem) -> list[tuple[Organization, Position | None]]:
    positions = {p.organization_id: p for p in item.positions.select_related("recorded_by")}
    return [(org, positions.get(org.pk)) for org in required_parties(item)]


def record_position(
    *, actor, item: AgendaItem, organization: Organization, stance: str, text: str = "", expected_version: int | None
) -> Position:
    """A party's position on a major item, recorded by one of its members (or changed later,
    before the vote; `expected_version` is that of the position being changed, None for a new one)."""
    if stance not in Position.Stance.values:
        raise ValidationError({"stance": _("Choose agree, agree with conditions, or disagree.")})
    text = (text or "").strip()
    if stance != Position.Stance.AGREE and not text:
        raise ValidationError({"text": _("Give the reasons or the conditions.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("At most 5,000 characters.")})
    with transaction.atomic():
        current = _locked_item(item, check_version=False)
        _item_step(current, ItemAction.POSITION)
        if organization not in parties_of(actor, current.meeting.neighborhood_id):
            raise PermissionDenied(_("A party's position is recorded by its own members."))
        if organization not in required_parties(current):
            raise ValidationError(_("This organisation is not one of the parties invited to the meeting."))
        now = timezone.now()
        position = Position.objects.select_for_update().filter(item=current, organization=organization).first()
        if position is None:
            if expected_version is not None:
                raise ConcurrentEditError()
            try:
                with transaction.atomic():
                    position = Position.objects.create(
                        item=current,
                        organization=organization,
                        stance=stance,
                        text=text,
                        recorded_by=actor,
                        recorded_at=now,
                    )
            except IntegrityError:
                raise ConcurrentEditError() from None
            before = None
        else:
            if expected_version != position.version:
                raise ConcurrentEditError()
            before = {"stance": position.stance, "text": position.text}
            position.stance, position.text, position.recorded_by, position.recorded_at = stance, text, actor, now
            position.version += 1
            position.save(update_fields=["stance", "text", "recorded_by", "recorded_at", "version"])
        audit.record(
            actor,
            "meetings.item.position",
            current,
            before=before,
            after={"organization": organization.name, "stance": stance, "text": text},
        )
    return position


def waive_consultation(*, actor, item: AgendaItem, reason: str, expected_version: int) -> AgendaItem:
    """The chair records why the vote goes ahead without every party's position."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the vote goes ahead without every position.")})
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        if current.state != ItemState.ON_AGENDA:
            raise ValidationError(_("The item is no longer waiting for its vote."))
        current.consultation_waiver = reason[:2000]
        current.version += 1
        current.save(update_fields=["consultation_waiver", "version"])
        audit.record(actor, "meetings.item.waive_consultation", current, after={"reason": reason})
    return current


def missing_positions(item: AgendaItem) -> list[Organization]:
    recorded = set(item.positions.values_list("organization_id", flat=True))
    return [org for org in required_parties(item) if org.pk not in recorded]
