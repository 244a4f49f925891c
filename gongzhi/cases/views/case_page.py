"""A case's page for staff: what the case is, its thread and timeline, and the actions the user
may take now, each declared once in CASE_ACTIONS (form, service, who may, message) and run by
core.actions. A case outside the user's scope is a 404; so is an action the user's role may not
take on it; an action the case's state no longer allows, or a stale form, is refused with the
reason on the page, the form as it was sent, and nothing changed."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import Action, run_action
from gongzhi.core.pages import revealed_phone, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope

from .. import services
from ..forms_staff import ACTION_FORMS, CallbackForm, MessageForm
from ..listing import reporter_of
from ..models import Case, Visit
from ..selectors import photos_by_stage
from ..workflow import Action as Step
from .staff import STATE_BADGES, deadline_of

# --- The actions -----------------------------------------------------------------------------

WORKFLOW_ACTIONS = {
    "accept": Step.ACCEPT,
    "start": Step.START,
    "explain": Step.EXPLAIN,
    "extend": Step.EXTEND,
    "escalate": Step.ESCALATE,
    "resolve": Step.RESOLVE,
    "reject": Step.REJECT,
    "merge": Step.MERGE,
    "callback": Step.CLOSE_UNREACHABLE,  # only the callback right allows it (not the resident)
}
ROUTING_ACTIONS = ("reassign", "co_handlers")


@dataclass(frozen=True)
class _On:
    user: object
    case: Case


def _may_reassign(on: _On) -> bool:
    return services.may_reassign(on.user, on.case)


def _may_set_co_handlers(on: _On) -> bool:
    return services.may_set_co_handlers(on.user, on.case)


def _may_message(on: _On) -> bool:
    return services.may_message_as_staff(on.user, on.case)


def _explain(on: _On, form):
    data = form.cleaned_data
    return services.explain_case(
        actor=on.user,
        case=on.case,
        explanation=data["explanation"],
        committed_date=data["committed_date"],
        expected_version=data["version"],
    )


def _extend(on: _On, form):
    data = form.cleaned_data
    return services.extend_commitment(
        actor=on.user,
        case=on.case,
        committed_date=data["committed_date"],
        reason=data["reason"],
        expected_version=data["version"],
    )


def _merge(on: _On, form):
    data = form.cleaned_data
    return services.merge_case(
        actor=on.user, case=on.case, into=form.other, reason=data["reason"], expected_version=data["version"]
    )


def _callback(on: _On, form):
    data = form.cleaned_data
    if data["outcome"] == CallbackForm.UNREACHABLE:
        return services.close_unreachable(
            actor=on.user, case=on.case, note=data["comment"], expected_version=data["version"]
        )
    return services.record_feedback(
        actor=on.user,
        case=on.case,
        fixed=data["outcome"] == CallbackForm.FIXED,
        rating=data["rating"],
        comment=data["comment"],
        expected_version=data["version"],
        by_callback=True,
    )


def _reassign(on: _On, form):
    data = form.cleaned_data
    return services.reassign_case(
        actor=on.user,
        case=on.case,
        organization=data["organization"],
        reason=data["reason"],
        expected_version=data["version"],
    )


def _set_co_handlers(on: _On, form):
    data = form.cleaned_data
    return services.set_co_handlers(
        actor=on.user, case=on.case, organizations=list(data["organizations"]), expected_version=data["version"]
    )


def _resolve(on: _On, form):
    data = form.cleaned_data
    return services.resolve_case(
        actor=on.user,
        case=on.case,
        resolution=data["resolution"],
        photos=data["photos"],
        expected_version=data["version"],
    )


def _with(service, field: str | None = None, argument: str | None = None):
    """The call of an action that passes at most one field of its form to the service (as
    `argument`, by default the field's name), with the version the form was shown on."""

    def call(on: _On, form):
        data = form.cleaned_data
        given = {argument or field: data[field]} if field else {}
        return service(actor=on.user, case=on.case, expected_version=data["version"], **given)

    return call


def _action(key: str, call, done, allowed=None) -> Action:
    """An action of the case page: its form from ACTION_FORMS, a message naming the case, success
    back to the case; by default the user's role must allow the workflow step (whatever the
    case's state now: the service refuses a step the state no longer allows, in words)."""

    def form(on: _On, data, files):
        return ACTION_FORMS[key](data, files, case=on.case, user=on.user)

    def role_allows(on: _On) -> bool:
        return services.role_allows(on.user, WORKFLOW_ACTIONS[key], on.case)

    def message(case: Case) -> str:
        return done % {"number": case.number}

    return Action(form=form, call=call, done=message, allowed=allowed or role_allows, to=lambda on, case: case)


CASE_ACTIONS = {
    "accept": _action("accept", _with(services.accept_case), gettext_lazy("Case %(number)s accepted.")),
    "start": _action("start", _with(services.start_case), gettext_lazy("Work on case %(number)s started.")),
    "explain": _action(
        "explain", _explain, gettext_lazy("Case %(number)s: explanation and commitment recorded; the resident is told.")
    ),
    "extend": _action(
        "extend", _extend, gettext_lazy("Case %(number)s: the committed date is extended; the resident is told.")
    ),
    "escalate": _action(
        "escalate",
        _with(services.escalate_case, "reason"),
        gettext_lazy("Case %(number)s is now awaiting the joint meeting."),
    ),
    "resolve": _action(
        "resolve",
        _resolve,
        gettext_lazy("Case %(number)s marked resolved; the resident is asked whether it is fixed."),
    ),
    "reject": _action("reject", _with(services.reject_case, "reason"), gettext_lazy("Case %(number)s rejected.")),
    "merge": _action("merge", _merge, gettext_lazy("Case %(number)s merged.")),
    "callback": _action("callback", _callback, gettext_lazy("Callback result of case %(number)s recorded.")),
    "reassign": _action("reassign", _reassign, gettext_lazy("Case %(number)s reassigned."), _may_reassign),
    "co_handlers": _action(
        "co_handlers", _set_co_handlers, gettext_lazy("Co-handlers of case %(number)s saved."), _may_set_co_handlers
    ),
}
MESSAGE = Action(
    form=lambda on, data, files: MessageForm(data),
    call=lambda on, form: services.post_message(actor=on.user, case=on.case, text=form.cleaned_data["text"]),
    done=gettext_lazy("Message sent to the resident."),
    allowed=_may_message,
    to=lambda on, message: f"{on.case.get_absolute_url()}#messages",
)


# --- The page --------------------------------------------------------------------------------


def action_labels() -> dict[str, str]:
    return {
        "accept": Step.ACCEPT.label,
        "start": Step.START.label,
        "explain": Step.EXPLAIN.label,
        "extend": Step.EXTEND.label,
        "escalate": Step.ESCALATE.label,
        "resolve": Step.RESOLVE.label,
        "reject": Step.REJECT.label,
        "merge": Step.MERGE.label,
        "callback": _("Record the callback"),
        "reassign": _("Reassign"),
        "co_handlers": _("Co-handlers"),
    }


def action_confirmations() -> dict[str, str]:
    return {
        "reject": _("Reject this case? The resident is told the reason."),
        "merge": _("Merge this case into the other one? It is then closed here."),
        "reassign": _("Give this case to another organisation?"),
    }


def _available(user, case: Case) -> list[str]:
    """The actions the user may take on the case now, in the order of the page."""
    keys = [key for key, step in WORKFLOW_ACTIONS.items() if services.may(user, step, case)]
    if "callback" in keys and services.callback_refusal(user, case):
        keys.remove("callback")  # not yet due: the resident may still answer themselves
    if "extend" in keys and services.extension_refusal(case, timezone.localdate()):
        keys.remove("extend")  # the limit is reached, or the commitment no longer stands
    if case.meeting_resolution:  # the resolution's date stands; only the joint meeting changes it
        keys = [key for key in keys if WORKFLOW_ACTIONS.get(key) not in services.NOT_UNDER_RESOLUTION]
    if case.is_open:
        on = _On(user=user, case=case)
        keys += [key for key in ROUTING_ACTIONS if CASE_ACTIONS[key].allowed(on)]
    return keys


class _ShownEntry:
    """An audit entry as the case page shows it: the resident's own steps (a report by QR code,
    feedback, a withdrawal) say "the resident", not their name and (masked) number."""

    def __init__(self, entry, case: Case):
        self._entry = entry
        actor = entry.actor if entry.actor_id else None
        if actor is not None and (
            entry.actor_id == case.reporter_user_id or (case.reporter_phone and actor.phone == case.reporter_phone)
        ):
            self.actor_label = _("The resident")
        else:
            self.actor_label = entry.actor_label

    def __getattr__(self, name):
        return getattr(self._entry, name)


def case_timeline(request, case: Case) -> dict:
    context = timeline_context(request, case)
    return {**context, "entries": [_ShownEntry(e, case) for e in context["entries"]]}


def _scoped_case(request, uid: str) -> Case:
    cases = Case.objects.for_user(request.user).select_related(
        "category__parent",
        "compound",
        "neighborhood",
        "building",
        "unit",
        "handler",
        "merged_into",
        "entered_by",
        "visit",
    )
    return get_object_or_404(cases, uid=uid)


def _render_case(request, case: Case, *, failed=None, message_form=None):
    scope = get_scope(request.user)
    co_handlers = list(case.co_handlers.order_by("kind", "name"))
    co_ids = [o.pk for o in co_handlers]
    keys = _available(request.user, case)
    labels, confirmations = action_labels(), action_confirmations()
    submits = {"callback": _("Record the result"), "co_handlers": _("Save co-handlers")}
    actions = []
    for key in keys:
        if failed is not None and failed[0] == key:
            form = failed[1]
        else:
            form = ACTION_FORMS[key](case=case, user=request.user)
        actions.append(
            {
                "key": key,
                "label": labels[key],
                "submit": submits.get(key, labels[key]),
                "form": form,
                "confirm": confirmations.get(key, ""),
                "simple": not form.visible_fields(),
                "open": failed is not None and failed[0] == key,
            }
        )
    failed_elsewhere = None
    if failed is not None and failed[0] not in keys:
        failed_elsewhere = {"label": labels[failed[0]], "form": failed[1]}
    due, due_label, overdue = deadline_of(case, timezone.localdate())
    may_message = services.may_message_as_staff(request.user, case)
    merged_visible = case.merged_into_id and Case.objects.for_user(request.user).filter(pk=case.merged_into_id).exists()
    return render(
        request,
        "cases/staff/case_detail.html",
        {
            "nav": "cases",
            "case": case,
            "badge": STATE_BADGES.get(case.state, "text-bg-secondary"),
            "reporter": reporter_of(scope, case, co_ids),
            "co_handlers": co_handlers,
            **photos_by_stage(case),
            "thread": list(case.messages.select_related("author")),
            "actions": actions,
            "failed_elsewhere": failed_elsewhere,
            "due": due,
            "due_label": due_label,
            "overdue": overdue,
            "may_message": may_message,
            "message_form": message_form or (MessageForm() if may_message else None),
            "merged_visible": merged_visible,
            "visit_visible": case.visit_id and Visit.objects.for_user(request.user).filter(pk=case.visit_id).exists(),
            **case_timeline(request, case),
        },
    )


@requires("cases.view")
def case_detail(request, uid):
    return _render_case(request, _scoped_case(request, uid))


@require_POST
@requires("cases.view")
def act(request, uid, action):
    case = _scoped_case(request, uid)

    def page(key, form):
        case.refresh_from_db()
        return _render_case(request, case, failed=(key, form))

    return run_action(request, CASE_ACTIONS, action, _On(user=request.user, case=case), back=case, page=page)


@require_POST
@requires("cases.view")
def post_message(request, uid):
    case = _scoped_case(request, uid)

    def page(key, form):
        return _render_case(request, case, message_form=form)

    on = _On(user=request.user, case=case)
    return run_action(request, {"message": MESSAGE}, "message", on, back=case, page=page)


@require_POST
@requires("cases.view")
def reporter_phone(request, uid):
    """The reporter's number in full, for a user who may read it (recorded in the case's history)."""
    case = _scoped_case(request, uid)
    try:
        phone = services.read_reporter_phone(actor=request.user, case=case)
    except PermissionDenied:
        raise Http404 from None
    return revealed_phone(request, name=case.reporter_name or case.number, phone=phone, back=case.get_absolute_url())


@requires("cases.view")
def photo(request, uid, photo_uid):
    """A photo of a case in the user's scope. Media files are not public: served here, privately."""
    case = get_object_or_404(Case.objects.for_user(request.user), uid=uid)
    picture = get_object_or_404(case.photos.all(), uid=photo_uid)
    try:
        handle = picture.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{case.number}-{picture.uid}.{picture.extension}"'
    return response
