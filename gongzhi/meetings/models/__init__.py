"""Joint meetings (联席会议, R-MTG-1..5): the monthly and ad hoc meetings of a neighborhood's four
parties, their agendas, the parties' positions before the meeting (个别酝酿), attendance, votes
(民主表决), resolutions and their follow-up, the minutes (会议纪要) and the property company's
annual report (年度述职). Workflow fields change only through gongzhi.meetings.services; the
transition tables are in gongzhi.meetings.workflow.

One module per topic: `configuration` (the town's rules, kinds of major matter), `meetings`
(meetings, invitees), `agenda` (items, materials, positions), `votes`,
`resolutions` (and their follow-up), `minutes`, `annual_reports`, `feeds` (calendar feeds)."""

# The models register in this order, as when they were one module.
# isort: off
from .configuration import MatterKind, MeetingSettings
from .meetings import Invitee, Meeting, MeetingQuerySet, MeetingsQuerySet
from .agenda import AgendaCase, AgendaItem, AgendaItemQuerySet, ItemAttachment, Position
from .votes import Ballot, Vote
from .resolutions import ContraryAction, Evidence, ProgressReport, ResidentsCongress, Resolution, ResolutionQuerySet
from .minutes import Minutes
from .annual_reports import (
    REPORT_WORKFLOW,
    AnnualReport,
    AnnualReportFile,
    AnnualReportQuerySet,
    AnnualReportRating,
    ReportAction,
    ReportState,
)
from .feeds import CalendarFeed
# isort: on

__all__ = [
    "AgendaCase",
    "AgendaItem",
    "AgendaItemQuerySet",
    "REPORT_WORKFLOW",
    "AnnualReport",
    "AnnualReportFile",
    "AnnualReportQuerySet",
    "AnnualReportRating",
    "Ballot",
    "CalendarFeed",
    "ContraryAction",
    "Evidence",
    "Invitee",
    "ItemAttachment",
    "MatterKind",
    "Meeting",
    "MeetingQuerySet",
    "MeetingSettings",
    "MeetingsQuerySet",
    "Minutes",
    "Position",
    "ProgressReport",
    "ResidentsCongress",
    "ReportAction",
    "ReportState",
    "Resolution",
    "ResolutionQuerySet",
    "Vote",
]
