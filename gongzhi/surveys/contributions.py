"""What the surveys add to the platform (gongzhi.core.registry): the navigation entry, the home-page
item of open surveys below their response target, and how the history reads the surveys' entries."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gongzhi.core import registry

TARGET_SHARE = 0.8  # docs/metrics.md: an open survey under 80 % of its sample size answered


def below_target(user, scope, today):
    """Open surveys in one's conduct or manage scope with fewer answers than 80 % of the sample size."""
    if not (scope.has("surveys.conduct") or scope.has("surveys.manage")):
        return
    from .models import SampledUnit, Survey
    from .workflow import SurveyState

    permission = "surveys.manage" if scope.has("surveys.manage") else "surveys.conduct"
    count = (
        Survey.objects.for_user(user, permission)
        .filter(state=SurveyState.OPEN)
        .annotate(answered=Count("units", filter=Q(units__status=SampledUnit.Status.ANSWERED)))
        .filter(answered__lt=F("target") * TARGET_SHARE)
        .count()
    )
    if count:
        yield registry.AttentionItem(
            "warning",
            ngettext(
                "%(n)s open satisfaction survey below its response target.",
                "%(n)s open satisfaction surveys below their response target.",
                count,
            )
            % {"n": count},
            reverse("surveys:list"),
        )


registry.attention(120, below_target)
registry.nav_item(
    42,
    "surveys:list",
    label=gettext_lazy("Surveys"),
    active=("surveys",),
    permission="surveys.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "surveys.questionnaire": {
            "create": lambda: _("Questionnaire drafted"),
            "update": lambda: _("Questionnaire changed"),
            "new_version": lambda: _("New version drafted"),
            "publish": lambda: _("Published"),
        },
        "surveys.survey": {
            "create": lambda: _("Survey created"),
            "draw": lambda: _("Sample drawn"),
            "open": lambda: _("Opened"),
            "close": lambda: _("Survey closed"),
        },
        "surveys.response": {"create": lambda: _("Answer recorded")},
        "surveys.surveysettings": {"update": lambda: _("Satisfaction definition changed")},
        "surveys.sampledunit": {
            "substitute": lambda: _("Household substituted"),
            "nonresponse": lambda: _("No answer recorded"),
        },
    },
    extra_fields={
        "seed": lambda: _("Seed"),
        "frame": lambda: _("Frame"),
        "frame_size": lambda: _("Frame size"),
        "sample_size": lambda: _("Sample size"),
        "allocation": lambda: _("Sample per building"),
        "questions": lambda: _("Questions"),
        "substitute": lambda: _("Substitute"),
        "substitute_order": lambda: _("Place in the reserve list"),
        "closed_early": lambda: _("Closed early"),
        "pending": lambda: _("Still to visit"),
        "channel": lambda: _("Channel"),
        "building": lambda: _("Building"),
        "from": lambda: _("From version"),
    },
)


def evaluation_section(request, part):
    """The third part of a neighborhood's quarterly inspection-evaluation (gongzhi.evaluations):
    the quarter's surveys of its compounds in the user's scope, with each question's satisfaction
    under the town's definition (named) and its interval, the two other definitions below it
    (docs/metrics.md)."""
    from .models import Survey
    from .results import survey_results

    quarter = f"{part.evaluation.year}Q{part.evaluation.quarter}"
    surveys = (
        Survey.objects.for_user(request.user)
        .filter(quarter=quarter, compound__neighborhood_id=part.neighborhood_id)
        .select_related("compound", "questionnaire")
        .order_by("compound__name")
    )
    results = [survey_results(survey, with_previous=False) for survey in surveys]
    if not results:
        return None
    return {"results": results, "quarter": quarter, "definition_heading": results[0].definition_heading}


registry.page_section(
    "evaluations.neighborhood", 10, "surveys", template="surveys/section_evaluation.html", context=evaluation_section
)
