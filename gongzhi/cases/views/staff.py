"""Staff pages of cases: the inbox with its boxes and filters (and the Excel export of a list),
the case page with the actions the user may take now, staff entry of a case, the case's photos,
and household visits (R-DUTY-2). Thin views: permission → scoped fetch → form → service →
message + redirect. A case outside the user's scope is a 404; so is an action the user's role
may not take on it; an action the case's state no longer allows, or a stale form, is refused
with a message on the page and changes nothing."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import apply_service
from gongzhi.core.masking import mask_phone
from gongzhi.core.pages import can, paginate, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import Area, Scope, get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound

from .. import export, selectors, services
from ..forms_staff import (
    ACTION_FORMS,
    CallbackForm,
    CaseEntryForm,
    CaseFilterForm,
    CompoundChoiceForm,
    MessageForm,
    VisitFilterForm,
    VisitForm,
)
from ..models import Case, Category, Visit
from ..workflow import TRANSITIONS, Action, State

# --- What a staff member sees of a case ------------------------------------------------------

STATE_BADGES = {
    State.SUBMITTED: "text-bg-primary",
    State.ACCEPTED: "text-bg-info",
    State.IN_PROGRESS: "text-bg-info",
    State.EXPLAINED: "text-bg-warning",
    State.ESCALATED: "text-bg-warning",
    State.RESOLVED: "text-bg-success",
    State.CLOSED: "text-bg-secondary",
    State.REJECTED: "text-bg-light border",
    State.MERGED: "text-bg-light border",
    State.WITHDRAWN: "text-bg-light border",
}
RESOLVE_BY_STATES = (State.ACCEPTED, State.IN_PROGRESS, State.EXPLAINED, State.ESCALATED)


@dataclass(frozen=True)
class Reporter:
    """The reporter as one user may see them: withheld, or the name and a (masked) number."""

    withheld: bool
    name: str = ""
    phone: str = ""


def _covers(area: Area, case: Case) -> bool:
    return (
        area.everything
        or case.town_id in area.towns
        or case.neighborhood_id in area.neighborhoods
        or case.compound_id in area.compounds
    )


def sees_identity(scope: Scope, case: Case, co_handler_ids) -> bool:
    """When the resident asked to keep their identity from the handling organisation: whether the
    user sees the case through something other than membership of the handling or a co-handling
    organisation (the office, a neighborhood's party organisation or residents' committee that is
    not itself handling it, …)."""
    if scope.is_platform_admin:
        return True
    handling = {case.handler_id, *co_handler_ids}
    return any(
        "cases.view" in grant.permissions and grant.organization_id not in handling and _covers(grant.area, case)
        for grant in scope.grants
    )


def reporter_of(scope: Scope, case: Case, co_handler_ids) -> Reporter:
    if case.hide_identity and not sees_identity(scope, case, co_handler_ids):
        return Reporter(withheld=True)
    phone = case.reporter_phone
    if not _covers(scope.area("people.contact"), case):
        phone = mask_phone(phone)
    return Reporter(withheld=False, name=case.reporter_name, phone=phone)


def deadline_of(case: Case, today: date) -> tuple[date | None, str, bool]:
    """The deadline that matters in the case's state, its label, and whether it has passed."""
    if case.state == State.SUBMITTED:
        return case.accept_due, _("accept by"), case.accept_overdue or case.accept_due < today
    if case.state in RESOLVE_BY_STATES:
        overdue = case.state != State.ESCALATED and (case.resolve_overdue or case.resolve_due < today)
        return case.resolve_due, _("resolve by"), overdue
    return None, "", False


def decorate(cases, scope: Scope) -> list[Case]:
    """Give each case of a list what the templates show (no queries: co-handlers prefetched)."""
    today = timezone.localdate()
    rows = list(cases)
    for case in rows:
        co_handlers = [o.pk for o in case.co_handlers.all()]
        case.reporter_shown = reporter_of(scope, case, co_handlers)
        case.due, case.due_label, case.is_overdue = deadline_of(case, today)
        case.badge = STATE_BADGES.get(case.state, "text-bg-secondary")
    return rows


def _listed(cases):
    return cases.select_related("category", "compound", "building", "unit", "handler").prefetch_related("co_handlers")


# --- Inbox -----------------------------------------------------------------------------------


def _boxes(scope: Scope) -> list[str]:
    """The boxes worth a tab for this user: "new" and "mine" need an organisation, "callback"
    the right to call back."""
    shown = []
    for box in selectors.BOXES:
        if box in ("new", "mine") and not scope.organization_ids:
            continue
        if box == "callback" and not scope.has("cases.callback"):
            continue
        shown.append(box)
    return shown


