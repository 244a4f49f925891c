"""Votes (民主表决): opening a ballot, named votes, the count by the town's rule, closing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.workflow import lock
from gongzhi.orgs.models import Person

from .. import voting
from ..models import (
    AgendaItem,
    Ballot,
    Invitee,
    Vote,
)
from ..workflow import (
    ItemAction,
    ItemState,
)
from .access import (
    _require_chair,
    party_kinds,
    represented_parties,
)
from .agenda import (
    missing_positions,
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
)


def open_ballot(*, actor, item: AgendaItem, expected_version: int) -> Ballot:
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        to = _item_step(current, ItemAction.OPEN_BALLOT)
        if current.major:
            missing = missing_positions(current)
            if missing and not current.consultation_waiver:
                raise ValidationError(
                    _(
                        "A major matter is put to the vote after every party has given its position (个别酝酿). "
                        "Missing: %(parties)s. Record them, or record why the vote goes ahead without them."
                    )
                    % {"parties": "、".join(org.name for org in missing)}
                )
        if current.meeting.invitees.filter(attendance=Invitee.Attendance.UNKNOWN, voting=True).exists():
            raise ValidationError(_("Record the attendance of the voting members before the vote."))
        ballot = Ballot.objects.create(item=current, opened_at=timezone.now(), opened_by=actor, major=current.major)
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version"])
        audit.record(
            actor, "meetings.item.open_ballot", current, before={"state": ItemState.ON_AGENDA}, after={"state": to}
        )
    return ballot


def cast_vote(*, actor, ballot: Ballot, invitee: Invitee, choice: str) -> Vote:
    """One named vote, recorded by the chair (or clerk) at the meeting, or by the member themself.
    The database holds one vote per member and ballot; recording another choice for the same member
    while the ballot is open corrects the vote (audited with both); a closed ballot changes no more."""
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    with transaction.atomic():
        current = lock(ballot, check_version=False, related=("item__meeting",))
        item = current.item
        # A vote depends on the attendance and the meeting's state: hold the meeting row too, so that
        # attendance taken or the meeting ended meanwhile waits for the vote (or the vote for them).
        item.meeting = _locked_meeting(item.meeting, check_version=False)
        invitee.refresh_from_db(fields=["attendance", "voting", "meeting"])
        is_self = invitee.person_id and Person.objects.filter(pk=invitee.person_id, user=actor).exists()
        if not is_self:
            _require_chair(actor, item.meeting)
        if not current.is_open:
            raise ValidationError(_("This vote is closed: its result can no longer change."))
        _item_step(item, ItemAction.VOTE)
        if invitee.meeting_id != item.meeting_id:
            raise ValidationError(_("Someone on the list is not invited to this meeting."))
        if not invitee.voting:
            raise ValidationError(_("%(name)s attends without a vote.") % {"name": invitee.name})
        if not invitee.here:
            raise ValidationError(_("%(name)s is not recorded as present.") % {"name": invitee.name})
        earlier = Vote.objects.filter(ballot=current, invitee=invitee).first()  # the ballot row is held
        if earlier is not None:
            return _correct(actor, item, earlier, choice)
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    ballot=current, invitee=invitee, choice=choice, recorded_by=actor, recorded_at=timezone.now()
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s has already voted on this item.") % {"name": invitee.name}) from None
        audit.record(actor, "meetings.item.vote", item, after={"voter": invitee.name, "choice": choice})
    return vote


def _correct(actor, item, vote: Vote, choice: str) -> Vote:
    """A vote recorded wrongly is corrected while the ballot is open (the record keeps both)."""
    if vote.choice == choice:
        return vote
    before = vote.choice
    vote.choice, vote.recorded_by, vote.recorded_at = choice, actor, timezone.now()
    vote.save(update_fields=["choice", "recorded_by", "recorded_at"])
    audit.record(
        actor,
        "meetings.item.vote_correct",
        item,
        before={"voter": vote.invitee.name, "choice": before},
        after={"voter": vote.invitee.name, "choice": choice},
    )
    return vote


def tally(ballot: Ballot) -> voting.Outcome:
    """The result of a ballot as it stands, by the town's rule (gongzhi.meetings.voting.decide)."""
    item = ballot.item
    invitees = list(item.meeting.invitees.select_related("organization").filter(voting=True))
    here = [i for i in invitees if i.here]
    speaks_for = represented_parties(item.meeting, here)
    counts = {choice: 0 for choice in Vote.Choice.values}
    for choice in ballot.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return voting.decide(
        yes=counts[Vote.Choice.YES],
        no=counts[Vote.Choice.NO],
        abstain=counts[Vote.Choice.ABSTAIN],
        present=len(here),
        invited_voters=len(invitees),
        parties_present=party_kinds(set().union(set(), *speaks_for.values())),
        major=ballot.major,
        rule=settings_for(item.town_id).rule(),
    )


def close_ballot(*, actor, ballot: Ballot) -> Ballot:
    with transaction.atomic():
        current = lock(ballot, check_version=False, related=("item__meeting",))
        item = _locked_item(current.item, check_version=False)
        item.meeting = _locked_meeting(item.meeting, check_version=False)  # the count reads the attendance
        _require_chair(actor, item.meeting)
        _item_step(item, ItemAction.CLOSE_BALLOT)
        if not current.is_open:
            raise ValidationError(_("This vote is closed already."))
        outcome = tally(current)
        current.closed_at = timezone.now()
        for field in ("yes", "no", "abstain", "present", "needed", "passed", "explanation"):
            setattr(current, field, getattr(outcome, field))
        current.save()
        item.state = ItemState.PASSED if outcome.passed else ItemState.NOT_PASSED
        item.outcome = outcome.explanation
        item.version += 1
        item.save(update_fields=["state", "outcome", "version"])
        audit.record(
            actor,
            "meetings.item.close_ballot",
            item,
            before={"state": ItemState.VOTING},
            after={
                "state": item.state,
                "yes": outcome.yes,
                "no": outcome.no,
                "abstain": outcome.abstain,
                "present": outcome.present,
                "explanation": outcome.explanation,
            },
        )
        if item.resolution_id and not outcome.passed:
            _after_resolution_item(actor, item, outcome.explanation)
    return current
