"""Pages of the leadership group's meetings: the list (the office or the group schedules one), a
meeting — its agenda with the suggested reports, open matters and decisions to check, the member
units' attendance, each item's conclusion and decisions, the minutes — and its minutes as a PDF.
Thin: permission → scoped fetch → form → service → message + redirect (core.actions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import Action, flash_errors, run_action
from gongzhi.core.pages import form_page, paginate, posted, timeline_context
from gongzhi.core.pdf import html_to_pdf
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope, in_leadership_group
from gongzhi.evaluation_reports.models import Report
from gongzhi.meetings.models import Resolution
from gongzhi.meetings.views.pages import RESOLUTION_BADGES
from gongzhi.places.selectors import office_town
from gongzhi.supervision.models import Urging

from . import agenda, services
from .forms import (
    AddRecordForm,
    AttendanceForm,
    ConcludeForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    OtherItemForm,
    ReasonForm,
)
from .models import Attendance, Decision, GroupMeeting, Item
from .workflow import MEETING_WORKFLOW, ItemOutcome, MeetingAction, MeetingState

BADGES = {
    MeetingState.SCHEDULED: "text-bg-primary",
    MeetingState.HELD: "text-bg-warning",
    MeetingState.CLOSED: "text-bg-success",
    MeetingState.CANCELLED: "text-bg-secondary",
}
OUTCOME_BADGES = {
    ItemOutcome.PENDING: "text-bg-light border",
    ItemOutcome.CONCLUDED: "text-bg-success",
    ItemOutcome.DEFERRED: "text-bg-secondary",
}


@requires("leadership.view")
def home(request):
    meetings = GroupMeeting.objects.for_user(request.user).select_related("town")
    now = timezone.now()
    upcoming = list(meetings.filter(state__in=(MeetingState.SCHEDULED, MeetingState.HELD)))[::-1]
    # the held and cancelled ones grow with the years (and with the towns for the administrator): paged
    page = paginate(
        request, meetings.filter(state__in=(MeetingState.CLOSED, MeetingState.CANCELLED)).order_by("-starts_at", "-pk")
    )
    past = list(page.object_list)
    for m in upcoming + past:
        m.badge = BADGES[m.state]
    scope = get_scope(request.user)
    return render(
        request,
        "leadership/home.html",
        {
            "nav": "leadership",
            "upcoming": upcoming,
            "past": past,
            "page_obj": page,
            "may_run": scope.has("leadership.run") and bool(scope.area("leadership.run").towns),
            "now": now,
        },
    )


@requires("leadership.run")
def meeting_new(request):
    town = office_town(request.user, "leadership.run")
    group = services.leadership_group(town)
    held = GroupMeeting.objects.filter(town=town, starts_at__year=timezone.localdate().year).count()
    initial = {
        "title": _("%(group)s %(year)s meeting no. %(n)s")
        % {"group": group.name if group else town.name, "year": timezone.localdate().year, "n": held + 1}
    }
    form = MeetingForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        nav="leadership",
        title=_("Schedule a leadership group meeting"),
        intro=_(
            "The group's members and its member units are told. You then put the office's reports and the open "
            "matters on the agenda; at the meeting you record attendance, conclusions and decisions."
        ),
        save=lambda: services.schedule_meeting(
            actor=request.user,
            town=town,
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
        ),
        done=lambda m: _("%(title)s scheduled; the members are told.") % {"title": m.title},
        submit_label=_("Schedule"),
        cancel_url="leadership:home",
    )


def _meeting(request, uid) -> GroupMeeting:
    return get_object_or_404(
        GroupMeeting.objects.for_user(request.user).select_related("town", "body", "closed_by"), uid=uid
    )


@dataclass(frozen=True)
class _On:
    user: object
    meeting: GroupMeeting
    item: Item | None = None

    @property
    def runs(self) -> bool:
        return services.may_run(self.user, self.meeting.town_id)


def _allowed(action: str):
    """Whether the page offers the step: the user runs the meeting and its state allows it."""
    return lambda on: on.runs and MEETING_WORKFLOW.allows(action, on.meeting.state)


def _meeting_context(request, meeting: GroupMeeting, bound: dict | None = None) -> dict:
    bound = bound or {}
    on = _On(request.user, meeting)
    state = meeting.state
    version = {"version": meeting.version}
    decides_reports = in_leadership_group(request.user, meeting.town_id)
    items = list(
        meeting.items.select_related("report", "urging", "resolution__lead", "concluded_by").prefetch_related(
            "decisions__resolution__lead"
        )
    )
    shown = {key: _allowed(action)(on) for key, action in MEETING_STEPS.items()}
    # a meeting begins on its day (services.hold): before it, the button is not shown
    shown["hold"] = shown["hold"] and timezone.localtime(meeting.starts_at).date() <= timezone.localdate()
    for item in items:
        item.badge = OUTCOME_BADGES[item.outcome]
        item.decision_rows = [d.resolution for d in item.decisions.all()]
        for r in item.decision_rows:
            r.badge = RESOLUTION_BADGES.get(r.state)
            r.overdue_now = r.is_overdue(timezone.localdate())
        pending = item.outcome == ItemOutcome.PENDING
        if shown["conclude"] and pending:
            item.conclude_form = bound.get(("conclude", item.pk)) or ConcludeForm(
                item=item, decides_reports=decides_reports, initial={"version": item.version}
            )
        if shown["decide"] and item.outcome != ItemOutcome.DEFERRED:
            item.decide_form = bound.get(("decide", item.pk)) or DecisionForm(meeting=meeting)
        item.removable = shown["agenda"] and pending and not item.decision_rows
        item.remove_form = bound.get(("remove", item.pk)) or ReasonlessForm(initial={"version": item.version})
    for key, form in bound.items():
        target = key[0] if isinstance(key, tuple) else key
        visible = (
            any(getattr(i, f"{target}_form", None) is form for i in items)
            if isinstance(key, tuple)
            else shown.get(key, False)
        )
        if not visible:  # the step is no longer on the page: its reasons as messages
            flash_errors(request, form)
    attendance = list(meeting.attendance.all())
    counts = {s: sum(1 for a in attendance if a.status == s) for s in Attendance.Status.values}
    context = {
        "nav": "leadership",
        "meeting": meeting,
        "badge": BADGES[state],
        "items": items,
        "attendance": attendance,
        "counts": counts,
        "runs": on.runs,
        "decides_reports": decides_reports,
        "shown": shown,
        "hold_form": bound.get("hold") or ReasonlessForm(initial=version),
        "attendance_form": bound.get("attendance") or AttendanceForm(rows=attendance, initial=version),
        "close_form": bound.get("close") or MinutesForm(initial={**version, "minutes": meeting.minutes}),
        "cancel_form": bound.get("cancel") or ReasonForm(initial=version),
        "other_form": bound.get("agenda") or OtherItemForm(),
        "suggestions": agenda.suggestions(meeting) if shown["agenda"] else None,
        **timeline_context(request, meeting),
    }
    return context


class ReasonlessForm(ReasonForm):
    """A bare step with only the version (begin the meeting, take an item off the agenda)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]


