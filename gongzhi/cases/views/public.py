"""The resident's side of cases (R-MTG-3), phone-first:
- the compound's report page `/r/<compound>/` that the notice-board QR code opens (public; the
  form once the resident has verified their mobile number);
- the tracking page `/t/<token>/` (public but unguessable): state in plain words, deadlines,
  a progress timeline that names organisations, never staff, the message thread; the reporter
  answers "fixed?" and rates, withdraws or writes from here. Its addresses are throttled per client
  address (`throttled`);
- "my reports" `/my/cases/`;
- the QR poster PDF for staff `/cases/poster/<compound>.pdf`.

Views stay thin: fetch → form → service → message + redirect."""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.core import actions, throttle, uploads
from gongzhi.core.client import client_address
from gongzhi.core.models import AuditEntry
from gongzhi.core.pages import paginate, posted
from gongzhi.core.permissions import requires
from gongzhi.orgs.models import Membership, Organization
from gongzhi.places.models import Compound

from .. import poster as posters
from .. import services
from ..forms_public import FeedbackForm, MessageForm, ReportForm, WithdrawForm
from ..models import Case, CasePhoto
from ..selectors import photos_by_stage
from ..workflow import Action, State

PAGE_SIZE = 20


def _sign_in_url(next_url: str) -> str:
    """The one-time-code sign-in, coming back to `next_url` afterwards."""
    return reverse("accounts:phone_login") + "?" + urlencode({"next": next_url})


def _unit_given(request, compound) -> dict:
    """The building and unit a link from the resident's home page fills in (?building=<uid>&unit=<number>),
    when they are the compound's."""
    building = compound.buildings.filter(uid=request.GET.get("building", "")).first()
    if building is None:
        return {}
    unit = building.units.filter(number=request.GET.get("unit", "")).first()
    return {"building": building.uid, **({"unit_number": unit.number} if unit else {})}


def _known_name(user) -> str:
    person = getattr(user, "person", None)
    return (person.name if person else "") or user.display_name


# --- The report page (what the QR code opens) ------------------------------------------------


@login_not_required
def report(request, uid):
    compound = get_object_or_404(Compound.objects.select_related("neighborhood", "town"), uid=uid)
    here = reverse("cases:report", args=[compound.uid])
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(_sign_in_url(here))
        return render(
            request,
            "cases/public/report.html",
            {"compound": compound, "sign_in_url": _sign_in_url(here)},
        )
    if not services.may_report_as_resident(request.user, compound):
        # Staff enter cases through staff entry (the channel recorded truthfully); nothing to lose:
        # the form is not shown to them at all.
        return render(
            request,
            "cases/public/report.html",
            {"compound": compound, "staff_refusal": services.STAFF_NOT_RESIDENT},
            status=403 if request.method == "POST" else 200,
        )
    form = ReportForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        compound=compound,
        initial={"reporter_name": _known_name(request.user), **_unit_given(request, compound)},
    )
    if request.method == "POST":
        response = actions.attempt(  # a refusal (e.g. the rate limits) is shown on the form, nothing saved
            request,
            form,
            lambda: services.submit_case(
                actor=request.user,
                report=form.report(phone=request.user.phone or ""),
                channel=Case.Channel.QR,
                photos=form.cleaned_data["photos"],
                address=client_address(request),
                reporter_user=request.user,
            ),
            done=lambda case: (
                _(
                    "Thank you. Your report is case %(number)s. Keep the link of this page (bookmark it) to "
                    "follow it; you also find it under “My reports”."
                )
                % {"number": case.number}
            ),
            to=lambda case: case.tracking_url(),
        )
        if response is not None:
            return response
    return render(
        request,
        "cases/public/report.html",
        {
            "compound": compound,
            "form": form,
            "nav": "my_cases",
            "max_photos": uploads.MAX_PHOTOS,
            "photos_dropped": bool(request.FILES.getlist("photos")) and not form.errors.get("photos"),
        },
    )


# --- The tracking page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    at: datetime
    text: str
    kind: str  # the workflow action, "create" or "reassign": the template picks an icon by it


@dataclass(frozen=True)
class Post:
    at: datetime
    text: str
    from_resident: bool
    by: str


