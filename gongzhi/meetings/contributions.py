"""What the joint meetings add to the platform (gongzhi.core.registry): home-page items, the
periodic steps (monthly meetings, resolution reminders, agendas brought up to date), how the
history reads meetings, items, resolutions, minutes and annual reports, and the compliance table in
a database's fingerprint."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gongzhi.core import registry

from . import attention
from .fingerprint import compliance_figures
from .models import AgendaItem, Invitee, Position, Vote
from .services import refresh_agendas, schedule_regular_meetings, sweep_resolutions

registry.attention(100, attention.items_for)
registry.sweep(30, "meetings", schedule_regular_meetings)
registry.sweep(40, "resolutions", sweep_resolutions)
registry.sweep(60, "agenda_items", refresh_agendas)
registry.fingerprint(30, "compliance", compliance_figures)
registry.audit_labels(
    verbs_by_type={
        "meetings.meeting": {
            "create": lambda: _("Scheduled"),
            "reschedule": lambda: _("Time or place changed"),
            "designate_chair": lambda: _("Chair designated"),
            "invite_person": lambda: _("Person invited"),
            "uninvite_person": lambda: _("Removed from the invitations"),
            "invite": lambda: _("Invitations sent"),
            "open": lambda: _("Opened"),
            "attendance": lambda: _("Attendance taken"),
            "end": lambda: _("Ended"),
            "cancel": lambda: _("Cancelled"),
        },
        "meetings.item": {
            "add": lambda: _("Put on the agenda"),
            "propose": lambda: _("Proposed"),
            "edit": lambda: _("Edited"),
            "materials": lambda: _("Materials added"),
            "position": lambda: _("Position recorded"),
            "waive_consultation": lambda: _("Vote allowed without every position"),
            "notes": lambda: _("Discussion notes"),
            "open_ballot": lambda: _("Put to the vote"),
            "vote": lambda: _("Vote recorded"),
            "vote_correct": lambda: _("Vote corrected"),
            "close_ballot": lambda: _("Vote closed"),
            "conclude": lambda: _("Concluded without a vote"),
            "carry_over": lambda: _("Carried over"),
            "withdraw": lambda: _("Withdrawn"),
        },
        "meetings.resolution": {
            "adopt": lambda: _("Adopted"),
            "congress_task": lambda: _("Set by the residents' congress"),
            "body_decision": lambda: _("Decided by the leadership group"),
            "report": lambda: _("Progress reported"),
            "report_done": lambda: _("Reported carried out"),
            "close": lambda: _("Checked and closed"),
            "send_back": lambda: _("Checked: not yet done"),
            "reconsider": lambda: _("Reconsideration requested"),
            "keep": lambda: _("Kept on reconsideration"),
            "supersede": lambda: _("Replaced on reconsideration"),
            "contrary": lambda: _("Action contrary reported"),
            "overdue": lambda: _("Overdue"),
        },
        "meetings.minutes": {
            "draft": lambda: _("Minutes drafted"),
            "edit": lambda: _("Minutes edited"),
            "approve": lambda: _("Minutes approved"),
            "revise": lambda: _("New version of the minutes"),
        },
        "meetings.annualreport": {
            "draft": lambda: _("Draft saved"),
            "delegate": lambda: _("Deputy named"),
            "remove_file": lambda: _("File removed"),
            "submit": lambda: _("Submitted"),
            "rate": lambda: _("Rated"),
        },
        "meetings.settings": {"update": lambda: _("Edited")},
        "meetings.matterkind": {},
        "meetings.calendarfeed": {"renew": lambda: _("Calendar feed address renewed")},
        # recorded on the organisation by the resolution's follow-up
        "orgs.organization": {"contrary_to_resolution": lambda: _("Acted against a resolution")},
    },
    extra_fields={
        "voter": lambda: _("Voter"),
        "choice": lambda: _("Vote"),
        "stance": lambda: pgettext("stance", "Position"),
        "outcome": lambda: _("Outcome"),
        "explanation": lambda: _("How it was decided"),
        "invited": lambda: _("Invitations sent"),
        "carried_over": lambda: _("Items carried over"),
        "invitee": lambda: _("Invitee"),
        "voting": lambda: _("May vote"),
        "yes": lambda: pgettext("vote", "Yes"),
        "no": lambda: pgettext("vote", "No"),
        "abstain": lambda: pgettext("vote", "Abstain"),
        "present": lambda: _("Voting members present"),
        "progress": lambda: _("Progress"),
        "item": lambda: _("Agenda item"),
        "meeting": lambda: _("Meeting"),
        "occurred_on": lambda: _("Date it happened"),
        "chair_name": lambda: _("Chair"),
    },
    extra_choices={"choice": lambda: dict(Vote.Choice.choices), "stance": lambda: dict(Position.Stance.choices)},
    # the attendance is recorded by invitee: "unknown → present" reads 未登记 → 出席
    action_choices={"meetings.meeting.attendance": lambda: dict(Invitee.Attendance.choices)},
)


def case_section(request, case):
    """The joint-meeting items a case is on, as far as the user may see meetings."""
    items = list(
        AgendaItem.objects.for_user(request.user)
        .filter(cases=case)
        .select_related("meeting", "resolution_made")
        .order_by("meeting__starts_at")
    )
    return {"agenda_items": items} if items else None


registry.page_section("cases.case", 10, "meetings.case", template="meetings/section_case.html", context=case_section)
registry.nav_item(
    20, "meetings:list", label=gettext_lazy("Joint meetings"), active=("meetings", "resolutions", "notices"),
    permission="meetings.view",
)  # fmt: skip
