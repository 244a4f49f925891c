"""Kernel pages: the home page per role, the health check, the working-day calendar and the
town's audit log."""

from __future__ import annotations

from datetime import date

import chinese_calendar
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import audit, audit_display, metrics, readiness, registry, services, workdays
from .attention import items_for
from .forms import DateInput, StyledForm, apply_service
from .models import AuditChain, AuditEntry, CalendarDay, CalendarYear
from .pages import paginate, render_contributions
from .permissions import requires
from .scope import get_scope
from .workdays import year_has_data


@require_GET
@never_cache
@login_not_required
def healthz(request):
    """200 when the application and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure is a failed check
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@never_cache
@login_not_required
def readyz(request):
    """200 when this process can take work: the database, the cache and the job queue answer;
    503 naming the part that does not (gongzhi.core.readiness)."""
    ready, body = readiness.report()
    return JsonResponse(body, status=200 if ready else 503)


@require_GET
@never_cache
@login_not_required
def metrics_view(request):
    """Prometheus metrics, for the monitoring only (gongzhi.core.metrics.allowed); 404 to anyone else."""
    if not metrics.allowed(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


def _panels(request, scope, audience: str, column: str | None = None) -> list[str]:
    """The home-page cards the apps registered for this audience (and column), rendered."""
    panels = [p for p in registry.home_panels(audience) if column is None or p.column == column]
    return render_contributions(request, panels, scope)


def resident_home(request):
    """A resident's home page (also the staff's "My home")."""
    scope = get_scope(request.user)
    return render(request, "core/home_resident.html", {"nav": "home", "panels": _panels(request, scope, "resident")})


def home(request):
    scope = get_scope(request.user)
    if not scope.is_staff_member:
        return resident_home(request)
    links = [
        {"url": reverse(link.url_name), "icon": link.icon, "label": link.label}
        for link in registry.quick_links()
        if link.visible(request, scope)
    ]
    return render(
        request,
        "core/home_staff.html",
        {
            "nav": "home",
            "attention": items_for(request.user),
            "main_panels": _panels(request, scope, "staff", "main"),
            "side_panels": _panels(request, scope, "staff", "side"),
            "quick_links": links,
        },
    )


# --- Working-day calendar --------------------------------------------------------------------


class CalendarRangeForm(StyledForm):
    start = forms.DateField(label=gettext_lazy("First day"), widget=DateInput())
    end = forms.DateField(
        label=gettext_lazy("Last day"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("Leave empty for a single day."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=50, required=False, help_text=gettext_lazy("For example 春节 or 国庆节.")
    )


class TownRangeForm(CalendarRangeForm):
    """A town's own exceptions: the same fields, with a local example."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = gettext_lazy("For example 台风停工.")


class ConfirmYearForm(StyledForm):
    source = forms.CharField(
        label=gettext_lazy("Official notice"),
        max_length=200,
        help_text=gettext_lazy("For example 国务院办公厅关于2027年部分节假日安排的通知."),
    )