def _org_names_of_actors(actor_ids, organization_ids) -> dict[int, set[int]]:
    """Which of these organisations each of these accounts belongs (or belonged) to."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = Membership.objects.filter(
        person__user_id__in=[a for a in actor_ids if a], organization_id__in=organization_ids
    ).values_list("person__user_id", "organization_id")
    for user_id, organization_id in rows:
        found[user_id].add(organization_id)
    return found


def _acting_org(actor_id, preferred, member_of, fallback_ids) -> int | None:
    """The organisation in whose name an account acted: the preferred one (the handler at the
    time) if they belong to it, else one of the neighborhood's organisations they belong to."""
    mine = member_of.get(actor_id, set())
    if preferred in mine:
        return preferred
    for organization_id in fallback_ids:
        if organization_id in mine:
            return organization_id
    return None


def _step_text(verb: str, org: str, after: dict, case: Case) -> str:
    committed = after.get("committed_date") or ""
    texts = {
        Action.ACCEPT: (_("Accepted by %(org)s"), _("Accepted")),
        Action.START: (_("%(org)s started work"), _("Work started")),
        Action.EXPLAIN: (
            _("%(org)s explained the delay and committed to %(date)s"),
            _("Explained, with a commitment to %(date)s"),
        ),
        Action.RESOLVE: (_("Marked resolved by %(org)s"), _("Marked resolved")),
        Action.REJECT: (_("Not taken up by %(org)s"), _("Not taken up")),
    }
    if verb in texts:
        with_org, without = texts[verb]
        return (with_org if org else without) % {"org": org, "date": committed}
    if verb == Action.EXTEND:
        return _("%(org)s moved its committed date to %(date)s") % {
            "org": org or _("The handling organisation"),
            "date": committed,
        }
    if verb == Action.ESCALATE:
        return _("Taken to the neighborhood's joint meeting (several organisations are involved)")
    if verb == Action.DECIDE:
        return _("Joint-meeting resolution %(number)s: %(org)s leads the work, due %(date)s") % {
            "number": after.get("meeting_resolution", ""),
            "org": org,
            "date": after.get("resolve_due", ""),
        }
    if verb == Action.RETURN:
        return _("The joint meeting made no resolution: back with %(org)s, due %(date)s") % {
            "org": org,
            "date": after.get("resolve_due", ""),
        }
    if verb == Action.CONFIRM:
        if after.get("feedback_source") == Case.FeedbackSource.CALLBACK:
            return _("Confirmed fixed when the residents' committee called back")
        return _("Confirmed fixed by the resident")
    if verb == Action.REOPEN:
        return _("Not fixed yet, says the resident: reopened and handled again")
    if verb == Action.CLOSE_UNREACHABLE:
        return _("Closed: the residents' committee could not reach the resident")
    if verb == Action.CONFIRM_ON_SITE:
        return _("Confirmed fixed on site by the town's inspection group")
    if verb == Action.MERGE:
        other = case.merged_into.number if case.merged_into_id else ""
        return _("Handled together with case %(number)s") % {"number": other}
    if verb == Action.WITHDRAW:
        return _("Withdrawn by the resident")
    return ""


def public_timeline(case: Case) -> list[Step]:
    """The case's progress from its audit entries: submission, hand-overs and the workflow
    actions only, each said in terms of organisations (never staff names or internal fields)."""
    verbs = {"create", "reassign", *Action.values}
    entries = [
        e
        for e in AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .only("at", "seq", "action", "actor_id", "after")
        .order_by("at", "seq")
        if e.action.rpartition(".")[2] in verbs
    ]
    neighborhood_orgs = list(
        Organization.objects.filter(
            neighborhood_id=case.neighborhood_id,
            kind__in=[Organization.Kind.RESIDENTS_COMMITTEE, Organization.Kind.PARTY_ORG],
        )
        .order_by("kind")
        .values_list("pk", flat=True)
    )
    handlers = {case.handler_id}
    for e in entries:
        if isinstance(e.after, dict) and isinstance(e.after.get("handler"), int):
            handlers.add(e.after["handler"])
    co_handlers = list(case.co_handlers.values_list("pk", flat=True))
    names = dict(
        Organization.objects.filter(pk__in=handlers | set(co_handlers) | set(neighborhood_orgs)).values_list(
            "pk", "name"
        )
    )
    member_of = _org_names_of_actors({e.actor_id for e in entries}, list(names))
    steps, handler = [], case.handler_id
    for e in entries:
        verb = e.action.rpartition(".")[2]
        after = e.after if isinstance(e.after, dict) else {}
        if verb == "create":
            handler = after.get("handler", handler)
            text = _("Reported, and passed to %(org)s") % {"org": names.get(handler, "")}
        elif verb == "reassign":
            handler = after.get("handler", handler)
            text = _("Passed on to %(org)s") % {"org": names.get(handler, "")}
        elif verb in (Action.DECIDE, Action.RETURN):
            handler = after.get("handler", handler)  # the resolution's lead (or the handler as before)
            text = _step_text(verb, names.get(handler, ""), after, case)
        else:
            acting = _acting_org(e.actor_id, handler, member_of, [*co_handlers, *neighborhood_orgs])
            text = _step_text(verb, names.get(acting, ""), after, case)
        if text:
            steps.append(Step(e.at, text, verb))
    return steps


