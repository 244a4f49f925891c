"""Pages of the awards: the rounds in scope (the office opens one, edits the settings), a round
with its candidates group by group (eligibility, nominations, ranks, the proposal) and the steps
the user may take, a candidate with the figure, credit and every exclusion drilling down to the
records, the Excel of a round, and the public announcement. Thin: permission → scoped fetch →
form → service → message + redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.actions import act
from gongzhi.core.forms import apply_service
from gongzhi.core.pages import paginate, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.places.models import Town
from gongzhi.places.selectors import office_town

from . import services
from .forms import AnnounceForm, NominateForm, RoundForm, SendBackForm, SettingsForm, VersionForm
from .models import AwardSettings, Candidate, Group, Round
from .workflow import RoundState

BADGES = {
    RoundState.OPEN: "text-bg-primary",
    RoundState.SUBMITTED: "text-bg-warning",
    RoundState.APPROVED: "text-bg-info",
    RoundState.ANNOUNCED: "text-bg-success",
}


def _office_town(request):
    town = office_town(request.user, "awards.manage")
    if town is None:
        raise Http404
    return town


def _counts(request, rounds):
    """Each round with the counts of the candidates the user reads (an inspection group: those in
    the places it covers), counted by the database per round (a city's rounds have tens of
    thousands of candidates)."""
    rows = list(rounds)
    counts = {
        row["round_id"]: row
        for row in Candidate.objects.for_user(request.user)
        .filter(round__in=[r.pk for r in rows])
        .order_by()
        .values("round_id")
        .annotate(
            n=Count("pk"),
            eligible=Count("pk", filter=Q(eligible=True)),
            nominated=Count("pk", filter=Q(nominated_at__isnull=False)),
            proposed=Count("pk", filter=Q(proposed=True)),
            awarded=Count("pk", filter=Q(awarded=True)),
        )
    }
    for r in rows:
        c = counts.get(r.pk, {})
        r.badge = BADGES[r.state]
        r.n_candidates = c.get("n", 0)
        r.n_eligible = c.get("eligible", 0)
        r.n_nominated = c.get("nominated", 0)
        r.n_proposed = c.get("proposed", 0)
        r.n_awarded = c.get("awarded", 0)
    return rows


@requires("awards.view")
def home(request):
    scope = get_scope(request.user)
    rounds = Round.objects.for_user(request.user).select_related("town")
    year = request.GET.get("year", "")
    if year.isdigit():
        rounds = rounds.filter(year=int(year))
    may_manage = scope.has("awards.manage") and office_town(request.user, "awards.manage") is not None
    towns = Town.objects.filter(pk__in=Round.objects.for_user(request.user).values("town_id")).order_by("name")
    page = paginate(request, rounds.order_by("-year", "kind", "town__name", "pk"))
    return render(
        request,
        "awards/home.html",
        {
            "nav": "awards",
            "rounds": _counts(request, page.object_list),
            "page_obj": page,
            "years": list(
                Round.objects.for_user(request.user).order_by("-year").values_list("year", flat=True).distinct()
            ),
            "year": year,
            "may_manage": may_manage,
            "towns": towns,
        },
    )


@requires("awards.manage")
def round_new(request):
    town = _office_town(request)
    today = timezone.localdate()
    form = RoundForm(request.POST or None, initial={"year": today.year - 1 if today.month < 12 else today.year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = apply_service(
            form, lambda: services.open_round(actor=request.user, town=town, year=data["year"], kind=data["kind"])
        )
        if round_ is not None:
            messages.success(
                request,
                _("%(round)s opened: %(n)s candidates checked.") % {"round": round_, "n": round_.candidates.count()},
            )
            return redirect("awards:round", round_.uid)
    return render(
        request,
        "form_page.html",
        {
            "nav": "awards",
            "form": form,
            "title": _("Open an award round"),
            "intro": _(
                "Every organisation (and compound manager) the award can go to is listed with what decides its "
                "eligibility: the year's published assessments, the credit file on the day of the check, and "
                "warning-letter measures taking away award eligibility."
            ),
            "submit_label": _("Open and check eligibility"),
            "cancel_url": "awards:home",
        },
        status=400 if request.method == "POST" else 200,
    )


@requires("awards.manage")
def settings_page(request):
    town = _office_town(request)
    current = AwardSettings.for_town(town.pk)
    initial = {name: getattr(current, name) for name in services.SETTING_FIELDS}
    initial["version"] = current.version if current.pk else None
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = apply_service(
            form, lambda: services.save_settings(actor=request.user, town=town, version=version, **data)
        )
        if saved is not None:
            messages.success(request, _("Award settings saved. They apply to rounds opened or checked again from now."))
            return redirect("awards:home")
    return render(
        request,
        "form_page.html",
        {
            "nav": "awards",
            "form": form,
            "title": _("Award settings"),
            "intro": _(
                "Blacklisted companies and managers, and those of credit grade C (or on the watch list in the "
                "demerit-points mode), are never eligible; these settings add the town's minimums."
            ),
            "cancel_url": "awards:home",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- A round ---------------------------------------------------------------------------------------


def _round(request, uid, permission=None) -> Round:
    return get_object_or_404(
        Round.objects.for_user(request.user, permission).select_related("town", "approved_by", "opened_by"), uid=uid
    )


def _groups(request, round_):
    """The candidates the user reads, group by group, ranked first."""
    rows = list(
        Candidate.objects.for_user(request.user)
        .filter(round=round_)
        .select_related("round", "organization", "person", "company", "nominated_by")
    )
    nominable = set(
        Candidate.objects.for_user(request.user, "awards.nominate").filter(round=round_).values_list("pk", flat=True)
    )
    out = []
    for group in round_.groups:
        members = [c for c in rows if c.group == group]
        for c in members:
            c.may_nominate = c.pk in nominable
        members.sort(key=lambda c: (c.rank is None, c.rank or 0, not c.eligible, -(c.figure or 0), c.name))
        out.append((Group(group).label, members))
    return out


def _round_page(request, round_, forms=None, status=200):
    forms = forms or {}
    scope = get_scope(request.user)
    may_manage = scope.area("awards.manage").covers_town(round_.town_id)
    may_decide = services.may_approve(request.user, round_)
    # the round's history counts every candidate: for those who read the whole town only
    whole_town = scope.area("awards.view").covers_town(round_.town_id)
    state = round_.state
    initial = {"version": round_.version}
    round_.badge = BADGES[state]
    context = {
        "nav": "awards",
        "round": round_,
        "groups": _groups(request, round_),
        "settings": AwardSettings.for_town(round_.town_id),
        "may_refresh": "refresh" in forms or (may_manage and state == RoundState.OPEN),
        "may_submit": "submit" in forms or (may_manage and state == RoundState.OPEN),  # shown with a note when empty
        "may_decide": "approve" in forms or "send_back" in forms or (may_decide and state == RoundState.SUBMITTED),
        "may_announce": "announce" in forms or (may_manage and state == RoundState.APPROVED),
        "refresh_form": forms.get("refresh") or VersionForm(initial=initial),
        "submit_form": forms.get("submit") or VersionForm(initial=initial),
        "approve_form": forms.get("approve") or VersionForm(initial=initial),
        "send_back_form": forms.get("send_back") or SendBackForm(initial=initial),
        "announce_form": forms.get("announce") or AnnounceForm(initial=initial),
        "has_proposed": round_.candidates.filter(proposed=True).exists(),
        **(timeline_context(request, round_) if whole_town else {}),
    }
    return render(request, "awards/round.html", context, status=status)


@requires("awards.view")
def round_detail(request, uid):
    return _round_page(request, _round(request, uid))


@requires("awards.view")
def round_export(request, uid):
    round_ = _round(request, uid)
    headers = [
        (_("Group"), 16),
        (_("Candidate"), 30),
        (_("The year's assessment figure"), 12),
        (_("Assessments"), 10),
        (_("Credit on the reference day"), 16),
        (_("Eligible"), 8),
        (_("Why not eligible"), 60),
        (_("Nominated"), 8),
        (_("Why nominated"), 40),
        (_("Rank"), 6),
        (_("Proposed"), 8),
        (_("Awarded"), 8),
    ]
    data = []
    for label, members in _groups(request, round_):
        for c in members:
            data.append(
                (
                    str(label),
                    c.name,
                    float(c.figure) if c.figure is not None else "",
                    c.assessed,
                    c.credit_text,
                    _("yes") if c.eligible else _("no"),
                    c.exclusion_texts,
                    _("yes") if c.nominated else "",
                    c.nomination,
                    c.rank or "",
                    _("yes") if c.proposed else "",
                    _("yes") if c.awarded else "",
                )
            )
    return xlsx_response(
        table_workbook(str(round_), headers, data), filename=f"awards-{round_.year}-{round_.kind}.xlsx"
    )


def _round_act(request, uid, *, permission, key, form_class, call, done):
    round_ = _round(request, uid, permission)
    return act(
        request,
        round_,
        form_class(request.POST),
        call,
        done=done,
        to=lambda result: reverse("awards:round", args=[result.uid]),
        reshow=lambda form: _round_page(request, round_, {key: form}, status=400),
    )


@require_POST
@requires("awards.manage")
def round_refresh(request, uid):
    return _round_act(
        request,
        uid,
        permission="awards.manage",
        key="refresh",
        form_class=VersionForm,
        call=lambda r, data: services.refresh(actor=request.user, round_=r, version=data["version"]),
        done=_("Eligibility checked again."),
    )


@require_POST
@requires("awards.manage")
def round_submit(request, uid):
    return _round_act(
        request,
        uid,
        permission="awards.manage",
        key="submit",
        form_class=VersionForm,
        call=lambda r, data: services.submit(actor=request.user, round_=r, version=data["version"]),
        done=_("The proposal is before the leadership group."),
    )


@require_POST
@requires("awards.approve")
def round_approve(request, uid):
    return _round_act(
        request,
        uid,
        permission="awards.approve",
        key="approve",
        form_class=VersionForm,
        call=lambda r, data: services.approve(actor=request.user, round_=r, version=data["version"]),
        done=_("Awards approved. The office announces them."),
    )


@require_POST
@requires("awards.approve")
def round_send_back(request, uid):
    return _round_act(
        request,
        uid,
        permission="awards.approve",
        key="send_back",
        form_class=SendBackForm,
        call=lambda r, data: services.send_back(
            actor=request.user, round_=r, version=data["version"], reason=data["reason"]
        ),
        done=_("Proposal sent back to the office."),
    )


@require_POST
@requires("awards.manage")
def round_announce(request, uid):
    return _round_act(
        request,
        uid,
        permission="awards.manage",
        key="announce",
        form_class=AnnounceForm,
        call=lambda r, data: services.announce(
            actor=request.user, round_=r, version=data["version"], text=data["text"]
        ),
        done=_("Awards announced on the public page."),
    )


# --- A candidate -----------------------------------------------------------------------------------


def _candidate(request, uid, permission=None) -> Candidate:
    return get_object_or_404(
        Candidate.objects.for_user(request.user, permission).select_related(
            "round", "round__town", "organization", "person", "company", "nominated_by", "credit_record"
        ),
        uid=uid,
    )


def _candidate_page(request, candidate, forms=None, status=200):
    forms = forms or {}
    round_ = candidate.round
    may_nominate = services.may_nominate(request.user, candidate) and round_.state == RoundState.OPEN
    initial = {"version": candidate.version}
    credit_url = ""
    if candidate.person_id:
        credit_url = reverse("credit:manager", args=[candidate.person.uid])
    elif candidate.group == Group.PROPERTY_COMPANY:
        credit_url = reverse("credit:company", args=[candidate.organization.uid])
    context = {
        "nav": "awards",
        "candidate": candidate,
        "round": round_,
        "credit_url": credit_url,
        "may_nominate": "nominate" in forms
        or (may_nominate and not round_.standard_check and candidate.eligible and not candidate.nominated),
        "may_withdraw": "withdraw" in forms or (may_nominate and candidate.nominated),
        "nominate_form": forms.get("nominate") or NominateForm(initial=initial),
        "withdraw_form": forms.get("withdraw") or VersionForm(initial=initial),
        **timeline_context(request, candidate),
    }
    return render(request, "awards/candidate.html", context, status=status)


@requires("awards.view")
def candidate_detail(request, uid):
    return _candidate_page(request, _candidate(request, uid))


def _candidate_act(request, uid, *, key, form_class, call, done):
    candidate = _candidate(request, uid, "awards.nominate")
    return act(
        request,
        candidate,
        form_class(request.POST),
        call,
        done=done,
        to=lambda result: reverse("awards:round", args=[result.round.uid]),
        reshow=lambda form: _candidate_page(request, candidate, {key: form}, status=400),
    )


@require_POST
@requires("awards.nominate")
def candidate_nominate(request, uid):
    return _candidate_act(
        request,
        uid,
        key="nominate",
        form_class=NominateForm,
        call=lambda c, data: services.nominate(
            actor=request.user, candidate=c, version=data["version"], reason=data["reason"]
        ),
        done=lambda c: _("%(name)s nominated.") % {"name": c.name},
    )


@require_POST
@requires("awards.nominate")
def candidate_withdraw(request, uid):
    return _candidate_act(
        request,
        uid,
        key="withdraw",
        form_class=VersionForm,
        call=lambda c, data: services.withdraw_nomination(actor=request.user, candidate=c, version=data["version"]),
        done=lambda c: _("Nomination of %(name)s withdrawn.") % {"name": c.name},
    )


# --- The public announcement -----------------------------------------------------------------------


@login_not_required
def public(request, code):
    town = get_object_or_404(Town, code=code)
    rounds = list(
        Round.objects.filter(town=town, state=RoundState.ANNOUNCED)
        .order_by("-year", "kind")
        .prefetch_related("candidates__organization", "candidates__person", "candidates__company")
    )
    for r in rounds:
        winners = [c for c in r.candidates.all() if c.awarded]
        r.winners = [(Group(g).label, [c for c in winners if c.group == g]) for g in r.groups]
    return render(request, "awards/public.html", {"town": town, "rounds": rounds})
