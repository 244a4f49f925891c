"""Every write of the joint meetings (DESIGN.md convention 1): scheduling, agenda, consultation,
attendance, votes, resolutions and their follow-up, minutes and annual reports. Each service
takes the acting account, checks the workflow table and the actor's right, writes in one
transaction with one audit entry, and notifies after commit.

One module per sub-domain; everything is re-exported here, so callers write
`from gongzhi.meetings import services` and `services.open_meeting(...)`."""

from .access import (  # noqa: F401
    _person_of,
    _require_chair,
    chairs_neighborhood,
    may_chair,
    neighborhood_parties,
    parties_of,
    party_kinds,
    represented_parties,
)
from .agenda import (  # noqa: F401
    _attach,
    _check_item_fields,
    _conclude,
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
    rate_annual_report,
    submit_annual_report,
)
from .ballots import (  # noqa: F401
    cast_vote,
    close_ballot,
    open_ballot,
    tally,
)
from .minutes import (  # noqa: F401
    approve_minutes,
    edit_minutes,
    revise_minutes,
    start_minutes,
)
from .resolutions import (  # noqa: F401
    _after_resolution_item,
    _resolution_number,
    adopt_resolution,
    carrier_of,
    check_resolution,
    notice_published,
    report_contrary_action,
    report_progress,
    request_reconsideration,
    sweep_resolutions,
)
from .rules import (  # noqa: F401
    DEFAULT_MAJOR_KINDS,
    _check_share,
    add_matter_kind,
    set_matter_kind_retired,
    settings_for,
    update_settings,
)
from .scheduling import (  # noqa: F401
    _create_meeting,
    _default_chair,
    _invitee_users,
    _notify_invitees,
    _period,
    _representatives,
    _send_invitations,
    _validate_meeting_fields,
    _when,
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
from .steps import (  # noqa: F401
    _item_step,
    _locked_item,
    _locked_meeting,
    _locked_minutes,
    _locked_resolution,
    _meeting_step,
    _next_order,
    _open_items,
    _resolution_step,
)