def _year_from(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    return min(max(year, 2004), today.year + 5)


def _package_days(year: int) -> tuple[list[date], list[date]]:
    if year not in workdays.PACKAGE_YEARS:
        return [], []
    start, end = date(year, 1, 1), date(year, 12, 31)
    holidays = chinese_calendar.get_holidays(start, end, include_weekends=False)
    makeup = [d for d in chinese_calendar.get_workdays(start, end, include_weekends=True) if d.weekday() >= 5]
    return holidays, makeup


# places.Town, reached through the calendar's own field: the kernel imports no other app.
Town = CalendarDay._meta.get_field("town").related_model


def _calendar_towns(scope) -> list:
    """The towns whose own exceptions the user keeps on this page: those their `calendar.manage`
    reaches. The platform administrator's page is the national schedule (they see the towns'
    exceptions listed, not a form per town)."""
    if scope.is_platform_admin:
        return []
    return list(Town.objects.filter(pk__in=scope.area("calendar.manage").towns).order_by("code"))


def _chosen_town(request, towns: list):
    """The town of the page (`?town=<code>`, or the form's), among the user's; the first by
    default; a town not theirs is a 404."""
    uid = request.POST.get("town") or request.GET.get("town")
    if not uid:
        return towns[0] if towns else None
    for town in towns:
        if town.uid == uid:
            return town
    raise Http404


def _page_url(path: str, year: int, town=None) -> str:
    return f"{path}?year={year}" + (f"&town={town.uid}" if town is not None else "")


@requires("calendar.manage")
def calendar(request):
    """The national schedule (the platform administrator edits it; a town's office reads it) and,
    for a town's office, the town's own exceptions."""
    scope = get_scope(request.user)
    year = _year_from(request)
    today = timezone.localdate()
    towns = _calendar_towns(scope)
    town = _chosen_town(request, towns)
    posted = request.POST.get("form") if request.method == "POST" else None
    range_form = CalendarRangeForm(request.POST if posted == "range" else None, prefix="range")
    confirm_form = ConfirmYearForm(request.POST if posted == "confirm" else None, prefix="confirm")
    town_form = TownRangeForm(request.POST if posted == "town" else None, prefix="town")
    national_refusal = services.calendar_refusal(request.user)
    confirmation_refusal = services.year_confirmation_refusal(request.user)
    refusal = None  # a posted action the user may not take, in words, above the page
    if posted == "range":
        if national_refusal is None:
            done = _save_days(request, range_form, None)
            if done is not None:
                return done
        else:
            refusal = national_refusal
            if town is not None:  # what they typed, offered as their town's exception instead
                town_form = TownRangeForm(initial=_typed(request, range_form), prefix="town")
    elif posted == "confirm":
        if confirmation_refusal is None:
            done = _confirm_year(request, confirm_form, year)
            if done is not None:
                return done
        else:
            refusal = confirmation_refusal
    elif posted == "town":
        if town is None:
            raise Http404
        done = _save_days(request, town_form, town)
        if done is not None:
            return done
    holidays, makeup = _package_days(year)
    national = workdays.calendar_for_years(year, year)
    town_days = (
        [(d, national.is_working_day(d.date)) for d in CalendarDay.objects.filter(town=town, date__year=year)]
        if town is not None
        else []
    )
    return render(
        request,
        "core/calendar.html",
        {
            "nav": "calendar",
            "year": year,
            "years": list(range(today.year - 1, today.year + 3)),
            "in_package": year in workdays.PACKAGE_YEARS,
            "confirmation": CalendarYear.objects.filter(year=year).select_related("confirmed_by").first(),
            "has_data": year_has_data(year),
            "overrides": CalendarDay.objects.filter(town__isnull=True, date__year=year),
            "package_holidays": holidays,
            "package_makeup": makeup,
            "may_edit_national": national_refusal is None,
            "may_confirm": confirmation_refusal is None,
            "range_form": range_form,
            "confirm_form": confirm_form,
            "refusal": refusal,
            "refusal_kept": refusal is not None and posted == "range" and town is not None,
            "towns": towns,
            "town": town,
            "town_days": town_days,
            "town_form": town_form,
            "towns_days": (
                CalendarDay.objects.filter(town__isnull=False, date__year=year)
                .select_related("town")
                .order_by("town__code", "date")
                if scope.is_platform_admin
                else []
            ),
        },
    )


def _typed(request, form: CalendarRangeForm) -> dict:
    """What was typed in a form, as the initial values of another."""
    return {name: request.POST.get(form.add_prefix(name), "") for name in form.fields}


def _save_days(request, range_form: CalendarRangeForm, town):
    """Save a range of days as holidays or working days, national (`town` None) or the town's: a
    redirect to their year, or None (the refusal, in words, is on the form with what was typed)."""
    if not range_form.is_valid():
        return None
    data = range_form.cleaned_data
    try:
        days = apply_service(
            range_form,
            lambda: services.set_calendar_days(
                actor=request.user,
                start=data["start"],
                end=data["end"] or data["start"],
                kind=data["kind"],
                name=data["name"],
                town=town,
            ),
        )
    except PermissionDenied as refused:
        range_form.add_error(None, str(refused))
        return None
    if days is None:
        return None
    messages.success(request, _("%(n)s day(s) saved.") % {"n": len(days)})
    return redirect(_page_url(request.path, data["start"].year, town))


def _confirm_year(request, confirm_form: ConfirmYearForm, year: int):
    """Confirm a year's schedule: a redirect to it, or None (the refusal is on the form)."""
    if not confirm_form.is_valid():
        return None
    done = apply_service(
        confirm_form,
        lambda: services.confirm_calendar_year(
            actor=request.user, year=year, source=confirm_form.cleaned_data["source"]
        ),
    )
    if done is None:
        return None
    messages.success(
        request,
        _("The schedule of %(year)s is confirmed. Deadlines in %(year)s are no longer provisional.") % {"year": year},
    )
    return redirect(f"{request.path}?year={year}")


def _day_from(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


@require_POST
@requires("calendar.manage")
def calendar_day_remove(request, day):
    """Take a day out of the national schedule: the platform administrator's (404 for others, as
    for a day that is not there)."""
    if services.calendar_refusal(request.user) is not None:
        raise Http404
    day = get_object_or_404(CalendarDay, town__isnull=True, date=_day_from(day))
    services.remove_calendar_day(actor=request.user, day=day)
    messages.success(request, _("%(date)s removed.") % {"date": day.date.isoformat()})
    return redirect(reverse("core:calendar") + f"?year={day.date.year}")


@require_POST
@requires("calendar.manage")
def calendar_town_day_remove(request, uid, day):
    """Take a day out of a town's own exceptions. The town is looked up among those the user's
    `calendar.manage` reaches: another town's day is a 404."""
    area = get_scope(request.user).area("calendar.manage")
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    town = get_object_or_404(towns, uid=uid)
    day = get_object_or_404(CalendarDay, town=town, date=_day_from(day))
    services.remove_calendar_day(actor=request.user, day=day)
    messages.success(request, _("%(date)s removed.") % {"date": day.date.isoformat()})
    return redirect(_page_url(reverse("core:calendar"), day.date.year, town))


# --- Audit log -------------------------------------------------------------------------------


class AuditFilterForm(StyledForm):
    action = forms.CharField(label=gettext_lazy("Action contains"), required=False, max_length=64)
    actor = forms.CharField(label=gettext_lazy("By (name or username)"), required=False, max_length=150)
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())


@requires("audit.view")
def audit_log(request):
    area = get_scope(request.user).area("audit.view")
    entries = AuditEntry.objects.all() if area.everything else AuditEntry.objects.filter(town_id__in=area.towns)
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__icontains=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page = paginate(request, entries.order_by("-at", "-seq"))
    page.object_list = audit_display.with_changes(page.object_list)
    return render(
        request,
        "core/audit_log.html",
        {
            "nav": "audit",
            "form": form,
            "page_obj": page,
        },
    )


@requires("audit.view")
def audit_heads(request):
    """The heads of the chains the user may read, as a text file to keep outside the database
    (printed and stamped, or on another system) for `manage.py verify_audit --expect`."""
    area = get_scope(request.user).area("audit.view")
    chains = AuditChain.objects.all() if area.everything else AuditChain.objects.filter(town_id__in=area.towns)
    response = HttpResponse(audit.heads_text(chains.order_by("key")), content_type="text/plain; charset=utf-8")
    name = f"audit-heads-{timezone.localtime():%Y%m%d-%H%M}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_not_required
def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
