"""An agenda item's page: materials, consultation, discussion, the vote, the resolution."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.pages import serve_private_file, timeline_context
from gongzhi.core.permissions import requires

from .. import forms, services
from ..models import (
    AgendaItem,
    ItemAttachment,
    Resolution,
)
from ..workflow import (
    ITEM_ACTION_MEETING_STATES,
    ITEM_TRANSITIONS,
    ItemAction,
    ItemState,
    MeetingState,
    allowed,
)
from .pages import (
    ITEM_BADGES,
    _item,
    _run,
    _town_organizations,
)


def _item_context(request, item: AgendaItem, bound: dict | None = None) -> dict:
    bound = bound or {}
    meeting = item.meeting
    is_chair = services.may_chair(request.user, meeting)
    parties = services.parties_of(request.user, meeting.neighborhood_id)
    version = {"version": item.version}

    def may(action):
        return allowed(ITEM_TRANSITIONS, action, item.state) and meeting.state in ITEM_ACTION_MEETING_STATES[action]

    ballots = list(item.ballots.prefetch_related("votes__invitee"))
    open_ballot = next((b for b in ballots if b.is_open), None)
    invitees = list(meeting.invitees.select_related("organization").filter(voting=True))
    ctx = {
        "nav": "meetings",
        "item": item,
        "meeting": meeting,
        "badge": ITEM_BADGES.get(item.state),
        "is_chair": is_chair,
        "attachments": list(item.attachments.all()),
        "cases": list(item.cases.select_related("category", "compound")),
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
        if may(ItemAction.EDIT):
            ctx["edit_form"] = bound.get("edit") or forms.EditItemForm(
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
            ctx["notes_form"] = bound.get("notes") or forms.NotesForm(initial={**version, "notes": item.notes})
        if may(ItemAction.OPEN_BALLOT):
            ctx["ballot_form"] = forms.VersionForm(initial=version)
        if may(ItemAction.CONCLUDE):
            ctx["conclude_form"] = bound.get("conclude") or forms.OutcomeForm(initial=version)
        if may(ItemAction.CARRY_OVER):
            ctx["carry_form"] = forms.VersionForm(initial=version)
        if open_ballot is not None and meeting.state == MeetingState.IN_SESSION:
            voted = {v.invitee_id: v for v in open_ballot.votes.all()}
            ctx["voters"] = [(i, voted.get(i.pk)) for i in invitees]
            ctx["tally"] = services.tally(open_ballot)
        if (
            item.state == ItemState.PASSED
            and ctx["resolution"] is None
            and meeting.state
            in (
                MeetingState.IN_SESSION,
                MeetingState.ENDED,
            )
        ):
            ctx["resolution_form"] = bound.get("resolution") or forms.ResolutionForm(
                organizations=_town_organizations(item.town_id)
            )
    if may(ItemAction.WITHDRAW) and (is_chair or (item.proposer_id and item.proposer in parties)):
        ctx["withdraw_form"] = bound.get("withdraw") or forms.ReasonForm(initial=version)
    if may(ItemAction.EDIT) and (is_chair or (item.proposer_id and item.proposer in parties)):
        ctx["materials_form"] = bound.get("materials") or forms.MaterialsForm()
    if item.annual_report_id:
        ctx["annual_report"] = item.annual_report
    side = ("ballot_form", "conclude_form", "carry_form", "edit_form", "materials_form", "withdraw_form")
    main = ("position_form", "waiver_form", "voters", "resolution_form", "notes_form")
    ctx["side_actions"] = any(ctx.get(key) for key in side)
    ctx["main_actions"] = any(ctx.get(key) for key in main)
    return ctx


@requires("meetings.view")
def item_detail(request, uid):
    item = _item(request, uid)
    return render(request, "meetings/item_detail.html", _item_context(request, item))


ITEM_DONE = {
    "position": gettext_lazy("Position recorded."),
    "waiver": gettext_lazy("Reason recorded: the item may go to the vote."),
    "edit": gettext_lazy("Item saved."),
    "notes": gettext_lazy("Discussion notes saved."),
    "ballot": gettext_lazy("The vote is open."),
    "vote": gettext_lazy("Vote recorded."),
    "close": gettext_lazy("The vote is closed."),
    "conclude": gettext_lazy("Item concluded."),
    "carry": gettext_lazy("Item carried over to the next meeting."),
    "withdraw": gettext_lazy("Item withdrawn."),
    "resolution": gettext_lazy(
        "Resolution adopted; the organisations carrying it out and the residents concerned are told."
    ),
    "materials": gettext_lazy("Materials added."),
}


@require_POST
@requires("meetings.view")
def item_act(request, uid, action):
    item = _item(request, uid)
    if action not in ITEM_DONE:
        raise Http404
    user, data = request.user, request.POST
    meeting = item.meeting
    parties = services.parties_of(user, meeting.neighborhood_id)
    proposer = item.proposer_id is not None and item.proposer in parties
    allowed_to = {"position": bool(parties), "withdraw": proposer, "materials": proposer}.get(action, False)
    if not (allowed_to or services.may_chair(user, meeting)):
        raise Http404
    if action == "position":
        form = forms.PositionForm(data, parties=parties)
        call = lambda: services.record_position(
            actor=user,
            item=item,
            organization=form.cleaned_data["organization"],
            stance=form.cleaned_data["stance"],
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "waiver":
        form = forms.ReasonForm(data)
        call = lambda: services.waive_consultation(
            actor=user, item=item, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
        )
    elif action == "edit":
        form = forms.EditItemForm(data, town_id=item.town_id)
        call = lambda: services.edit_item(
            actor=user,
            item=item,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            major_kind=form.cleaned_data["major_kind"],
            order=form.cleaned_data["order"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "notes":
        form = forms.NotesForm(data)
        call = lambda: services.record_notes(
            actor=user, item=item, notes=form.cleaned_data["notes"], expected_version=form.cleaned_data["version"]
        )
    elif action == "ballot":
        form = forms.VersionForm(data)
        call = lambda: services.open_ballot(actor=user, item=item, expected_version=form.cleaned_data["version"])
    elif action == "vote":
        form = forms.VoteForm(data, meeting=meeting)
        ballot = item.ballots.filter(closed_at__isnull=True).first()
        if ballot is None:
            messages.error(request, _("This vote is closed: its result can no longer change."))
            return redirect(item)
        call = lambda: services.cast_vote(
            actor=user, ballot=ballot, invitee=form.cleaned_data["invitee"], choice=form.cleaned_data["choice"]
        )
    elif action == "close":
        form = forms.StyledForm(data)
        ballot = item.ballots.filter(closed_at__isnull=True).first()
        if ballot is None:
            messages.error(request, _("This vote is closed already."))
            return redirect(item)
        call = lambda: services.close_ballot(actor=user, ballot=ballot)
    elif action == "conclude":
        form = forms.OutcomeForm(data)
        call = lambda: services.conclude_item(
            actor=user, item=item, outcome=form.cleaned_data["outcome"], expected_version=form.cleaned_data["version"]
        )
    elif action == "carry":
        form = forms.VersionForm(data)
        call = lambda: services.carry_over_item(actor=user, item=item, expected_version=form.cleaned_data["version"])
    elif action == "withdraw":
        form = forms.ReasonForm(data)
        call = lambda: services.withdraw_item(
            actor=user, item=item, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
        )
    elif action == "materials":
        form = forms.MaterialsForm(data, request.FILES)
        call = lambda: services.add_materials(actor=user, item=item, files=form.cleaned_data["files"])
    else:  # resolution
        form = forms.ResolutionForm(data, organizations=_town_organizations(item.town_id))
        call = lambda: services.adopt_resolution(
            actor=user,
            item=item,
            text=form.cleaned_data["text"],
            lead=form.cleaned_data["lead"],
            co_organizations=list(form.cleaned_data["co_organizations"]),
            due=form.cleaned_data["due"],
        )
    result = _run(request, form, call, ITEM_DONE[action])
    if result is not None:
        if action == "resolution":
            return redirect(result)
        return redirect(item)
    item = _item(request, uid)
    bound_key = {"ballot": None, "vote": None, "close": None, "carry": None}.get(action, action)
    if bound_key is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        for field in form:
            for error in field.errors:
                messages.error(request, error)
        return redirect(item)
    messages.error(request, _("Nothing was saved: see the form below."))
    return render(request, "meetings/item_detail.html", _item_context(request, item, {bound_key: form}), status=400)


@requires("meetings.view")
def item_file(request, uid, file_uid):
    item = _item(request, uid)
    attachment = get_object_or_404(ItemAttachment.objects.filter(item=item), uid=file_uid)
    return serve_private_file(attachment.file, attachment.name)


# --- resolutions ----------------------------------------------------------------------------
