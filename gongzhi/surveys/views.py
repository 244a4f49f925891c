"""Pages of the satisfaction surveys: the office's questionnaires and surveys, the survey page with
its progress per building, the surveyor's answer form on a phone, the printable list of answer
links, the results with the three definitions, the Excel export, and the public page a resident
opens from the unit's link or QR code (no sign-in; one answer per unit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.actions import attempt
from gongzhi.core.pages import managed, paginate, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.qrcodes import qr_svg
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Compound

from . import exports, services
from .forms import AnswerForm, NonresponseForm, QuestionnaireForm, SettingsForm, SurveyForm, VersionForm
from .models import Questionnaire, Response, SampledUnit, Survey, SurveySettings
from .results import ORDER, basic_weight_of, definition_label, definition_note, partial_label, survey_results
from .workflow import SurveyState

BADGES = {
    SurveyState.DRAFT: "text-bg-secondary",
    SurveyState.OPEN: "text-bg-primary",
    SurveyState.CLOSED: "text-bg-success",
}
UNIT_BADGES = {
    SampledUnit.Status.PENDING: "text-bg-light border",
    SampledUnit.Status.ANSWERED: "text-bg-success",
    SampledUnit.Status.REFUSED: "text-bg-danger",
    SampledUnit.Status.UNREACHABLE: "text-bg-warning",
    SampledUnit.Status.REPLACED: "text-bg-secondary",
}


def _survey(request, uid, permission: str = "surveys.view") -> Survey:
    return get_object_or_404(
        Survey.objects.for_user(request.user, permission).select_related("compound", "questionnaire", "town"), uid=uid
    )


def _conducted(request, uid) -> Survey:
    """A survey the user conducts: in their coverage, and not measuring them (else 404)."""
    survey = _survey(request, uid, "surveys.conduct")
    if services.measured_by(request.user, survey.compound):
        raise Http404
    return survey


def _managed_survey(request, uid) -> Survey:
    survey = _survey(request, uid)
    if not services.may_manage(request.user, survey.town_id):
        raise Http404
    return survey


# ---------------------------------------------------------------- questionnaires


def _questionnaires(request):
    return managed(request, Questionnaire.objects.all(), "surveys.manage")


@requires("surveys.manage")
def questionnaire_list(request):
    # A page at a time, the surveys counted for the page's questionnaires only (every town's
    # questionnaires with every survey of the city grouped, for the administrator).
    page_obj = paginate(request, _questionnaires(request).order_by("series", "-number", "pk"))
    counts = dict(
        Survey.objects.filter(questionnaire__in=[q.pk for q in page_obj])
        .values("questionnaire_id")
        .annotate(n=Count("pk"))
        .values_list("questionnaire_id", "n")
    )
    for q in page_obj:
        q.survey_count = counts.get(q.pk, 0)
    return render(
        request,
        "surveys/questionnaire_list.html",
        {"nav": "surveys", "questionnaires": page_obj.object_list, "page_obj": page_obj},
    )


def _office_town(request):
    """The town of the office the user works in; the platform administrator works in a town's
    office account (404)."""
    from gongzhi.places.models import Town

    area = get_scope(request.user).area("surveys.manage")
    town_ids = sorted(area.towns)
    if area.everything or len(town_ids) != 1:
        raise Http404
    return Town.objects.get(pk=town_ids[0])


@requires("surveys.manage")
def questionnaire_new(request):
    town = _office_town(request)
    form = QuestionnaireForm(posted(request))
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.create_questionnaire(
                actor=request.user,
                town=town,
                name=form.cleaned_data["name"],
                scale=form.cleaned_data["scale"],
                parties=form.cleaned_data["parties"],
                services=form.service_names(),
            ),  # fmt: skip
            done=_("Questionnaire drafted. Check it, then publish it."),
            to=lambda q: q,
        )
        if response is not None:
            return response
    return render(
        request, "surveys/questionnaire_form.html", {"nav": "surveys", "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@requires("surveys.manage")
def questionnaire(request, uid):
    """A version of a questionnaire: a draft is edited here; editing a published one makes the next version."""
    current = get_object_or_404(_questionnaires(request), uid=uid)
    form = QuestionnaireForm(posted(request), initial=QuestionnaireForm.initial_for(current))
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.update_questionnaire(
                actor=request.user,
                questionnaire=current,
                expected_version=form.cleaned_data["version"],
                name=form.cleaned_data["name"],
                scale=form.cleaned_data["scale"],
                parties=form.cleaned_data["parties"],
                services=form.service_names(),
            ),  # fmt: skip
            done=lambda q: (
                _("Saved.") if q.pk == current.pk else _("Saved as version %(n)s, a draft.") % {"n": q.number}
            ),
            to=lambda q: q,
        )
        if response is not None:
            return response
    versions = Questionnaire.objects.filter(series=current.series).order_by("-number")
    return render(
        request,
        "surveys/questionnaire_form.html",
        {
            "nav": "surveys",
            "form": form,
            "questionnaire": current,
            "versions": versions,
            "publish_form": VersionForm(initial={"version": current.version}),
            "levels": current.levels,
        },  # fmt: skip
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires("surveys.manage")
def questionnaire_publish(request, uid):
    current = get_object_or_404(_questionnaires(request), uid=uid)
    form = VersionForm(request.POST)
    _run(request, form, lambda: services.publish_questionnaire(
        actor=request.user, questionnaire=current, expected_version=form.cleaned_data["version"]
    ), _("Published: surveys can use this version now; it no longer changes."))  # fmt: skip
    return redirect(current)


# ---------------------------------------------------------------- the town's settings


@requires("surveys.manage")
def settings_page(request):
    """The town's definition of satisfaction: the headline of every survey figure, at once."""
    town = _office_town(request)
    current = SurveySettings.for_town(town.pk)
    form = SettingsForm(posted(request), initial={"definition": current.definition, "version": current.version})
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.save_settings(
                actor=request.user,
                town=town,
                definition=form.cleaned_data["definition"],
                expected_version=form.cleaned_data["version"],
            ),
            done=_("Satisfaction definition saved: every survey's figures show it first now."),
            to=reverse("surveys:list"),
        )
        if response is not None:
            return response
    weight = basic_weight_of(town.pk)
    options = [(key, definition_label(key, weight), definition_note(key)) for key in ORDER]
    chosen = form["definition"].value()
    return render(
        request,
        "surveys/settings.html",
        {
            "nav": "surveys",
            "form": form,
            "options": options,
            "chosen": chosen,
            "weight": format(weight.normalize(), "f"),
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- surveys


@requires("surveys.view")
def survey_list(request):
    surveys = Survey.objects.for_user(request.user).select_related("compound", "questionnaire")
    page = paginate(request, surveys.order_by("-quarter", "compound__code"))
    # The answered units of the page's surveys only (counted with every survey of the city, the
    # list's query grouped 100,000 sampled units for 50 rows).
    answered = dict(
        SampledUnit.objects.filter(survey__in=[s.pk for s in page], status=SampledUnit.Status.ANSWERED)
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    for s in page:
        s.badge = BADGES.get(s.state)
        s.answered = answered.get(s.pk, 0)
    scope = get_scope(request.user)
    may_manage = scope.has("surveys.manage")
    area = scope.area("surveys.manage") if may_manage else None
    return render(
        request,
        "surveys/survey_list.html",
        {
            "nav": "surveys",
            "page_obj": page,
            "may_manage": may_manage,
            "may_settings": may_manage and not area.everything and len(area.towns) == 1,
        },
    )


@requires("surveys.manage")
def survey_new(request):
    compounds = managed(request, Compound.objects.all(), "surveys.manage").order_by("code")
    questionnaires = _questionnaires(request).filter(state=Questionnaire.State.PUBLISHED).order_by("series", "-number")
    form = SurveyForm(posted(request), compounds=compounds, questionnaires=questionnaires)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.create_survey(
                actor=request.user,
                compound=form.cleaned_data["compound"],
                quarter=form.cleaned_data["quarter"],
                questionnaire=form.cleaned_data["questionnaire"],
                confidence=form.percent("confidence"),
                margin=form.percent("margin"),
                floor=form.cleaned_data["floor"],
                seed=form.cleaned_data["seed"],
            ),  # fmt: skip
            done=_("Survey created. Draw its sample next."),
            to=lambda s: s,
        )
        if response is not None:
            return response
    return render(
        request, "surveys/survey_form.html", {"nav": "surveys", "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@requires("surveys.view")
def survey_detail(request, uid):
    survey = _survey(request, uid)
    conducts = services.may_conduct(request.user, survey)
    manages = services.may_manage(request.user, survey.town_id)
    results = survey_results(survey, with_previous=False)
    units = []
    if conducts or manages:  # the sample is not shown to those it measures
        units = list(
            survey.units.exclude(status=SampledUnit.Status.RESERVE)
            .select_related("unit", "stratum", "substitute_for__unit")
            .order_by("stratum__number", "order")
        )
        for row in units:
            row.badge = UNIT_BADGES.get(row.status)
    compound_units = survey.compound.units.count() if survey.drawn else 0
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "compound_units": compound_units,
            "nav": "surveys",
            "survey": survey,
            "badge": BADGES.get(survey.state),
            "results": results,
            "partial": partial_label(results),
            "units": units,
            "conducts": conducts,
            "manages": manages,
            "version_form": VersionForm(initial={"version": survey.version}),
            **timeline_context(request, survey),
        },  # fmt: skip
    )


def _run(request, form, call, done) -> bool:
    """A bare button's service call: success flashes `done`; a refusal flashes the reason."""
    if not form.is_valid():
        messages.error(request, _("The page was out of date: reload it and try again."))
        return False
    try:
        call()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, done)
    return True


@require_POST
@requires("surveys.conduct")
def draw(request, uid):
    survey = _conducted(request, uid)
    _run(request, VersionForm({"version": survey.version}), lambda: services.draw_sample(actor=request.user, survey=survey),
         _("Sample drawn from the recorded seed."))  # fmt: skip
    return redirect(survey)


@require_POST
@requires("surveys.manage")
def open_(request, uid):
    survey = _managed_survey(request, uid)
    form = VersionForm(request.POST)
    _run(request, form, lambda: services.open_survey(actor=request.user, survey=survey, expected_version=form.cleaned_data["version"]),
         _("The survey is open: surveyors record answers, residents answer by their links."))  # fmt: skip
    return redirect(survey)


@require_POST
@requires("surveys.manage")
def close(request, uid):
    survey = _managed_survey(request, uid)
    form = VersionForm(request.POST)
    _run(request, form, lambda: services.close_survey(actor=request.user, survey=survey, expected_version=form.cleaned_data["version"]),
         _("The survey is closed."))  # fmt: skip
    return redirect(survey)


@requires("surveys.conduct")
def unit_answer(request, uid, unit_uid):
    """The surveyor's page for one sampled household, on a phone: the answers, or why there are none."""
    survey = _conducted(request, uid)
    row = get_object_or_404(
        survey.units.exclude(status=SampledUnit.Status.RESERVE).select_related("unit", "stratum"), uid=unit_uid
    )
    form = AnswerForm(posted(request), questionnaire=survey.questionnaire)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.record_answer(
                actor=request.user,
                survey=survey,
                unit=row.unit,
                channel=form.cleaned_data["channel"],
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            ),  # fmt: skip
            done=_("Answer recorded."),
            to=reverse("surveys:detail", args=[survey.uid]) + "#units",
        )
        if response is not None:
            return response
    return render(
        request,
        "surveys/unit_answer.html",
        {"nav": "surveys", "survey": survey, "row": row, "form": form, "nonresponse": NonresponseForm(),
         "is_open": survey.state == SurveyState.OPEN},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@require_POST
@requires("surveys.conduct")
def unit_nonresponse(request, uid, unit_uid):
    survey = _conducted(request, uid)
    row = get_object_or_404(survey.units.exclude(status=SampledUnit.Status.RESERVE), uid=unit_uid)
    form = NonresponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why this household did not answer."))
        return redirect("surveys:unit", survey.uid, row.uid)
    substitute = form.cleaned_data["substitute"]
    call = services.substitute if substitute else services.record_nonresponse
    done = (
        _("Recorded; the next household of the building's reserve list is added to the sample.")
        if substitute
        else _("Recorded.")
    )
    _run(request, form, lambda: call(actor=request.user, sampled=row, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]), done)  # fmt: skip
    return redirect(reverse("surveys:detail", args=[survey.uid]) + "#units")