MEETING_STEPS = {
    "agenda": MeetingAction.EDIT_AGENDA,
    "hold": MeetingAction.HOLD,
    "attendance": MeetingAction.ATTENDANCE,
    "conclude": MeetingAction.CONCLUDE,
    "decide": MeetingAction.DECIDE,
    "close": MeetingAction.CLOSE,
    "cancel": MeetingAction.CANCEL,
}


@requires("leadership.view")
def meeting_detail(request, uid):
    meeting = _meeting(request, uid)
    return render(request, "leadership/meeting.html", _meeting_context(request, meeting))


def _record_of(on: _On, form):
    """The record a suggestion names, looked up in the meeting's town (a foreign one is refused)."""
    source, uid = form.cleaned_data["source"], form.cleaned_data["record"]
    model = {Item.Source.REPORT: Report, Item.Source.MATTER: Urging, Item.Source.FOLLOW_UP: Resolution}.get(source)
    if model is None:
        return None
    record = model.objects.filter(uid=uid, town_id=on.meeting.town_id).first()
    if record is None:
        raise Http404
    return record


def _add(on: _On, form):
    if form.cleaned_data["source"] == Item.Source.OTHER:  # a deferred matter taken up again
        return services.add_item(
            actor=on.user, meeting=on.meeting, source=Item.Source.OTHER, title=form.cleaned_data["title"]
        )
    return services.add_item(
        actor=on.user, meeting=on.meeting, source=form.cleaned_data["source"], record=_record_of(on, form)
    )


