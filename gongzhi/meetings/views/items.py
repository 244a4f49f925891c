"""An agenda item's page: materials, consultation, discussion, the vote, the resolution."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Case
from gongzhi.core.actions import Action, run_action
from gongzhi.core.pages import serve_private_file, timeline_context
from gongzhi.core.permissions import requires

from .. import forms, services
from ..models import (
    AgendaItem,
    AnnualReport,
    ItemAttachment,
    Meeting,
    Resolution,
)
from ..parties import seat_invitees
from ..workflow import (
    ITEM_ACTION_MEETING_STATES,
    ITEM_WORKFLOW,
    ItemAction,
    ItemState,
    MeetingState,
)
from .pages import (
    ITEM_BADGES,
    _item,
)


def _chair_forms(item: AgendaItem, ctx: dict, bound: dict, may) -> dict:
    """The chair's forms on an item's page (and the open vote's voters and tally)."""
    meeting, version, open_ballot = item.meeting, {"version": item.version}, ctx["open_ballot"]
    forms_: dict = {}
    if may(ItemAction.EDIT):
        forms_["edit_form"] = bound.get("edit") or forms.EditItemForm(
            town_id=item.town_id,
            initial={
                **version,
                "title": item.title,
                "description": item.description,
                "order": item.order,
                "major_kind": item.major_kind.uid if item.major_kind_id else None,
            },
        )
    if may(ItemAction.NOTE) and not meeting.minutes.filter(approved_at__isnull=False).exists():
        forms_["notes_form"] = bound.get("notes") or forms.NotesForm(initial={**version, "notes": item.notes})
    if may(ItemAction.OPEN_BALLOT):
        forms_["ballot_form"] = forms.VersionForm(initial=version)
    if may(ItemAction.CONCLUDE):
        forms_["conclude_form"] = bound.get("conclude") or forms.OutcomeForm(initial=version)
    if may(ItemAction.CARRY_OVER):
        forms_["carry_form"] = forms.VersionForm(initial=version)
    if open_ballot is not None and meeting.state == MeetingState.IN_SESSION:
        voted = {v.invitee_id: v for v in open_ballot.votes.all()}
        invitees = seat_invitees(meeting, list(meeting.invitees.select_related("organization").filter(voting=True)))
        forms_["voters"] = [(i, voted.get(i.pk)) for i in invitees]
        forms_["tally"] = services.tally(open_ballot)
    if (
        item.state == ItemState.PASSED
        and ctx["resolution"] is None
        and meeting.state
        in (
            MeetingState.IN_SESSION,
            MeetingState.ENDED,
        )
    ):
        forms_["resolution_form"] = bound.get("resolution") or forms.ResolutionForm(item=item)
    return forms_


def _cases_of(user, item: AgendaItem) -> list:
    """The item's cases, each marked `visible` when the user may open it (the agenda names every
    case; only those in the user's scope are links)."""
    cases = list(item.cases.select_related("category", "compound"))
    visible = set(Case.objects.for_user(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    for case in cases:
        case.visible = case.pk in visible
    return cases


def _item_context(request, item: AgendaItem, bound: dict | None = None) -> dict:
    bound = bound or {}
    meeting = item.meeting
    is_chair = services.may_chair(request.user, meeting)
    parties = services.parties_of(request.user, meeting.neighborhood_id)
    version = {"version": item.version}

    def may(action):
        return ITEM_WORKFLOW.allows(action, item.state) and meeting.state in ITEM_ACTION_MEETING_STATES[action]

    ballots = list(item.ballots.prefetch_related("votes__invitee"))
    open_ballot = next((b for b in ballots if b.is_open), None)
    ctx = {
        "nav": "meetings",
        "item": item,
        "meeting": meeting,
        "badge": ITEM_BADGES.get(item.state),
        "is_chair": is_chair,
        "attachments": list(item.attachments.all()),
        "cases": _cases_of(request.user, item),
        "ballots": ballots,
        "open_ballot": open_ballot,
        "resolution": Resolution.objects.filter(item=item).select_related("lead").first(),
        **timeline_context(request, item),
    }
    if item.major:
        ctx["matrix"] = services.consultation_matrix(item)
        ctx["missing"] = [org for org, position in ctx["matrix"] if position is None]
        mine = [p for p in parties if p in [org for org, _p in ctx["matrix"]]]
        if mine and may(ItemAction.POSITION):
            existing = {org.pk: position for org, position in ctx["matrix"]}.get(mine[0].pk)
            initial = {"organization": mine[0].uid}
            if existing:
                initial.update(stance=existing.stance, text=existing.text, version=existing.version)
            ctx["position_form"] = bound.get("position") or forms.PositionForm(initial=initial, parties=mine)
        if is_chair and may(ItemAction.OPEN_BALLOT) and ctx["missing"]:
            ctx["waiver_form"] = bound.get("waiver") or forms.ReasonForm(initial=version)
    if is_chair:
        ctx.update(_chair_forms(item, ctx, bound, may))
    if bound.get("withdraw") or (
        may(ItemAction.WITHDRAW)
        and (is_chair or (item.proposer_id and item.proposer in parties and not item.annual_report_id))
    ):
        ctx["withdraw_form"] = bound.get("withdraw") or forms.ReasonForm(initial=version)
    if may(ItemAction.EDIT) and (is_chair or (item.proposer_id and item.proposer in parties)):
        ctx["materials_form"] = bound.get("materials") or forms.MaterialsForm()
    if item.annual_report_id:
        ctx["annual_report"] = item.annual_report
        # linked only for those who may open the report (another compound's company may not)
        ctx["annual_report_visible"] = (
            AnnualReport.objects.for_user(request.user).filter(pk=item.annual_report_id).exists()
        )
    side = ("ballot_form", "conclude_form", "carry_form", "edit_form", "materials_form", "withdraw_form")
    main = ("position_form", "waiver_form", "voters", "resolution_form", "notes_form")
    ctx["side_actions"] = any(ctx.get(key) for key in side)
    ctx["main_actions"] = any(ctx.get(key) for key in main)
    return ctx


@requires("meetings.view")
def item_detail(request, uid):
    item = _item(request, uid)
    return render(request, "meetings/item_detail.html", _item_context(request, item))


@dataclass(frozen=True)
class _On:
    """What an action on an item runs on: the item, its meeting, the user and their parts."""

    user: object
    item: AgendaItem
    meeting: Meeting
    parties: list
    is_chair: bool

    @property
    def is_proposer(self) -> bool:
        return self.item.proposer_id is not None and self.item.proposer in self.parties

    def open_ballot(self, closed_message: str):
        """The item's open vote; a vote closed meanwhile is refused in words."""
        ballot = self.item.ballots.filter(closed_at__isnull=True).first()
        if ballot is None:
            raise ValidationError(closed_message)
        return ballot


def _chair(on: _On) -> bool:
    return on.is_chair


def _party_or_chair(on: _On) -> bool:
    return bool(on.parties) or on.is_chair


def _proposer_or_chair(on: _On) -> bool:
    return on.is_proposer or on.is_chair


def _version(form) -> int:
    return form.cleaned_data["version"]


def _record_position(on: _On, form):
    data = form.cleaned_data
    return services.record_position(
        actor=on.user,
        item=on.item,
        organization=data["organization"],
        stance=data["stance"],
        text=data["text"],
        expected_version=data["version"],
    )


def _edit_item(on: _On, form):
    data = form.cleaned_data
    return services.edit_item(
        actor=on.user,
        item=on.item,
        title=data["title"],
        description=data["description"],
        major_kind=data["major_kind"],
        order=data["order"],
        expected_version=data["version"],
    )


def _cast_vote(on: _On, form):
    ballot = on.open_ballot(_("This vote is closed: its result can no longer change."))
    data = form.cleaned_data
    return services.cast_vote(actor=on.user, ballot=ballot, invitee=data["invitee"], choice=data["choice"])


def _adopt_resolution(on: _On, form):
    data = form.cleaned_data
    return services.adopt_resolution(
        actor=on.user,
        item=on.item,
        text=data["text"],
        lead=data["lead"],
        co_organizations=list(data["co_organizations"]),
        due=data["due"],
    )


ITEM_ACTIONS = {
    "position": Action(
        form=lambda on, data, files: forms.PositionForm(data, parties=on.parties),
        call=_record_position,
        done=gettext_lazy("Position recorded."),
        allowed=_party_or_chair,
    ),
    "waiver": Action(
        form=lambda on, data, files: forms.ReasonForm(data),
        call=lambda on, form: services.waive_consultation(
            actor=on.user, item=on.item, reason=form.cleaned_data["reason"], expected_version=_version(form)
        ),
        done=gettext_lazy("Reason recorded: the item may go to the vote."),
        allowed=_chair,
    ),
    "edit": Action(
        form=lambda on, data, files: forms.EditItemForm(data, town_id=on.item.town_id),
        call=_edit_item,
        done=gettext_lazy("Item saved."),
        allowed=_chair,
    ),
    "notes": Action(
        form=lambda on, data, files: forms.NotesForm(data),
        call=lambda on, form: services.record_notes(
            actor=on.user, item=on.item, notes=form.cleaned_data["notes"], expected_version=_version(form)
        ),
        done=gettext_lazy("Discussion notes saved."),
        allowed=_chair,
    ),
    "ballot": Action(
        form=lambda on, data, files: forms.VersionForm(data),
        call=lambda on, form: services.open_ballot(actor=on.user, item=on.item, expected_version=_version(form)),
        done=gettext_lazy("The vote is open."),
        allowed=_chair,
        on_page=False,
    ),
    "vote": Action(
        form=lambda on, data, files: forms.VoteForm(data, meeting=on.meeting),
        call=_cast_vote,
        done=gettext_lazy("Vote recorded."),
        allowed=_chair,
        on_page=False,
    ),
    "close": Action(
        form=lambda on, data, files: forms.StyledForm(data),
        call=lambda on, form: services.close_ballot(
            actor=on.user, ballot=on.open_ballot(_("This vote is closed already."))
        ),
        done=gettext_lazy("The vote is closed."),
        allowed=_chair,
        on_page=False,
    ),
    "conclude": Action(
        form=lambda on, data, files: forms.OutcomeForm(data),
        call=lambda on, form: services.conclude_item(
            actor=on.user, item=on.item, outcome=form.cleaned_data["outcome"], expected_version=_version(form)
        ),
        done=gettext_lazy("Item concluded."),
        allowed=_chair,
    ),
    "carry": Action(
        form=lambda on, data, files: forms.VersionForm(data),
        call=lambda on, form: services.carry_over_item(actor=on.user, item=on.item, expected_version=_version(form)),
        done=gettext_lazy("Item carried over to the next meeting."),
        allowed=_chair,
        on_page=False,
    ),
    "withdraw": Action(
        form=lambda on, data, files: forms.ReasonForm(data),
        call=lambda on, form: services.withdraw_item(
            actor=on.user, item=on.item, reason=form.cleaned_data["reason"], expected_version=_version(form)
        ),
        done=gettext_lazy("Item withdrawn."),
        allowed=_proposer_or_chair,
    ),
    "materials": Action(
        form=lambda on, data, files: forms.MaterialsForm(data, files),
        call=lambda on, form: services.add_materials(actor=on.user, item=on.item, files=form.cleaned_data["files"]),
        done=gettext_lazy("Materials added."),
        allowed=_proposer_or_chair,
    ),
    "resolution": Action(
        form=lambda on, data, files: forms.ResolutionForm(data, item=on.item),
        call=_adopt_resolution,
        done=gettext_lazy(
            "Resolution adopted; the organisations carrying it out and the residents concerned are told."
        ),
        allowed=_chair,
        to=lambda on, resolution: resolution,
    ),
}


@require_POST
@requires("meetings.view")
def item_act(request, uid, action):
    item = _item(request, uid)
    meeting = item.meeting
    on = _On(
        user=request.user,
        item=item,
        meeting=meeting,
        parties=services.parties_of(request.user, meeting.neighborhood_id),
        is_chair=services.may_chair(request.user, meeting),
    )

    def page(key, form):
        messages.error(request, _("Nothing was saved: see the form below."))
        context = _item_context(request, _item(request, uid), {key: form})
        return render(request, "meetings/item_detail.html", context, status=400)

    return run_action(request, ITEM_ACTIONS, action, on, back=item, page=page)


@requires("meetings.view")
def item_file(request, uid, file_uid):
    item = _item(request, uid)
    attachment = get_object_or_404(ItemAttachment.objects.filter(item=item), uid=file_uid)
    return serve_private_file(attachment.file, attachment.name)


# --- resolutions ----------------------------------------------------------------------------