def _work_towns(scope: Scope) -> list[int] | None:
    """The towns where the user works (None: all, for the platform admin)."""
    if scope.is_platform_admin:
        return None
    towns = set(scope.town_ids)
    if scope.organization_ids:
        towns |= set(Organization.objects.filter(pk__in=scope.organization_ids).values_list("town_id", flat=True))
    return sorted(towns)


def _in_towns(queryset, towns):
    return queryset if towns is None else queryset.filter(town_id__in=towns)


def _filter_form(request) -> CaseFilterForm:
    scope = get_scope(request.user)
    towns = _work_towns(scope)
    return CaseFilterForm(
        request.GET or None,
        categories=_in_towns(Category.objects.filter(retired=False), towns).order_by("town_id", "order", "code"),
        compounds=Compound.objects.for_user(request.user, "cases.view").order_by("town_id", "code"),
        organizations=_in_towns(Organization.objects.all(), towns).order_by("town_id", "kind", "name"),
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(request, cases, form: CaseFilterForm):
    if not form.is_bound:
        return cases
    form.is_valid()
    data = form.cleaned_data
    if data.get("q"):
        q = data["q"].strip()
        cases = cases.filter(Q(number__icontains=q) | Q(description__icontains=q) | Q(location__icontains=q))
    if data.get("state"):
        cases = cases.filter(state=data["state"])
    for name in ("category", "compound", "handler"):
        if data.get(name) is not None:
            cases = cases.filter(**{name: data[name]})
    if data.get("overdue"):
        cases = cases.filter(pk__in=selectors.inbox(request.user, "overdue").values("pk"))
    if data.get("submitted_from"):
        cases = cases.filter(submitted_at__gte=_start_of(data["submitted_from"]))
    if data.get("submitted_to"):
        cases = cases.filter(submitted_at__lt=_start_of(data["submitted_to"] + timedelta(days=1)))
    return cases


def _box(request, scope: Scope, counts: dict[str, int]) -> str:
    boxes = _boxes(scope)
    asked = request.GET.get("box")
    if asked in boxes:
        return asked
    return next((box for box in boxes if box != "all" and counts.get(box)), "all")


@requires("cases.view")
def inbox(request):
    scope = get_scope(request.user)
    counts = selectors.box_counts(request.user)
    box = _box(request, scope, counts)
    form = _filter_form(request)
    cases = _filtered(request, selectors.inbox(request.user, box), form).order_by("-submitted_at", "-pk")
    page = paginate(request, _listed(cases))
    page.object_list = decorate(page.object_list, scope)
    query = request.GET.copy()
    query.pop("page", None)
    query["box"] = box
    tabs = []
    for name in _boxes(scope):
        params = request.GET.copy()
        params.pop("page", None)
        params["box"] = name
        tabs.append(
            {"box": name, "label": selectors.BOXES[name], "count": counts.get(name), "query": params.urlencode()}
        )
    return render(
        request,
        "cases/staff/inbox.html",
        {
            "nav": "cases",
            "box": box,
            "box_label": selectors.BOXES[box],
            "tabs": tabs,
            "form": form,
            "page_obj": page,
            "export_query": query.urlencode(),
            "can_enter": scope.has("cases.enter"),
            "can_log_visit": scope.has("visits.log"),
        },
    )


@requires("cases.view")
def export_cases(request):
    """The filtered list of the current box as an Excel workbook: every row, not just a page."""
    scope = get_scope(request.user)
    box = request.GET.get("box") if request.GET.get("box") in _boxes(scope) else "all"
    form = _filter_form(request)
    cases = _listed(_filtered(request, selectors.inbox(request.user, box), form).order_by("-submitted_at", "-pk"))

    def reporter(case):
        return reporter_of(scope, case, [o.pk for o in case.co_handlers.all()])

    name = f"cases-{box}-{timezone.localdate():%Y%m%d}.xlsx"
    return export.workbook_response(cases.iterator(chunk_size=2000), reporter, filename=name)


# --- The case page ---------------------------------------------------------------------------

WORKFLOW_ACTIONS = {
    "accept": Action.ACCEPT,
    "start": Action.START,
    "explain": Action.EXPLAIN,
    "escalate": Action.ESCALATE,
    "resolve": Action.RESOLVE,
    "reject": Action.REJECT,
    "merge": Action.MERGE,
    "callback": Action.CLOSE_UNREACHABLE,  # only the callback right allows it (not the resident)
}


def action_labels() -> dict[str, str]:
    return {
        "accept": Action.ACCEPT.label,
        "start": Action.START.label,
        "explain": Action.EXPLAIN.label,
        "escalate": Action.ESCALATE.label,
        "resolve": Action.RESOLVE.label,
        "reject": Action.REJECT.label,
        "merge": Action.MERGE.label,
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


def _done_message(key: str, case: Case) -> str:
    texts = {
        "accept": _("Case %(number)s accepted."),
        "start": _("Work on case %(number)s started."),
        "explain": _("Case %(number)s: explanation and commitment recorded; the resident is told."),
        "escalate": _("Case %(number)s is now awaiting the joint meeting."),
        "resolve": _("Case %(number)s marked resolved; the resident is asked whether it is fixed."),
        "reject": _("Case %(number)s rejected."),
        "merge": _("Case %(number)s merged."),
        "callback": _("Callback result of case %(number)s recorded."),
        "reassign": _("Case %(number)s reassigned."),
        "co_handlers": _("Co-handlers of case %(number)s saved."),
    }
    return texts[key] % {"number": case.number}


def _permitted(request, case: Case, key: str) -> bool:
    """Whether the user's role allows the action on this case at all, whatever its state now."""
    user = request.user
    if key in WORKFLOW_ACTIONS:
        action = WORKFLOW_ACTIONS[key]
        probe = copy.copy(case)
        probe.state = TRANSITIONS[action][0][0]
        return services.may(user, action, probe)
    if key == "reassign":
        return can(request, "cases.route", case)
    if key == "co_handlers":
        return can(request, "cases.route", case) or services.is_handler(user, case)
    return False


def _available(request, case: Case) -> list[str]:
    """The actions the user may take on the case now, in the order of the page."""
    keys = [key for key, action in WORKFLOW_ACTIONS.items() if services.may(request.user, action, case)]
    if case.is_open:
        keys += [key for key in ("reassign", "co_handlers") if _permitted(request, case, key)]
    return keys


def _may_message(request, case: Case) -> bool:
    """Who may write to the resident (the rule of services.post_message, staff side)."""
    user = request.user
    return services.is_handler(user, case) or services.is_co_handler(user, case) or can(request, "cases.route", case)


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
    keys = _available(request, case)
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
    may_message = _may_message(request, case)
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
            "photos": list(case.photos.all()),
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
            "callback_waiting": case.state == State.RESOLVED and not case.callback_notified,
            "agenda_items": _agenda_items(request, case),
            **case_timeline(request, case),
        },
    )


