"""Roles and the permission strings they carry. A user's roles come from the active memberships
of their Person (orgs.Membership): the kind of organisation or body decides the role, the
organisation's or body's place decides the scope (core.scope). Permissions live here, in code,
so that a review of this one table is a review of who may do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Community affairs office")
    LEADERSHIP = "leadership", _("Leadership group")
    INSPECTOR = "inspector", _("Inspection group")
    PARTY_ORG = "party_org", _("Neighborhood party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    GOVERNMENT_UNIT = "government_unit", _("Government unit")
    DEVELOPER = "developer", _("Developer")
    RESIDENT = "resident", _("Resident")


# What each permission allows; views check them with core.permissions.requires().
PERMISSION_DESCRIPTIONS = {
    "places.view": "see neighborhoods, compounds, buildings and units in scope",
    "places.manage": "create and edit compounds, buildings and units in scope",
    "town.manage": "manage the town: neighborhoods, organisations, bodies, contracts, duty lists",
    "orgs.view": "see organisations, bodies, contracts and duty lists in scope",
    "people.view": "see people and their memberships in scope",
    "people.contact": "see people's mobile numbers unmasked",
    "people.manage": "create and edit people and memberships",
    "residents.bind": "bind residents to units and confirm residents' claims",
    "audit.view": "read the town's audit log",
    "calendar.manage": "edit the working-day calendar",
    "onboarding.import": "import places, organisations and people from a spreadsheet",
    "cases.view": "see residents' cases in scope (and always those one's organisation handles)",
    "cases.handle": "act on cases one's organisation handles: accept, explain, resolve, message",
    "cases.enter": "enter cases for residents (phone calls, visits, walk-ins)",
    "cases.route": "reassign cases, add co-handlers, escalate to the joint meeting",
    "cases.callback": "call residents back when they have not answered, and record the result",
    "cases.rates": "see the three rates and hotspots in scope",
    "cases.settings": "edit case categories, deadlines, routing and the town's case settings",
    "visits.log": "log household visits",
    "meetings.view": "see joint meetings, agendas, resolutions and minutes in scope",
    "meetings.chair": "schedule and run joint meetings: agenda, invitations, attendance, votes, minutes",
    "meetings.propose": "propose agenda items and record one's party's position before the meeting",
    "meetings.settings": "edit the town's meeting rules and kinds of major matter",
    "resolutions.report": "report progress on resolutions one's organisation carries out",
    "inspections.view": "see inspection plans, inspections, findings and rectification orders in scope",
    "inspections.inspect": "plan and carry out inspections, order rectifications and re-check them",
    "inspections.answer": "answer rectification orders addressed to one's organisation, with evidence",
    "inspections.settings": "edit inspection checklists and the town's inspection settings",
    "evaluations.view": "see the quarterly inspection-evaluations, their reports and forums in scope",
    "evaluations.manage": "open a quarter's inspection-evaluation and set when the parties' reports are due",
    "evaluations.report": "write one's organisation's quarterly report",
    "evaluations.forum": "record forums and the opinions heard there",
    "surveys.view": "see satisfaction surveys, their progress and results in scope",
    "surveys.conduct": "draw a survey's sample, substitute non-responding units, record answers door to door or by telephone",
    "surveys.manage": "build questionnaires and open and close the town's satisfaction surveys",
    "credit.view": "see the credit files of property companies and compound managers in scope",
    "credit.manage": "record credit entries by hand, decide objections, check corrections, set the town's credit mode",
    "credit.object": "object to one's own organisation's credit records and ask for their correction",
    "assessments.view": "see assessment schemes, cycles and results in scope (and always one's own organisation's)",
    "assessments.manage": "edit assessment schemes, open and run cycles, decide objections, publish results",
    "assessments.score": "score the manual indicators of assessments in scope, with a written reason",
    "assessments.object": "see one's own organisation's draft assessment and object to it within the window",
    "assessments.approve": "approve the annual assessments (the leadership group)",
    "warnings.view": "see warning letters in scope (and always those addressed to one's organisation)",
    "warnings.manage": "approve, send, verify and escalate warning letters; edit their templates and triggers",
    "warnings.answer": "acknowledge and answer warning letters addressed to one's organisation, with evidence",
    "awards.view": "see the award rounds and the candidates in scope, with what decided their eligibility",
    "awards.manage": "open award rounds, check eligibility, submit the proposal, announce the approved awards",
    "awards.nominate": "nominate eligible candidates in scope for an award, with a reason",
    "awards.approve": "approve the year's awards (the leadership group)",
    "dashboard.view": "see the town (or one's neighborhood) at a glance, each figure linking to its records",
    "supervision.view": "see the town's overdue records and the urged ones (督办)",
    "supervision.urge": "urge an overdue case, rectification order, resolution or warning letter of the town (督办)",
    "reports.view": "see the town's evaluation reports, their figures, versions and distribution",
    "reports.write": "start and write the evaluation reports, submit them, keep the distribution list, distribute",
    "reports.approve": "approve the evaluation reports, which freezes them (the leadership group)",
    "reports.receive": "read the evaluation reports sent to one's organisation and confirm their receipt",
    "leadership.view": "see the leadership group's meetings: agendas, attendance, conclusions, decisions, minutes",
    "leadership.run": "schedule the leadership group's meetings, build their agenda, record attendance, "
    "conclusions, decisions and minutes",
}

_STAFF_VIEW = {"places.view", "orgs.view", "people.view", "cases.view", "cases.rates"}
_HANDLER = {"cases.handle", "cases.enter"}
_NEIGHBORHOOD_LEAD = {"cases.route", "cases.callback", "visits.log"}
_PARTY = {"meetings.view", "meetings.propose", "resolutions.report"}  # each of the four parties
# The four parties answer rectification orders and warning letters and read inspections and survey
# results about them; none of them runs an inspection or a survey: whoever is measured by a number
# does not move it.
_INSPECTED = {
    "inspections.view",
    "inspections.answer",
    "surveys.view",
    "evaluations.view",
    "evaluations.report",
    "warnings.view",
    "warnings.answer",
    "assessments.view",
    "assessments.object",
    "reports.receive",
}
# Everyone who works with a compound reads the credit of the property companies serving it.
_CREDIT_READER = {"credit.view"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset(PERMISSION_DESCRIPTIONS),
    Role.LEADERSHIP: frozenset(
        _STAFF_VIEW
        | {"audit.view", "meetings.view", "inspections.view", "surveys.view", "evaluations.view", "credit.view"}
        | {"warnings.view", "assessments.view", "assessments.approve", "awards.view", "awards.approve"}
        | {"supervision.view", "supervision.urge", "dashboard.view", "reports.view", "reports.approve"}
        | {"leadership.view", "leadership.run"}
    ),
    Role.INSPECTOR: frozenset(
        _STAFF_VIEW
        | {"meetings.view", "inspections.view", "inspections.inspect", "surveys.view", "surveys.conduct"}
        | {"evaluations.view", "evaluations.forum", "warnings.view", "assessments.view", "assessments.score"}
        | {"awards.view", "awards.nominate", "reports.view"}
        | _CREDIT_READER
    ),
    Role.PARTY_ORG: frozenset(
        _STAFF_VIEW
        | _HANDLER
        | _NEIGHBORHOOD_LEAD
        | _PARTY
        | _INSPECTED
        | {"people.contact", "residents.bind", "meetings.chair", "dashboard.view"}
        | _CREDIT_READER
    ),
    Role.RESIDENTS_COMMITTEE: frozenset(
        _STAFF_VIEW
        | _HANDLER
        | _NEIGHBORHOOD_LEAD
        | _PARTY
        | _INSPECTED
        | {"places.manage", "people.contact", "residents.bind"}
        | _CREDIT_READER
    ),
    Role.OWNERS_COMMITTEE: frozenset(_STAFF_VIEW | _HANDLER | _PARTY | _INSPECTED | _CREDIT_READER),
    # A property company reads its own credit file and its managers' (scoped in gongzhi.credit) and
    # objects to its records; it never writes one.
    Role.PROPERTY_COMPANY: frozenset(_STAFF_VIEW | _HANDLER | _PARTY | _INSPECTED | {"credit.view", "credit.object"}),
    Role.GOVERNMENT_UNIT: frozenset(
        {"orgs.view", "cases.view", "cases.handle", "meetings.view", "resolutions.report"}
        | {"inspections.view", "inspections.answer", "reports.receive"}
    ),
    # The developer takes part in forums and receives the evaluation reports (seed 七.4).
    Role.DEVELOPER: frozenset({"orgs.view", "reports.receive"}),
    Role.RESIDENT: frozenset(),
}

STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})