def message_thread(case: Case) -> list[Post]:
    """The messages between the handling side and the resident; staff sign as their organisation."""
    rows = list(case.messages.order_by("created_at"))
    candidates = [case.handler_id, *case.co_handlers.values_list("pk", flat=True)]
    candidates += list(Organization.objects.filter(neighborhood_id=case.neighborhood_id).values_list("pk", flat=True))
    names = dict(Organization.objects.filter(pk__in=candidates).values_list("pk", "name"))
    member_of = _org_names_of_actors({m.author_id for m in rows if not m.from_resident}, candidates)
    posts = []
    for m in rows:
        if m.from_resident:
            by = _("Resident")
        else:
            org = _acting_org(m.author_id, case.handler_id, member_of, candidates)
            by = names.get(org) or _("Community staff")
        posts.append(Post(m.created_at, m.text, m.from_resident, by))
    return posts


def state_text(case: Case, reporter: bool = False) -> str:
    """The case's state in plain words, for the resident (`reporter`: the one who reported it)."""
    org = case.handler.name
    due = case.resolve_due.isoformat() if case.resolve_due else ""
    texts = {
        State.SUBMITTED: _("Received. Waiting for %(org)s to accept it (by %(accept)s)."),
        State.ACCEPTED: _("%(org)s has accepted it and is to fix it by %(due)s."),
        State.IN_PROGRESS: (
            _("The joint meeting adopted resolution %(resolution)s: %(org)s leads the work, to be done by %(due)s.")
            if case.meeting_resolution
            else _("%(org)s is working on it; it is to be fixed by %(due)s.")
        ),
        State.EXPLAINED: _("%(org)s explained why it takes longer and committed to fix it by %(due)s."),
        State.ESCALATED: _(
            "Several organisations are involved: it goes to the neighborhood's joint meeting, where they "
            "decide together."
        ),
        State.RESOLVED: (
            _("%(org)s says it is resolved. Is it fixed? Please answer below.")
            if reporter
            else _("%(org)s says it is resolved. The resident who reported it is asked whether it is fixed.")
        ),
        State.CLOSED: (
            _("Fixed, says the resident, and closed.")
            if case.fixed
            else _("Closed: the residents' committee could not reach the resident to confirm.")
        ),
        State.REJECTED: _("Not taken up. The reason is below."),
        State.MERGED: _("Handled together with case %(other)s, about the same problem."),
        State.WITHDRAWN: _("Withdrawn by the resident."),
    }
    return texts[case.state] % {
        "org": org,
        "accept": case.accept_due.isoformat(),
        "due": due,
        "other": case.merged_into.number if case.merged_into_id else "",
        "resolution": case.meeting_resolution,
    }


PROGRESS = [State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS, State.RESOLVED, State.CLOSED]


def _progress(case: Case) -> list[dict]:
    """The simple five-step bar at the top: which steps are done and which is current."""
    position = {
        State.SUBMITTED: 0,
        State.ACCEPTED: 1,
        State.IN_PROGRESS: 2,
        State.EXPLAINED: 2,
        State.ESCALATED: 2,
        State.RESOLVED: 3,
        State.CLOSED: 4,
    }.get(case.state)
    labels = [_("Reported"), _("Accepted"), _("Working"), _("Resolved"), _("Closed")]
    if position is None:  # rejected, merged, withdrawn: no bar
        return []
    return [
        {"label": label, "done": i < position or case.state == State.CLOSED, "current": i == position}
        for i, label in enumerate(labels)
    ]