def _agenda_items(request, case: Case) -> list:
    """The joint-meeting items this case is on, as far as the user may see meetings."""
    from gongzhi.meetings.models import AgendaItem

    return list(
        AgendaItem.objects.for_user(request.user)
        .filter(cases=case)
        .select_related("meeting", "resolution_made")
        .order_by("meeting__starts_at")
    )


@requires("cases.view")
def case_detail(request, uid):
    return _render_case(request, _scoped_case(request, uid))


def _run(request, key: str, case: Case, form):
    """Call the service behind one action with the form's data."""
    user, data = request.user, form.cleaned_data
    version = data["version"]
    if key == "accept":
        return services.accept_case(actor=user, case=case, expected_version=version)
    if key == "start":
        return services.start_case(actor=user, case=case, expected_version=version)
    if key == "explain":
        return services.explain_case(
            actor=user,
            case=case,
            explanation=data["explanation"],
            committed_date=data["committed_date"],
            expected_version=version,
        )
    if key == "escalate":
        return services.escalate_case(actor=user, case=case, reason=data["reason"], expected_version=version)
    if key == "resolve":
        return services.resolve_case(actor=user, case=case, resolution=data["resolution"], expected_version=version)
    if key == "reject":
        return services.reject_case(actor=user, case=case, reason=data["reason"], expected_version=version)
    if key == "merge":
        return services.merge_case(
            actor=user, case=case, into=form.other, reason=data["reason"], expected_version=version
        )
    if key == "callback":
        if data["outcome"] == CallbackForm.UNREACHABLE:
            return services.close_unreachable(actor=user, case=case, note=data["comment"], expected_version=version)
        return services.record_feedback(
            actor=user,
            case=case,
            fixed=data["outcome"] == CallbackForm.FIXED,
            rating=data["rating"],
            comment=data["comment"],
            expected_version=version,
            by_callback=True,
        )
    if key == "reassign":
        return services.reassign_case(
            actor=user,
            case=case,
            organization=data["organization"],
            reason=data["reason"],
            expected_version=version,
        )
    if key == "co_handlers":
        return services.set_co_handlers(
            actor=user, case=case, organizations=list(data["organizations"]), expected_version=version
        )
    raise Http404


