"""Pages of the assessments: the cycles in scope (with the office's form to open one), the
schemes and their text-line editor, a cycle (its subjects with totals, ranks and flags, the
steps whoever may take them), its Excel, an assessment (each indicator's figure with the records
behind it, the points and reasons, the assessor's forms, the objection and the decision), and the
result letter (PDF). Thin: permission → scoped fetch → form → service → message + redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.actions import attempt, flash_errors
from gongzhi.core.pages import paginate, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.places.models import Town
from gongzhi.places.selectors import managed_towns, office_town

from . import schemes, scoring, services, sources
from .forms import DecisionForm, DraftsForm, ObjectionForm, OpenCycleForm, SchemeForm, ScoreForm, VersionForm
from .models import Assessment, Cycle, Evidence, Objection, Scheme
from .pdf import letter_pdf
from .workflow import CycleAction, CycleState, SchemeState

STATE_BADGES = {
    CycleState.OPEN: "text-bg-light border",
    CycleState.SCORING: "text-bg-info",
    CycleState.OBJECTIONS: "text-bg-warning",
    CycleState.DECIDED: "text-bg-secondary",
    CycleState.APPROVED: "text-bg-primary",
    CycleState.PUBLISHED: "text-bg-success",
}


def _office_town(request) -> Town:
    return office_town(request.user, "assessments.manage")


def _office_towns(request):
    return managed_towns(request.user, "assessments.manage")


# --- Cycles -----------------------------------------------------------------------------------------


def _home_page(request, form=None, status=200):
    scope = get_scope(request.user)
    cycles = Cycle.objects.for_user(request.user).select_related("scheme").order_by("-start", "subject_kind", "pk")
    state = request.GET.get("state", "")
    if state in CycleState.values:
        cycles = cycles.filter(state=state)
    # a page of cycles at a time (the first 200 of every town were 90 kB for the administrator)
    page_obj = paginate(request, cycles)
    cycles = list(page_obj.object_list)
    for c in cycles:
        c.badge = STATE_BADGES[c.state]
    may_manage = scope.has("assessments.manage") and _office_towns(request).exists()
    if may_manage and form is None:
        form = OpenCycleForm(schemes=_schemes_in_use(request))
    return render(
        request,
        "assessments/home.html",
        {
            "nav": "assessments",
            "cycles": cycles,
            "page_obj": page_obj,
            "state": state,
            "may_manage": may_manage,
            "form": form,
        },
        status=status,
    )


def _schemes_in_use(request):
    return Scheme.objects.filter(town__in=_office_towns(request), state=SchemeState.IN_USE).order_by("subject_kind")


@requires("assessments.view")
def home(request):
    return _home_page(request)


@require_POST
@requires("assessments.manage")
def cycle_open(request):
    _office_town(request)
    form = OpenCycleForm(request.POST, schemes=_schemes_in_use(request))
    response = attempt(
        request,
        form,
        lambda: services.open_cycle(
            actor=request.user, scheme=form.cleaned_data["scheme"], period=form.cleaned_data["period"]
        ),
        done=_("Cycle opened: pull the platform figures next."),
        to=lambda cycle: reverse("assessments:cycle", args=[cycle.uid]),
    )
    return response or _home_page(request, form, status=400)


def _cycle(request, uid) -> Cycle:
    return get_object_or_404(Cycle.objects.for_user(request.user).select_related("scheme", "town"), uid=uid)


def _rows(request, cycle):
    rows = list(
        Assessment.objects.for_user(request.user)
        .filter(cycle=cycle)
        .select_related("organization", "contract", "compound", "neighborhood", "cycle__scheme")
        .prefetch_related("scores__indicator")
        .order_by("pk")
    )
    results = [scoring.result_of(a) for a in rows]
    ranks = [a.rank for a in rows] if cycle.frozen else scoring.ranks([r.total for r in results])
    objections = set(Objection.objects.filter(assessment__in=rows).values_list("assessment_id", flat=True))
    for a, result, rank in zip(rows, results, ranks, strict=True):
        a.result, a.shown_rank = result, rank
        a.missing = sum(1 for s in a.scores.all() if s.points is None)
        a.objected = a.pk in objections
    rows.sort(key=lambda a: (a.shown_rank is None, a.shown_rank or 0, a.subject_name))
    return rows


def _actions(request, cycle) -> list[str]:
    """The steps the user may take on the cycle now."""
    out = []
    if services.may_manage(request.user, cycle):
        for action in (CycleAction.PULL, CycleAction.SHOW_DRAFTS, CycleAction.CLOSE_OBJECTIONS, CycleAction.PUBLISH,
                       CycleAction.REOPEN):  # fmt: skip
            if services.CYCLE_WORKFLOW.allows(action, cycle.state):
                out.append(action)
    if services.CYCLE_WORKFLOW.allows(CycleAction.APPROVE, cycle.state) and services.may_approve(request.user, cycle):
        out.append(CycleAction.APPROVE)
    return out


def _cycle_page(request, cycle, forms=None, status=200):
    forms = forms or {}
    initial = {"version": cycle.version}
    actions = _actions(request, cycle)
    cycle.badge = STATE_BADGES[cycle.state]
    return render(
        request,
        "assessments/cycle.html",
        {
            "nav": "assessments",
            "cycle": cycle,
            "rows": _rows(request, cycle),
            "actions": [(a, CycleAction(a).label) for a in actions if a != CycleAction.SHOW_DRAFTS],
            "drafts_form": forms.get("show_drafts") or (
                DraftsForm(initial=initial) if CycleAction.SHOW_DRAFTS in actions else None
            ),
            "version_form": VersionForm(initial=initial),
            "property_service": cycle.subject_kind == "property_service",
            **timeline_context(request, cycle),
        },
        status=status,
    )  # fmt: skip


@requires("assessments.view")
def cycle_detail(request, uid):
    return _cycle_page(request, _cycle(request, uid))


ACTIONS = {
    CycleAction.PULL: (services.pull_figures, _("Figures pulled.")),
    CycleAction.SHOW_DRAFTS: (services.show_drafts, _("Drafts shown: the objection window is open.")),
    CycleAction.CLOSE_OBJECTIONS: (services.close_objections, _("Objection phase closed.")),
    CycleAction.APPROVE: (services.approve, _("Cycle approved.")),
    CycleAction.PUBLISH: (services.publish, _("Cycle published: the results are frozen.")),
    CycleAction.REOPEN: (services.reopen, _("Cycle sent back to scoring.")),
}


@require_POST
@requires("assessments.view")
def cycle_act(request, uid, action):
    cycle = _cycle(request, uid)
    if action not in ACTIONS:
        raise Http404
    if action == CycleAction.APPROVE:
        if not services.may_approve(request.user, cycle):
            raise Http404
    elif not services.may_manage(request.user, cycle):
        raise Http404
    call, done = ACTIONS[action]
    form = DraftsForm(request.POST) if action == CycleAction.SHOW_DRAFTS else VersionForm(request.POST)
    extra = (lambda: {"days": form.cleaned_data["days"]}) if action == CycleAction.SHOW_DRAFTS else dict
    response = attempt(
        request,
        form,
        lambda: call(actor=request.user, cycle=cycle, version=form.cleaned_data["version"], **extra()),
        done=str(done),
        to=reverse("assessments:cycle", args=[cycle.uid]),
    )
    if response is not None:
        return response
    if action == CycleAction.SHOW_DRAFTS:
        return _cycle_page(request, cycle, {"show_drafts": form}, status=400)
    flash_errors(request, form)
    return _cycle_page(request, cycle, status=400)


@requires("assessments.view")
def cycle_export(request, uid):
    cycle = _cycle(request, uid)
    rows = _rows(request, cycle)
    indicators = list(cycle.scheme.indicators.all())
    headers = [(_("Rank"), 6), (_("Assessed"), 30), (_("Score"), 8), (_("Grade"), 8)]
    if cycle.subject_kind == "property_service":
        headers.append((_("Fee paid (%)"), 10))
    headers += [(_("Failed two periods in a row"), 10), (_("Objection"), 8)]
    headers += [(f"{i.section} · {i.text} ({schemes._plain(i.max_points)})", 14) for i in indicators]
    table = []
    for a in rows:
        points = {s.indicator_id: s.points for s in a.scores.all()}
        line = [a.shown_rank or "", a.subject_name, a.result.total if a.result.total is not None else "", a.result.band]
        if cycle.subject_kind == "property_service":
            line.append(a.result.fee_percent if a.result.fee_percent is not None else "")
        line += [_("yes") if a.failed_twice else "", _("yes") if a.objected else ""]
        line += [points.get(i.pk) if points.get(i.pk) is not None else "" for i in indicators]
        table.append(line)
    title = f"{cycle.scheme.name} {cycle.period} · {cycle.get_state_display()}"
    content = table_workbook(title, headers, table)
    return xlsx_response(content, filename=f"assessment-{cycle.subject_kind}-{cycle.period}.xlsx")


# --- An assessment ------------------------------------------------------------------------------------


def _assessment(request, uid, permission=None) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_user(request.user, permission).select_related(
            "cycle__scheme", "cycle__town", "organization", "contract", "compound", "neighborhood"
        ),
        uid=uid,
    )


def _assessment_page(request, assessment, forms=None, status=200, score_forms=None):
    forms = forms or {}
    score_forms = score_forms or {}
    cycle = assessment.cycle
    today = timezone.localdate()
    scores = list(assessment.scores.select_related("indicator", "scored_by").order_by("indicator__position"))
    may_score = cycle.state == CycleState.SCORING and services.may_score(request.user, assessment)
    for s in scores:
        s.source_label = sources.label_of(s.indicator.source) if s.indicator.source else ""
        s.form = score_forms.get(s.pk) or (
            ScoreForm(initial={"version": s.version, "points": s.points, "reason": s.reason},
                      prefix=f"s{s.pk}") if may_score and s.by_hand else None
        )  # fmt: skip
    objection = getattr(assessment, "objection", None) if hasattr(assessment, "objection") else None
    may_object = (
        cycle.state == CycleState.OBJECTIONS
        and objection is None
        and cycle.objection_until is not None
        and today <= cycle.objection_until
        and Assessment.objects.for_user(request.user, "assessments.object").filter(pk=assessment.pk).exists()
    )
    may_decide = (
        cycle.state == CycleState.OBJECTIONS
        and objection is not None
        and not objection.decision
        and services.may_manage(request.user, cycle)
    )
    initial = {"version": assessment.version}
    context = {
        "nav": "assessments",
        "assessment": assessment,
        "cycle": cycle,
        "scores": scores,
        "result": scoring.result_of(assessment),
        "objection": objection,
        "evidence": objection.evidence.all() if objection else [],
        "may_object": "object" in forms or may_object,
        "may_decide": "decide" in forms or may_decide,
        "objection_form": forms.get("object") or ObjectionForm(initial=initial),
        "decision_form": forms.get("decide") or DecisionForm(initial=initial, scores=scores),
        "property_service": cycle.subject_kind == "property_service",
        "shown_to_assessed": cycle.state in ("objections", "decided", "approved", "published"),
        **timeline_context(request, assessment),
    }
    return render(request, "assessments/assessment.html", context, status=status)


@requires("assessments.view")
def assessment_detail(request, uid):
    return _assessment_page(request, _assessment(request, uid))


@require_POST
@requires("assessments.score")
def assessment_score(request, uid, score_id):
    assessment = _assessment(request, uid, "assessments.score")
    score = get_object_or_404(assessment.scores.select_related("indicator", "assessment__cycle"), pk=score_id)
    form = ScoreForm(request.POST, prefix=f"s{score.pk}")
    response = attempt(
        request,
        form,
        lambda: services.save_score(
            actor=request.user,
            score=score,
            version=form.cleaned_data["version"],
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
        ),
        done=_("Score saved."),
        to=reverse("assessments:assessment", args=[assessment.uid]) + f"#score-{score.pk}",
    )
    return response or _assessment_page(request, assessment, status=400, score_forms={score.pk: form})


@require_POST
@requires("assessments.object")
def assessment_object(request, uid):
    assessment = _assessment(request, uid, "assessments.object")
    form = ObjectionForm(request.POST, request.FILES)
    response = attempt(
        request,
        form,
        lambda: services.object_to_assessment(
            actor=request.user,
            assessment=assessment,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            evidence=form.cleaned_data["evidence"],
        ),
        done=_("Objection sent; the office will decide."),
        to=reverse("assessments:assessment", args=[assessment.uid]),
    )
    return response or _assessment_page(request, assessment, {"object": form}, status=400)


@require_POST
@requires("assessments.manage")
def assessment_decide(request, uid):
    assessment = _assessment(request, uid, "assessments.manage")
    scores = list(assessment.scores.select_related("indicator"))
    form = DecisionForm(request.POST, scores=scores)
    by_pk = {s.pk: s for s in scores}
    response = attempt(
        request,
        form,
        lambda: services.decide_objection(
            actor=request.user,
            assessment=assessment,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            score=by_pk.get(form.cleaned_data["score"]),
            points=form.cleaned_data["points"],
        ),
        done=_("Objection decided."),
        to=reverse("assessments:assessment", args=[assessment.uid]),
    )
    return response or _assessment_page(request, assessment, {"decide": form}, status=400)


@requires("assessments.view")
def assessment_letter(request, uid):
    assessment = _assessment(request, uid)
    if assessment.cycle.state != CycleState.PUBLISHED:
        raise Http404
    pdf = letter_pdf(assessment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{assessment.cycle.period}-{assessment.uid}.pdf"'
    )
    return response


@requires("assessments.view")
def evidence_file(request, uid):
    row = get_object_or_404(Evidence.objects.select_related("objection"), uid=uid)
    if not Assessment.objects.for_user(request.user).filter(pk=row.objection.assessment_id).exists():
        raise Http404
    return serve_private_file(row.file, row.name)


# --- Schemes ------------------------------------------------------------------------------------------


@requires("assessments.view")
def scheme_list(request):
    scope = get_scope(request.user)
    towns = scope.town_ids if not scope.is_platform_admin else set(Town.objects.values_list("pk", flat=True))
    rows = Scheme.objects.filter(town_id__in=towns).order_by("subject_kind", "-number", "pk")
    may_manage = scope.has("assessments.manage") and _office_towns(request).exists()
    return render(
        request,
        "assessments/schemes.html",
        {
            "nav": "assessments",
            "schemes": (page_obj := paginate(request, rows)).object_list,
            "page_obj": page_obj,
            "may_manage": may_manage,
            "form": VersionForm(initial={"version": 0}),
        },
    )


def _scheme(request, uid) -> Scheme:
    scope = get_scope(request.user)
    if scope.is_platform_admin:
        return get_object_or_404(Scheme, uid=uid)
    return get_object_or_404(Scheme.objects.filter(town_id__in=scope.town_ids), uid=uid)


def _scheme_page(request, scheme, form=None, status=200):
    may_manage = services.may_manage(request.user, scheme)
    if form is None and may_manage and scheme.editable:
        form = SchemeForm(
            initial={
                "name": scheme.name,
                "period_kind": scheme.period_kind,
                "total_weight": scheme.total_weight,
                "indicators": "\n".join(schemes.indicator_line(i) for i in scheme.indicators.all()),
                "bands": "\n".join(schemes.band_line(b) for b in scheme.bands.all()),
                "version": scheme.version,
            }
        )
    indicators = list(scheme.indicators.all())
    for i in indicators:
        i.source_label = sources.label_of(i.source) if i.source else ""
    return render(
        request,
        "assessments/scheme.html",
        {
            "nav": "assessments",
            "scheme": scheme,
            "indicators": indicators,
            "bands": scheme.bands.all(),
            "form": form if may_manage and scheme.editable else None,
            "may_manage": may_manage,
            "version_form": VersionForm(initial={"version": scheme.version}),
            "sources": sources.all_sources(),
            **timeline_context(request, scheme),
        },
        status=status,
    )


@requires("assessments.view")
def scheme_detail(request, uid):
    scheme = _scheme(request, uid)
    if request.method != "POST":
        return _scheme_page(request, scheme)
    if not services.may_manage(request.user, scheme):
        raise Http404
    form = SchemeForm(request.POST)
    response = attempt(
        request,
        form,
        lambda: services.edit_scheme(actor=request.user, scheme=scheme, **form.cleaned_data),
        done=_("Scheme saved."),
        to=reverse("assessments:scheme", args=[scheme.uid]),
    )
    return response or _scheme_page(request, scheme, form, status=400)


@require_POST
@requires("assessments.manage")
def scheme_seed(request):
    town = _office_town(request)
    made = services.seed_default_schemes(actor=request.user, town=town)
    messages.success(request, _("%(n)s default schemes created.") % {"n": len(made)})
    return redirect("assessments:schemes")


def _scheme_step(request, uid, call, done, to_result: bool):
    scheme = _scheme(request, uid)
    if not services.may_manage(request.user, scheme):
        raise Http404
    form = VersionForm(request.POST)
    response = attempt(
        request,
        form,
        lambda: call(scheme, form.cleaned_data["version"]),
        done=done,
        to=(lambda s: reverse("assessments:scheme", args=[s.uid])) if to_result else reverse(
            "assessments:scheme", args=[scheme.uid]
        ),
    )  # fmt: skip
    if response is not None:
        return response
    flash_errors(request, form)
    return _scheme_page(request, scheme, status=400)


@require_POST
@requires("assessments.manage")
def scheme_new_version(request, uid):
    return _scheme_step(
        request, uid, lambda scheme, version: services.new_version(actor=request.user, scheme=scheme),
        _("New version drafted: edit it, then put it in use."), True,
    )  # fmt: skip


@require_POST
@requires("assessments.manage")
def scheme_put_in_use(request, uid):
    return _scheme_step(
        request, uid, lambda scheme, version: services.put_in_use(actor=request.user, scheme=scheme, version=version),
        _("Scheme put in use."), False,
    )  # fmt: skip
