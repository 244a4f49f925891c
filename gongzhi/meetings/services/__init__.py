"""Every write of the joint meetings (DESIGN.md convention 1): scheduling, agenda, consultation,
attendance, votes, resolutions and their follow-up, minutes and annual reports. Each service
takes the acting account, checks the workflow table and the actor's right, writes in one
transaction with one audit entry, and notifies after commit.

One module per sub-domain; the public services are re-exported here, so callers write
`from gongzhi.meetings import services` and `services.open_meeting(...)`. Helpers that start
with an underscore stay in their modules (`_create_meeting` is exported for the demo's history,
which records meetings in the past)."""

from .access import (  # noqa: F401
    chairs_neighborhood,
    may_chair,
    neighborhood_parties,
    parties_of,
    party_kinds,
    represented_parties,
)
from .agenda import (  # noqa: F401
    add_later_source,
    add_materials,
    carry_over_item,
    conclude_item,
    consultation_matrix,
    draft_agenda,
    edit_item,
    missing_positions,
    propose_item,
    record_notes,
    record_position,
    required_parties,
    waive_consultation,
    withdraw_item,
)
from .annual_reports import (  # noqa: F401
    REPORT_SECTIONS,
    delegate_annual_report,
    delegation_refusal,
    deputy_candidates,
    rate_annual_report,
    remove_annual_report_file,
    reporter_refusal,
    save_annual_report_draft,
    submit_annual_report,
)
from .ballots import (  # noqa: F401
    cast_vote,
    close_ballot,
    open_ballot,
    tally,
)
from .calendar import renew_calendar_feed  # noqa: F401
from .minutes import (  # noqa: F401
    approve_minutes,
    edit_minutes,
    revise_minutes,
    start_minutes,
)
from .resolutions import (  # noqa: F401
    adopt_body_decision,
    adopt_resolution,
    carrier_of,
    check_resolution,
    may_check,
    may_decide_for_town,
    may_record_congress,
    notice_published,
    record_congress_task,
    report_contrary_action,
    report_progress,
    request_reconsideration,
    sweep_resolutions,
)
from .rules import (  # noqa: F401
    DEFAULT_MAJOR_KINDS,
    add_matter_kind,
    set_matter_kind_retired,
    settings_for,
    update_settings,
)
from .scheduling import (  # noqa: F401
    _create_meeting,
    add_invitee,
    bring_agenda_up_to_date,
    cancel_meeting,
    designate_chair,
    email_invitation_now,
    end_meeting,
    nth_working_day,
    open_meeting,
    record_attendance,
    refresh_agendas,
    remove_invitee,
    reschedule_meeting,
    schedule_meeting,
    schedule_regular_meetings,
    send_invitations,
)