MEETING_ACTIONS = {
    "add": Action(
        form=lambda on, data, files: AddRecordForm(data),
        call=_add,
        done=lambda item: _("“%(title)s” is on the agenda.") % {"title": item.title},
        allowed=_allowed(MeetingAction.EDIT_AGENDA),
        on_page=False,
    ),
    "agenda": Action(
        form=lambda on, data, files: OtherItemForm(data),
        call=lambda on, form: services.add_item(
            actor=on.user,
            meeting=on.meeting,
            source=Item.Source.OTHER,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        ),
        done=lambda item: _("“%(title)s” is on the agenda.") % {"title": item.title},
        allowed=_allowed(MeetingAction.EDIT_AGENDA),
    ),
    "hold": Action(
        form=lambda on, data, files: ReasonlessForm(data),
        call=lambda on, form: services.hold(actor=on.user, meeting=on.meeting, version=form.cleaned_data["version"]),
        done=gettext_lazy("The meeting has begun: record the attendance, then conclude each item."),
        allowed=_allowed(MeetingAction.HOLD),
    ),
    "attendance": Action(
        form=lambda on, data, files: AttendanceForm(data, rows=on.meeting.attendance.all()),
        call=lambda on, form: services.record_attendance(
            actor=on.user, meeting=on.meeting, rows=form.answers(), version=form.cleaned_data["version"]
        ),
        done=gettext_lazy("Attendance recorded."),
        allowed=_allowed(MeetingAction.ATTENDANCE),
    ),
    "close": Action(
        form=lambda on, data, files: MinutesForm(data),
        call=lambda on, form: services.close_meeting(
            actor=on.user,
            meeting=on.meeting,
            minutes=form.cleaned_data["minutes"],
            version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("The meeting is closed and its minutes kept."),
        allowed=_allowed(MeetingAction.CLOSE),
    ),
    "cancel": Action(
        form=lambda on, data, files: ReasonForm(data),
        call=lambda on, form: services.cancel_meeting(
            actor=on.user, meeting=on.meeting, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
        ),
        done=gettext_lazy("The meeting is cancelled; the members are told."),
        allowed=_allowed(MeetingAction.CANCEL),
    ),
}


def _page(request, uid):
    def page(key, form):
        messages.error(request, _("Nothing was saved: see the form below."))
        context = _meeting_context(request, _meeting(request, uid), {key: form})
        return render(request, "leadership/meeting.html", context, status=400)

    return page


@require_POST
@requires("leadership.view")
def meeting_act(request, uid, action):
    meeting = _meeting(request, uid)
    on = _On(request.user, meeting)
    return run_action(request, MEETING_ACTIONS, action, on, back=meeting, page=_page(request, uid))


def _conclude(on: _On, form):
    data = form.cleaned_data
    decision = data.get("decision") or ""
    is_report = on.item.source == Item.Source.REPORT
    return services.conclude_item(
        actor=on.user,
        item=on.item,
        outcome=data["outcome"],
        conclusion=data["conclusion"],
        version=data["version"],
        report_decision=decision if is_report else "",
        check=decision if not is_report else "",
    )


def _decide(on: _On, form):
    data = form.cleaned_data
    return services.adopt_decision(
        actor=on.user,
        item=on.item,
        text=data["text"],
        lead=data["lead"],
        co_organizations=list(data["co_organizations"]),
        due=data["due"],
        neighborhood=data["neighborhood"],
    )


ITEM_ACTIONS = {
    "conclude": Action(
        form=lambda on, data, files: ConcludeForm(
            data, item=on.item, decides_reports=in_leadership_group(on.user, on.meeting.town_id)
        ),
        call=_conclude,
        done=gettext_lazy("Conclusion recorded."),
        allowed=_allowed(MeetingAction.CONCLUDE),
    ),
    "decide": Action(
        form=lambda on, data, files: DecisionForm(data, meeting=on.meeting),
        call=_decide,
        done=lambda d: (
            _("Decision %(number)s recorded; the units carrying it out are told.") % {"number": d.resolution.number}
        ),
        allowed=_allowed(MeetingAction.DECIDE),
    ),
    "remove": Action(
        form=lambda on, data, files: ReasonlessForm(data),
        call=lambda on, form: services.remove_item(actor=on.user, item=on.item, version=form.cleaned_data["version"]),
        done=gettext_lazy("Taken off the agenda."),
        allowed=_allowed(MeetingAction.EDIT_AGENDA),
        on_page=False,
    ),
}


@require_POST
@requires("leadership.view")
def item_act(request, uid, action):
    item = get_object_or_404(
        Item.objects.filter(meeting__in=GroupMeeting.objects.for_user(request.user)).select_related(
            "meeting__town", "meeting__body", "report", "resolution", "urging"
        ),
        uid=uid,
    )
    meeting = item.meeting
    on = _On(request.user, meeting, item)

    def page(key, form):
        messages.error(request, _("Nothing was saved: see the form below."))
        context = _meeting_context(request, _meeting(request, meeting.uid), {(key, item.pk): form})
        return render(request, "leadership/meeting.html", context, status=400)

    return run_action(
        request, ITEM_ACTIONS, action, on, back=meeting.get_absolute_url() + f"#item-{item.uid}", page=page
    )


@requires("leadership.view")
def minutes_pdf(request, uid):
    """The minutes (会议纪要) as a PDF: the meeting, attendance, each item's conclusion and decisions."""
    meeting = _meeting(request, uid)
    if meeting.state != MeetingState.CLOSED:
        raise Http404
    items = list(meeting.items.select_related("report", "urging", "resolution"))
    decisions = {}
    for d in Decision.objects.filter(item__meeting=meeting).select_related("resolution__lead"):
        decisions.setdefault(d.item_id, []).append(d.resolution)
    for item in items:
        item.decision_rows = decisions.get(item.pk, [])
    with translation.override(settings.LANGUAGE_CODE):  # an official document, in the site's language
        html = render_to_string(
            "leadership/minutes_pdf.html",
            {"meeting": meeting, "items": items, "attendance": list(meeting.attendance.all())},
        )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.uid}.pdf"'
    return response
