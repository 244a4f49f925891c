"""Pages of the joint meetings: the list, a meeting (agenda, invitations, attendance, minutes),
an agenda item (materials, consultation, discussion, vote, resolution), a resolution (progress,
check, reconsideration, contrary actions), an annual report, the minutes and their PDF, calendar
feeds, compliance, and the office's settings. Thin views: permission → scoped fetch → form →
service → message + redirect. What a user may not reach is a 404; a refused action is shown on
the page with the form as it was sent, and nothing is saved."""

from .annual_reports import annual_report, annual_report_file, annual_report_list  # noqa: F401
from .calendar import feed, feed_ics  # noqa: F401
from .compliance import compliance_page  # noqa: F401
from .items import item_act, item_detail, item_file  # noqa: F401
from .meetings import meeting_act, meeting_detail, meeting_ics, meeting_list, meeting_new, propose, remove_invitee  # noqa: F401
from .minutes import minutes, minutes_act, minutes_pdf  # noqa: F401
from .resolutions import (  # noqa: F401
    congress_task_new,
    evidence_file,
    resolution_act,
    resolution_detail,
    resolution_export,
    resolution_list,
)
from .settings import settings_page  # noqa: F401
