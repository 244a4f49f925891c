"""How audit entries read in the UI: a translated label for the action and the changed fields
with their verbose names, related objects by name, choices by label, phone numbers masked."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .masking import mask_phone

VERB_LABELS = {
    "create": lambda: _("Created"),
    "update": lambda: _("Edited"),
    "import_create": lambda: _("Created by spreadsheet import"),
    "import_update": lambda: _("Updated by spreadsheet import"),
    "bind": lambda: _("Bound by staff"),
    "claim": lambda: _("Claimed with invite code"),
    "verify": lambda: _("Confirmed"),
    "reject": lambda: _("Rejected"),
    "end": lambda: _("Ended"),
    "register": lambda: _("Registered by mobile number"),
    "link": lambda: _("Linked to account"),
    "retire": lambda: _("Retired"),
    "revoke": lambda: _("Revoked"),
    "restore": lambda: _("Restored"),
    "set": lambda: _("Set"),
    "set_password": lambda: _("Password set by the office"),
    "remove": lambda: _("Removed"),
    "confirm_year": lambda: _("Year schedule confirmed"),
    "add_member_unit": lambda: _("Member unit added"),
    "remove_member_unit": lambda: _("Member unit removed"),
    "add_coverage": lambda: _("Coverage added"),
    "remove_coverage": lambda: _("Coverage removed"),
    "invite_code_reset": lambda: _("Invite code renewed"),
    "import": lambda: _("Spreadsheet imported"),
}


# Verbs whose label depends on what was changed (a rejected case is 不予受理, a rejected claim 已驳回).
VERB_LABELS_BY_TYPE = {
    "cases.case": {
        "create": lambda: _("Reported"),
        "accept": lambda: _("Accepted"),
        "start": lambda: _("Work started"),
        "explain": lambda: _("Explained, with a committed date"),
        "escalate": lambda: _("Escalated to the joint meeting"),
        "resolve": lambda: _("Marked resolved"),
        "confirm": lambda: _("Confirmed fixed"),
        "reopen": lambda: _("Reopened (not fixed)"),
        "close_unreachable": lambda: _("Closed: resident not reachable"),
        "reject": lambda: _("Not taken up (invalid)"),
        "merge": lambda: _("Merged into another case"),
        "withdraw": lambda: _("Withdrawn"),
        "reassign": lambda: _("Reassigned"),
        "co_handlers": lambda: _("Co-handlers changed"),
        "message": lambda: _("Message"),
        "callback_due": lambda: _("Callback due"),
        "overdue": lambda: _("Deadline missed"),
    },
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
        "close_ballot": lambda: _("Vote closed"),
        "conclude": lambda: _("Concluded without a vote"),
        "carry_over": lambda: _("Carried over"),
        "withdraw": lambda: _("Withdrawn"),
    },
    "meetings.resolution": {
        "adopt": lambda: _("Adopted"),
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
    "meetings.annualreport": {"submit": lambda: _("Submitted"), "rate": lambda: _("Rated")},
    "meetings.settings": {"update": lambda: _("Edited")},
    "meetings.matterkind": {},
    "notices.notice": {
        "publish": lambda: _("Published"),
        "close": lambda: _("Comment period ended"),
        "summarise": lambda: _("Summarised for the joint meeting"),
    },
    "notices.opinion": {"create": lambda: _("Opinion given"), "reply": lambda: _("Replied")},
    "orgs.organization": {"contrary_to_resolution": lambda: _("Acted against a resolution")},
}

# Keys services record that are not fields of the object's model, with their labels.
EXTRA_LABELS = {
    "photos": lambda: _("Photos"),
    "routing_note": lambda: _("Routing note"),
    "reason": lambda: _("Reason"),
    "text": lambda: _("Message"),
    "from_resident": lambda: _("From the resident"),
    # joint meetings and notices
    "voter": lambda: _("Voter"),
    "choice": lambda: _("Vote"),
    "stance": lambda: pgettext("stance", "Position"),
    "organization": lambda: _("Organisation"),
    "files": lambda: _("Files"),
    "outcome": lambda: _("Outcome"),
    "explanation": lambda: _("How it was decided"),
    "invited": lambda: _("Invitations sent"),
    "carried_over": lambda: _("Items carried over"),
    "number": lambda: _("Number"),
    "sha256": lambda: "SHA-256",
    "note": lambda: _("Note"),
    "invitee": lambda: _("Invitee"),
    "voting": lambda: _("May vote"),
    "by": lambda: _("By"),
    "rating": lambda: _("Rating"),
    "yes": lambda: pgettext("vote", "Yes"),
    "no": lambda: pgettext("vote", "No"),
    "abstain": lambda: pgettext("vote", "Abstain"),
    "present": lambda: _("Voting members present"),
    "opinion": lambda: _("Opinion"),
    "progress": lambda: _("Progress"),
    "reply": lambda: _("Reply"),
    "unit": lambda: _("Unit"),
    "item": lambda: _("Agenda item"),
    "meeting": lambda: _("Meeting"),
    "closes_on": lambda: _("Comments until"),
    "description": lambda: pgettext("matter", "Description"),
    "occurred_on": lambda: _("Date it happened"),
    "chair_name": lambda: _("Chair"),
}


def _choices(module: str, path: str):
    def load():
        from importlib import import_module

        obj = import_module(module)
        for part in path.split("."):
            obj = getattr(obj, part)
        return dict(obj.choices)

    return load


# Keys (not model fields) whose recorded codes read as the labels of these choices.
EXTRA_CHOICES = {
    "choice": _choices("gongzhi.meetings.models", "Vote.Choice"),
    "stance": _choices("gongzhi.meetings.models", "Position.Stance"),
    "rating": _choices("gongzhi.cases.models", "Case.Rating"),
}

# Actions recorded on a parent whose before/after describe a row of another model.
DETAIL_MODELS = {
    "orgs.body.add_member_unit": "orgs.bodymemberunit",
    "orgs.body.remove_member_unit": "orgs.bodymemberunit",
    "orgs.body.add_coverage": "orgs.bodycoverage",
    "orgs.body.remove_coverage": "orgs.bodycoverage",
}


def model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(action: str) -> str:
    object_type, _sep, verb = action.rpartition(".")
    model = model_for(object_type)
    by_type = VERB_LABELS_BY_TYPE.get(object_type, {})
    if verb in by_type:
        verb_label = by_type[verb]()
    else:
        verb_label = VERB_LABELS[verb]() if verb in VERB_LABELS else verb
    if model is None:
        return verb_label
    return f"{model._meta.verbose_name} · {verb_label}"


def _display(field, value, can_see_contact: bool, name: str = ""):
    if value is None or value == "":
        return None
    if field is None:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if name in EXTRA_CHOICES and isinstance(value, str):
            return EXTRA_CHOICES[name]().get(value, value)
        return value
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else value
    if field.name == "phone" and not can_see_contact:
        return mask_phone(str(value))
    if field.is_relation and field.related_model is not None:
        if isinstance(value, list):  # many-to-many: a list of ids
            names = dict(field.related_model._default_manager.filter(pk__in=value).values_list("pk", "name"))
            return "、".join(str(names.get(pk, f"#{pk}")) for pk in value)
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def changes(entry, can_see_contact: bool = False) -> list[tuple[str, object, object]]:
    model = model_for(DETAIL_MODELS.get(entry.action, entry.object_type))
    before = entry.before or {}
    after = entry.after or {}
    rows = []
    for name in list(dict.fromkeys([*after.keys(), *before.keys()])):
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and not hasattr(field, "verbose_name"):  # a reverse relation: a plain value
                field = None
        if field is not None:
            label = str(field.verbose_name)
        else:
            label = str(EXTRA_LABELS[name]()) if name in EXTRA_LABELS else name
        rows.append(
            (
                label,
                _display(field, before.get(name), can_see_contact, name) if name in before else None,
                _display(field, after.get(name), can_see_contact, name) if name in after else None,
            )
        )
    return rows