@requires("surveys.conduct")
def links(request, uid):
    """The printable list: each sampled household still to answer with its one-time link and QR code."""
    survey = _conducted(request, uid)
    rows = list(
        survey.units.filter(status=SampledUnit.Status.PENDING)
        .select_related("unit", "stratum")
        .order_by("stratum__number", "order")
    )
    for row in rows:
        row.url = request.build_absolute_uri(reverse("surveys:answer", args=[services.link_token(row)]))
        row.qr = mark_safe(qr_svg(row.url))  # noqa: S308 - generated by qrcode from our own URL
    return render(request, "surveys/links.html", {"nav": "surveys", "survey": survey, "rows": rows})


@requires("surveys.view")
def results(request, uid):
    survey = _survey(request, uid)
    data = survey_results(survey)
    return render(
        request,
        "surveys/results.html",
        {
            "nav": "surveys",
            "survey": survey,
            "results": data,
            "partial": partial_label(data),
            "definition_note": definition_note(data.definition),
            "may_settings": services.may_manage(request.user, survey.town_id) and _is_office_of(request, survey),
        },
    )


def _is_office_of(request, survey: Survey) -> bool:
    """Whether the settings page (the user's one town) is this survey's town's."""
    area = get_scope(request.user).area("surveys.manage")
    return not area.everything and sorted(area.towns) == [survey.town_id]