# --- Throttling the tracking links ----------------------------------------------------------
#
# A tracking link is the only key to its case's page (about 129 bits; older links 59). Per visitor
# and per window of TRACK_WINDOW seconds, the addresses /t/… answer at most TRACK_REQUESTS requests
# (a page with its photos is a handful), and after TRACK_MISSES links that lead to no case, nothing
# more (429) until the window ends. A visitor is their client address (gongzhi.core.client) or,
# signed in, their account: people behind one network address (an office, a mobile carrier's
# NAT) do not then use up each other's allowance once they sign in. Counted in the cache
# (CACHE_URL): with several application processes, use a shared cache (Redis) or each process
# counts on its own.

TRACK_WINDOW = 600
TRACK_REQUESTS = 600
TRACK_MISSES = 30


def _client(request) -> str:
    """The client's address, as every limit reads it (gongzhi.core.client)."""
    return client_address(request) or "unknown"


def _visitor(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"account:{user.pk}"
    return f"address:{_client(request)}"


def _too_many(request) -> HttpResponse:
    response = HttpResponse(
        _("Too many requests from your network. Please wait a few minutes, then open the link again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(TRACK_WINDOW - int(time.time()) % TRACK_WINDOW)
    return response


class UnknownLink(Http404):
    """No case has this tracking token: a 404 that counts as a miss (`throttled`)."""


def throttled(view):
    """Count the request against the visitor's limits; past them, 429."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        visitor = _visitor(request)
        if (
            throttle.hit("track-requests", visitor, TRACK_WINDOW) > TRACK_REQUESTS
            or throttle.count("track-misses", visitor, TRACK_WINDOW) >= TRACK_MISSES
        ):
            return _too_many(request)
        try:
            return view(request, *args, **kwargs)
        except UnknownLink:
            throttle.hit("track-misses", visitor, TRACK_WINDOW)
            raise

    return wrapped


def _case_for_token(token: str) -> Case:
    related = ("compound", "building", "unit", "category__parent", "handler", "merged_into")
    case = Case.objects.select_related(*related).filter(tracking_token=token).first()
    if case is None:
        raise UnknownLink
    return case


def _track_page(request, case: Case, status: int = 200, **bound) -> HttpResponse:
    user = request.user
    reporter = services.is_reporter(user, case)
    context = {
        "case": case,
        "state_text": state_text(case, reporter),
        "progress": _progress(case),
        "steps": public_timeline(case),
        "thread": message_thread(case),
        **photos_by_stage(case),
        "is_reporter": reporter,
        "signed_in": user.is_authenticated,
        "sign_in_url": _sign_in_url(case.tracking_url()),
        "show_reason": case.state in (State.REJECTED, State.MERGED, State.WITHDRAWN) and case.end_reason,
    }
    if user.is_authenticated and not reporter and Case.objects.for_user(user).filter(pk=case.pk).exists():
        context["staff_url"] = case.get_absolute_url()
    if reporter:
        initial = {"version": case.version}
        if case.state == State.RESOLVED:
            context["feedback_form"] = bound.get("feedback_form") or FeedbackForm(initial=initial)
        if services.may(user, Action.WITHDRAW, case):
            context["withdraw_form"] = bound.get("withdraw_form") or WithdrawForm(initial=initial)
        if case.is_open:
            context["message_form"] = bound.get("message_form") or MessageForm()
    return render(request, "cases/public/track.html", context, status=status)


@login_not_required
@never_cache
@throttled
def track(request, token):
    return _track_page(request, _case_for_token(token))


def _reporter_case(request, token):
    """The case of `token` for an action of its reporter: (case, None), or (None, a redirect to
    sign in) for a visitor who is not signed in. Anyone else signed in gets a 404."""
    case = _case_for_token(token)
    if not request.user.is_authenticated:
        return None, redirect(_sign_in_url(case.tracking_url()))
    if not services.is_reporter(request.user, case):
        raise Http404
    return case, None


@dataclass(frozen=True)
class _On:
    user: object
    case: Case


def _feedback_done(case: Case) -> str:
    if case.state == State.CLOSED:
        return _("Thank you for your answer. The case is closed.")
    return _("Thank you. The case was reopened: %(org)s will handle it again.") % {"org": case.handler.name}


def _record_feedback(on: _On, form):
    data = form.cleaned_data
    return services.record_feedback(
        actor=on.user,
        case=on.case,
        fixed=data["fixed"],
        rating=data["rating"],
        comment=data["comment"],
        expected_version=data["version"],
    )


def _withdraw(on: _On, form):
    data = form.cleaned_data
    return services.withdraw_case(actor=on.user, case=on.case, reason=data["reason"], expected_version=data["version"])


def _back_to_track(on: _On, result) -> str:
    return on.case.tracking_url()


# The resident's actions on the tracking page (who may: the reporter, checked by _reporter_case).
RESIDENT_ACTIONS = {
    "feedback_form": actions.Action(
        form=lambda on, data, files: FeedbackForm(data), call=_record_feedback, done=_feedback_done, to=_back_to_track
    ),
    "withdraw_form": actions.Action(
        form=lambda on, data, files: WithdrawForm(data),
        call=_withdraw,
        done=gettext_lazy("Your report was withdrawn."),
        to=_back_to_track,
    ),
    "message_form": actions.Action(
        form=lambda on, data, files: MessageForm(data),
        call=lambda on, form: services.post_message(actor=on.user, case=on.case, text=form.cleaned_data["text"]),
        done=lambda message: _("Your message was sent to %(org)s.") % {"org": message.case.handler.name},
        to=_back_to_track,
    ),
}


def _resident_act(request, token, key: str) -> HttpResponse:
    """Run the resident's action: field errors go back on the form (the input kept); a stale page
    or a state that no longer allows it is a message on the fresh page."""
    case, sign_in = _reporter_case(request, token)
    if sign_in:
        return sign_in
    if key == "message_form" and not case.is_open:
        messages.error(request, _("This case is finished; it takes no more messages. Report a new problem instead."))
        return redirect(case.tracking_url())

    def page(key, form):
        if not any(form[name].errors for name in form.fields):  # refused as a whole: on the fresh page
            actions.flash_errors(request, form)
            return redirect(case.tracking_url())
        return _track_page(request, case, **{key: form})

    on = _On(user=request.user, case=case)
    return actions.run_action(request, RESIDENT_ACTIONS, key, on, back=case.tracking_url(), page=page)


@login_not_required
@require_POST
@throttled
def track_feedback(request, token):
    return _resident_act(request, token, "feedback_form")


@login_not_required
@require_POST
@throttled
def track_withdraw(request, token):
    return _resident_act(request, token, "withdraw_form")


@login_not_required
@require_POST
@throttled
def track_message(request, token):
    return _resident_act(request, token, "message_form")


@login_not_required
@throttled
def track_photo(request, token, photo):
    """A photo of the case, for whoever holds the tracking link (media files are not public)."""
    row = CasePhoto.objects.filter(uid=photo, case__tracking_token=token).first()
    if row is None:
        if not Case.objects.filter(tracking_token=token).exists():
            raise UnknownLink
        raise Http404
    try:
        handle = row.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = f'inline; filename="{row.uid}.{row.extension}"'
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- My reports ------------------------------------------------------------------------------


@login_not_required
def my_cases(request):
    user = request.user
    if not user.is_authenticated:
        return redirect(_sign_in_url(reverse("cases:my_cases")))
    mine = Q(reporter_user=user)
    if user.phone:  # never match the cases that have no number recorded
        mine |= Q(reporter_phone=user.phone)
    cases = (
        Case.objects.filter(mine).select_related("compound", "building", "unit", "category").order_by("-submitted_at")
    )
    return render(
        request, "cases/public/my_cases.html", {"nav": "my_cases", "page_obj": paginate(request, cases, PAGE_SIZE)}
    )


# --- The QR poster ---------------------------------------------------------------------------


@requires("places.view")
def poster(request, uid):
    compound = get_object_or_404(Compound.objects.for_user(request.user), uid=uid)
    response = HttpResponse(posters.poster_pdf(compound), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="qr-poster-{compound.code}.pdf"'
    return response