@require_POST
@requires("cases.view")
def act(request, uid, action):
    case = _scoped_case(request, uid)
    if action not in ACTION_FORMS or not _permitted(request, case, action):
        raise Http404
    form = ACTION_FORMS[action](request.POST, case=case, user=request.user)
    if form.is_valid():
        try:
            updated = apply_service(form, lambda: _run(request, action, case, form))
        except PermissionDenied:
            raise Http404 from None
        if updated is not None:
            messages.success(request, _done_message(action, updated))
            return redirect(updated)
    case.refresh_from_db()
    return _render_case(request, case, failed=(action, form))


@require_POST
@requires("cases.view")
def post_message(request, uid):
    case = _scoped_case(request, uid)
    if not _may_message(request, case):
        raise Http404
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = apply_service(
                form, lambda: services.post_message(actor=request.user, case=case, text=form.cleaned_data["text"])
            )
        except PermissionDenied:
            raise Http404 from None
        if message is not None:
            messages.success(request, _("Message sent to the resident."))
            return redirect(f"{case.get_absolute_url()}#messages")
    return _render_case(request, case, message_form=form)


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


# --- Staff entry -----------------------------------------------------------------------------


def _compound_step(request, compounds, *, title: str, intro: str, template_name: str, extra: dict | None = None):
    """Step one of a two-step form: choose the compound (GET), so no script is needed."""
    form = CompoundChoiceForm(compounds=compounds)
    return render(
        request,
        template_name,
        {"nav": "cases", "title": title, "intro": intro, "choice_form": form, "step": 1, **(extra or {})},
    )


def _chosen_compound(request, compounds):
    """The compound given by ?compound=<uid> among `compounds`, or the only one there is."""
    uid = request.GET.get("compound")
    if uid:
        return get_object_or_404(compounds, uid=uid)
    only = list(compounds[:2])
    return only[0] if len(only) == 1 else None


def _enter_case(user, form: CaseEntryForm, compound: Compound) -> Case:
    data = form.cleaned_data
    channel = data["channel"]
    with transaction.atomic():
        visit = data.get("visit_obj")
        if channel == Case.Channel.VISIT and data.get("new_visit"):
            visit = services.log_visit(
                actor=user,
                compound=compound,
                visited_on=timezone.localdate(),
                unit=data.get("unit_obj"),
                household=data.get("visit_household") or "",
                notes=data.get("visit_notes") or "",
            )
        report = services.Report(
            compound=compound,
            category=data["category"],
            description=data["description"],
            urgency=data["urgency"],
            building=data.get("building_obj"),
            unit=data.get("unit_obj"),
            location=data.get("location") or "",
            reporter_name=data.get("reporter_name") or "",
            reporter_phone=(data.get("reporter_phone") or "").strip(),
            hide_identity=data.get("hide_identity") or False,
        )
        return services.submit_case(
            actor=user,
            report=report,
            channel=channel,
            photos=data.get("photos") or [],
            visit=visit if channel == Case.Channel.VISIT else None,
        )


@requires("cases.enter")
def case_new(request):
    user = request.user
    compounds = (
        Compound.objects.for_user(user, "cases.enter").select_related("neighborhood").order_by("town_id", "code")
    )
    preselected = None
    if request.GET.get("visit"):
        preselected = get_object_or_404(
            Visit.objects.for_user(user, "visits.log").select_related("compound", "unit"), uid=request.GET["visit"]
        )
        compound = get_object_or_404(compounds, pk=preselected.compound_id)
    else:
        compound = _chosen_compound(request, compounds)
    title = _("Enter a case")
    if compound is None:
        return _compound_step(
            request,
            compounds,
            title=title,
            intro=_("For a phone call, a household visit or a walk-in. First choose the compound."),
            template_name="cases/staff/case_new.html",
        )
    today = timezone.localdate()
    visits = list(
        Visit.objects.filter(visitor=user, visited_on=today, compound=compound).select_related("compound", "unit")
    )
    if preselected is not None and preselected.pk not in {v.pk for v in visits}:
        visits.insert(0, preselected)
    can_log_visit = Compound.objects.for_user(user, "visits.log").filter(pk=compound.pk).exists()
    initial = {"channel": Case.Channel.PHONE}
    if preselected is not None:
        initial.update(channel=Case.Channel.VISIT, visit=preselected.uid)
    form = CaseEntryForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        compound=compound,
        categories=selectors.categories_for(user),
        visits=visits,
        can_log_visit=can_log_visit,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = apply_service(form, lambda: _enter_case(user, form, compound))
        except PermissionDenied:
            raise Http404 from None
        if case is not None:
            messages.success(
                request,
                _("Case %(number)s entered and sent to %(org)s.") % {"number": case.number, "org": case.handler},
            )
            return redirect(case)
    return render(
        request,
        "cases/staff/case_new.html",
        {
            "nav": "cases",
            "title": title,
            "step": 2,
            "form": form,
            "compound": compound,
            "several_compounds": compounds.exclude(pk=compound.pk).exists(),
            "action_query": urlencode({"compound": compound.uid}),
        },
    )


