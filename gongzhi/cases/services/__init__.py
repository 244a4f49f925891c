"""Every write to cases: named services with an actor, in a transaction, audited, counted
(gongzhi.cases.stats) and followed by notifications after commit. By sub-domain:

- access: who may do what (`may`, `role_allows`, `is_handler`, `is_reporter` …);
- intake: taking cases in (`submit_case`, `submit_cases`, `enter_case`);
- workflow: the actions of the case's table and reassigning (`accept_case` … `set_co_handlers`);
- messages, visits, hotspots, and the periodic sweep.

The names below are the public interface: `from gongzhi.cases import services; services.x`."""

from ..town_settings import settings_for
from .access import (
    belongs_to_handling,
    callback_refusal,
    is_co_handler,
    is_handler,
    is_reporter,
    may,
    may_message,
    may_message_as_staff,
    may_reassign,
    may_report_as_resident,
    may_set_co_handlers,
    role_allows,
)
from .hotspots import propose_hotspot
from .intake import (
    STAFF_NOT_RESIDENT,
    NewVisit,
    Report,
    Submission,
    enter_case,
    field_errors,
    submit_case,
    submit_cases,
)
from .messages import post_message, read_reporter_phone
from .sweep import sweep
from .visits import log_visit
from .workflow import (
    NOT_UNDER_RESOLUTION,
    accept_case,
    apply_meeting_resolution,
    close_unreachable,
    confirm_fixed_on_site,
    escalate_case,
    explain_case,
    extend_commitment,
    extension_refusal,
    merge_case,
    reassign_case,
    record_feedback,
    reject_case,
    resolve_by_meeting,
    resolve_case,
    return_from_meeting,
    set_co_handlers,
    start_case,
    withdraw_case,
)

__all__ = [
    "NOT_UNDER_RESOLUTION",
    "STAFF_NOT_RESIDENT",
    "NewVisit",
    "Report",
    "Submission",
    "accept_case",
    "apply_meeting_resolution",
    "belongs_to_handling",
    "callback_refusal",
    "close_unreachable",
    "confirm_fixed_on_site",
    "enter_case",
    "escalate_case",
    "explain_case",
    "extend_commitment",
    "extension_refusal",
    "field_errors",
    "is_co_handler",
    "is_handler",
    "is_reporter",
    "log_visit",
    "may",
    "may_message",
    "may_message_as_staff",
    "may_reassign",
    "may_report_as_resident",
    "may_set_co_handlers",
    "merge_case",
    "post_message",
    "read_reporter_phone",
    "propose_hotspot",
    "reassign_case",
    "record_feedback",
    "reject_case",
    "resolve_by_meeting",
    "resolve_case",
    "return_from_meeting",
    "role_allows",
    "set_co_handlers",
    "settings_for",
    "start_case",
    "submit_case",
    "submit_cases",
    "sweep",
    "withdraw_case",
]