@requires("surveys.view")
def export(request, uid):
    survey = _survey(request, uid)
    with_responses = services.may_conduct(request.user, survey) or services.may_manage(request.user, survey.town_id)
    return exports.survey_xlsx(survey, with_responses=with_responses)


@requires("surveys.view")
def report_pdf(request, uid):
    """The compound's one-page report of the survey, with its chart."""
    from django.http import HttpResponse

    from .pdf import survey_pdf

    survey = _survey(request, uid)
    if not survey.drawn:
        raise Http404
    response = HttpResponse(survey_pdf(survey), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.compound.code}-{survey.quarter}.pdf"'
    return response


# ---------------------------------------------------------------- the resident's page


@login_not_required
def answer(request, token):
    """The resident's page, opened from the unit's link or QR code: the questions, once."""
    row = services.sampled_for_token(token)
    if row is None:
        return render(
            request,
            "surveys/answer_refused.html",
            {"reason": _("This link is not valid. Check that it was copied in full.")},
            status=404,
        )
    survey = row.survey
    refusal = None
    if row.status == SampledUnit.Status.ANSWERED or Response.objects.filter(sampled=row).exists():
        refusal = _("This household has answered this survey already. Thank you!")
    elif survey.state != SurveyState.OPEN:
        refusal = _("This survey is closed: answers are no longer taken.")
    elif row.status != SampledUnit.Status.PENDING:
        refusal = _("This link is no longer valid: the household is no longer in the survey's sample.")
    if refusal:
        return render(
            request,
            "surveys/answer_refused.html",
            {"reason": refusal, "survey": survey},
            status=410 if request.method == "POST" else 200,
        )
    form = AnswerForm(posted(request), questionnaire=survey.questionnaire, with_channel=False)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.answer_by_link(token=token, answers=form.answers(), comment=form.cleaned_data["comment"]),
            done=_("Thank you: your answers are recorded."),
            to=reverse("surveys:thanks"),
        )
        if response is not None:
            return response
    return render(
        request, "surveys/answer.html", {"survey": survey, "row": row, "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_not_required
def thanks(request):
    return render(request, "surveys/answer_refused.html", {"thanks": True})