# --- Household visits (R-DUTY-2) -------------------------------------------------------------


def _month_bounds(first: date) -> tuple[date, date]:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following


@requires("cases.view")
def visit_list(request):
    user = request.user
    compounds = Compound.objects.for_user(user, "cases.view").order_by("town_id", "code")
    form = VisitFilterForm(request.GET or None, compounds=compounds)
    visits = Visit.objects.for_user(user)
    month = None
    if form.is_bound:
        form.is_valid()
        if form.cleaned_data.get("compound") is not None:
            visits = visits.filter(compound=form.cleaned_data["compound"])
        month = form.cleaned_data.get("month")
    counted_month = month or timezone.localdate().replace(day=1)
    start, end = _month_bounds(counted_month)
    per_worker = (
        visits.filter(visited_on__gte=start, visited_on__lt=end)
        .values("visitor__display_name", "visitor__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "visitor__username")
    )
    if month is not None:
        visits = visits.filter(visited_on__gte=start, visited_on__lt=end)
    listed = (
        visits.select_related("compound", "unit__building", "visitor")
        .annotate(case_count=Count("cases"))
        .order_by("-visited_on", "-created_at")
    )
    return render(
        request,
        "cases/staff/visit_list.html",
        {
            "nav": "cases",
            "form": form,
            "page_obj": paginate(request, listed),
            "per_worker": list(per_worker),
            "counted_month": counted_month,
            "filtered": form.is_bound and (request.GET.get("compound") or request.GET.get("month")),
            "can_log": get_scope(user).has("visits.log"),
        },
    )


@requires("visits.log")
def visit_new(request):
    user = request.user
    compounds = Compound.objects.for_user(user, "visits.log").select_related("neighborhood").order_by("town_id", "code")
    compound = _chosen_compound(request, compounds)
    title = _("Log a household visit")
    if compound is None:
        return _compound_step(
            request,
            compounds,
            title=title,
            intro=_("Household visits (走家串户) are counted per worker. First choose the compound."),
            template_name="cases/staff/visit_new.html",
        )
    form = VisitForm(posted(request), compound=compound)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = apply_service(
                form,
                lambda: services.log_visit(
                    actor=user,
                    compound=compound,
                    visited_on=data["visited_on"],
                    unit=data.get("unit_obj"),
                    household=data.get("household") or "",
                    notes=data.get("notes") or "",
                ),
            )
        except PermissionDenied:
            raise Http404 from None
        if visit is not None:
            messages.success(request, _("Visit logged. Report any problem raised during it from this page."))
            return redirect("cases:visit_detail", uid=visit.uid)
    return render(
        request,
        "cases/staff/visit_new.html",
        {
            "nav": "cases",
            "title": title,
            "step": 2,
            "form": form,
            "compound": compound,
            "several_compounds": compounds.exclude(pk=compound.pk).exists(),
            "action_query": urlencode({"compound": compound.uid}),
        },
    )


@requires("cases.view")
def visit_detail(request, uid):
    user = request.user
    visit = get_object_or_404(
        Visit.objects.for_user(user).select_related("compound", "neighborhood", "unit__building", "visitor"), uid=uid
    )
    cases = _listed(Case.objects.for_user(user).filter(visit=visit).order_by("-submitted_at", "-pk"))
    may_report = (
        Compound.objects.for_user(user, "cases.enter").filter(pk=visit.compound_id).exists()
        and Visit.objects.for_user(user, "visits.log").filter(pk=visit.pk).exists()
    )
    return render(
        request,
        "cases/staff/visit_detail.html",
        {
            "nav": "cases",
            "visit": visit,
            "cases": decorate(cases, get_scope(user)),
            "report_url": f"{reverse('cases:case_new')}?{urlencode({'visit': visit.uid})}" if may_report else "",
            **timeline_context(request, visit),
        },
    )
