"""Pages of the quarterly inspection-evaluation: the quarters, a quarter across the town, a
quarter in one neighborhood (reports, forums, opinions, and the survey the surveys app adds),
the forms of the office, the parties and the inspection groups, and the opinions' Excel export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import registry
from gongzhi.core.actions import attempt
from gongzhi.core.pages import form_page, paginate, posted, render_contributions, serve_private_file
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.places.models import Town

from . import services
from .forms import ForumForm, OpenQuarterForm, OpinionForm, ReportForm, VersionForm
from .models import (
    Forum,
    ForumOpinion,
    NeighborhoodEvaluation,
    ParticipantCategory,
    PartyReport,
    QuarterlyEvaluation,
)

STATUS_LABELS = {
    "received": ("text-bg-success", "Received"),
    "late": ("text-bg-info", "Received late"),
    "missing": ("text-bg-secondary", "Not yet received"),
    "overdue": ("text-bg-danger", "Overdue"),
}


def _status_label(status: str) -> str:
    return {
        "received": _("Received"),
        "late": _("Received late"),
        "missing": _("Not yet received"),
        "overdue": _("Overdue"),
    }[status]


def _managed_towns(request):
    area = get_scope(request.user).area("evaluations.manage")
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    return towns.order_by("code")


def _may_manage(request, evaluation: QuarterlyEvaluation) -> bool:
    return get_scope(request.user).area("evaluations.manage").covers_town(evaluation.town_id)


def _evaluation(request, uid) -> QuarterlyEvaluation:
    return get_object_or_404(QuarterlyEvaluation.objects.for_user(request.user).select_related("town"), uid=uid)


def _part(request, uid, permission: str | None = None) -> NeighborhoodEvaluation:
    rows = NeighborhoodEvaluation.objects.for_user(request.user, permission)
    return get_object_or_404(rows.select_related("evaluation", "neighborhood", "town"), uid=uid)


def _forum(request, uid) -> Forum:
    return get_object_or_404(
        Forum.objects.for_user(request.user).select_related("part__evaluation", "part__neighborhood"), uid=uid
    )


def _may_record(request, part: NeighborhoodEvaluation) -> bool:
    return (
        part.evaluation.is_open
        and NeighborhoodEvaluation.objects.for_user(request.user, "evaluations.forum").filter(pk=part.pk).exists()
    )


def _refused_is_400(request, response):
    """A refused form shown again answers 400, as the other apps' pages do."""
    if request.method == "POST" and response.status_code == 200:
        response.status_code = 400
    return response


# --- Lists and overviews ----------------------------------------------------------------------


@requires("evaluations.view")
def evaluation_list(request):
    evaluations = QuarterlyEvaluation.objects.for_user(request.user).select_related("town")
    page = paginate(request, evaluations.order_by("-year", "-quarter", "town__code"))
    return render(
        request,
        "evaluations/evaluation_list.html",
        {"nav": "evaluations", "page_obj": page, "may_open": _managed_towns(request).exists()},
    )


@requires("evaluations.manage")
def evaluation_new(request):
    towns = _managed_towns(request)
    if not towns.exists():
        raise Http404
    town = towns.first()  # the office works in one town; an admin opens the first one's
    form = OpenQuarterForm(posted(request))
    response = form_page(
        request,
        form,
        save=lambda: services.open_quarter(actor=request.user, town=town, **form.cleaned_data),
        done=lambda e: _("%(quarter)s opened; the parties have been told when their reports are due.") % {"quarter": e},
        title=_("Open a quarter's inspection-evaluation"),
        intro=_("%(town)s: one evaluation per quarter, for every neighborhood.") % {"town": town.name},
        nav="evaluations",
        cancel_url="evaluations:list",
        submit_label=_("Open the quarter"),
    )
    return _refused_is_400(request, response)


@dataclass
class PartyRow:
    organization: object
    report: PartyReport | None
    status: str
    badge: str = ""
    label: str = ""


@dataclass
class NeighborhoodSummary:
    part: NeighborhoodEvaluation
    parties: list[PartyRow] = field(default_factory=list)
    forums: int = 0
    opinions: int = 0
    to_follow_up: int = 0

    @property
    def counts(self) -> Counter:
        return Counter(row.status for row in self.parties)


def _party_rows(part: NeighborhoodEvaluation, reports: dict[int, PartyReport], today) -> list[PartyRow]:
    rows = []
    for org in services.parties_of(part):
        report = reports.get(org.pk)
        status = services.report_status(part.evaluation, report, today)
        rows.append(PartyRow(org, report, status, STATUS_LABELS[status][0], _status_label(status)))
    return rows


def _reports(evaluation) -> dict[int, PartyReport]:
    return {
        r.organization_id: r for r in PartyReport.objects.filter(evaluation=evaluation).select_related("evaluation")
    }


@requires("evaluations.view")
def evaluation_detail(request, uid):
    evaluation = _evaluation(request, uid)
    today = timezone.localdate()
    reports = _reports(evaluation)
    parts = (
        NeighborhoodEvaluation.objects.for_user(request.user)
        .filter(evaluation=evaluation)
        .select_related("neighborhood", "evaluation")
        .annotate(
            forum_count=Count("forums", distinct=True),
            opinion_count=Count("forums__opinions", distinct=True),
            action_count=Count("forums__opinions", filter=Q(forums__opinions__asks_for_action=True), distinct=True),
        )
        .order_by("neighborhood__code")
    )
    summaries = []
    for part in parts:
        rows = _party_rows(part, reports, today)
        summaries.append(NeighborhoodSummary(part, rows, part.forum_count, part.opinion_count, part.action_count))
    for s in summaries:
        s.received = sum(1 for r in s.parties if r.status in ("received", "late"))
        s.missing = sum(1 for r in s.parties if r.status == "missing")
        s.overdue = sum(1 for r in s.parties if r.status == "overdue")
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "nav": "evaluations",
            "evaluation": evaluation,
            "summaries": summaries,
            "may_manage": _may_manage(request, evaluation) and evaluation.is_open,
        },
    )


@requires("evaluations.manage")
@require_POST
def evaluation_close(request, uid):
    evaluation = _evaluation(request, uid)
    if not _may_manage(request, evaluation):
        raise Http404
    form = VersionForm(request.POST)
    response = attempt(
        request,
        form,
        lambda: services.close_quarter(
            actor=request.user, evaluation=evaluation, expected_version=form.cleaned_data["version"]
        ),
        done=_("The quarter is closed."),
        to=evaluation,
    )
    if response is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        if form.errors and not form.non_field_errors():
            messages.error(request, _("Reload the page and try again."))
        return redirect(evaluation)
    return response


@requires("evaluations.view")
def neighborhood_detail(request, uid):
    part = _part(request, uid)
    today = timezone.localdate()
    rows = _party_rows(part, _reports(part.evaluation), today)
    forums = list(part.forums.select_related("recorded_by").prefetch_related("participants").order_by("held_on", "pk"))
    for forum in forums:
        counts = Counter(p.category for p in forum.participants.all())
        forum.by_category = [(c.label, counts.get(c.value, 0)) for c in ParticipantCategory]
        forum.total = sum(counts.values())
    opinions = list(
        ForumOpinion.objects.filter(forum__part=part)
        .select_related("organization", "forum")
        .order_by("forum__held_on", "pk")
    )
    sections = render_contributions(request, registry.page_sections("evaluations.neighborhood"), part)
    return render(
        request,
        "evaluations/neighborhood_detail.html",
        {
            "nav": "evaluations",
            "part": part,
            "evaluation": part.evaluation,
            "parties": rows,
            "forums": forums,
            "opinions": opinions,
            "survey_sections": sections,
            "may_report": part.evaluation.is_open
            and services.reporting_organizations(request.user, part)
            .exclude(pk__in=PartyReport.objects.filter(evaluation=part.evaluation).values("organization_id"))
            .exists(),
            "may_record": _may_record(request, part),
        },
    )


# --- Reports ----------------------------------------------------------------------------------


@requires("evaluations.report")
def report_new(request, uid):
    part = _part(request, uid, "evaluations.report")
    organizations = services.reporting_organizations(request.user, part).exclude(
        pk__in=PartyReport.objects.filter(evaluation=part.evaluation).values("organization_id")
    )
    if not part.evaluation.is_open or not organizations.exists():
        raise Http404
    form = ReportForm(posted(request), request.FILES or None, organizations=organizations)
    response = form_page(
        request,
        form,
        save=lambda: services.submit_report(
            actor=request.user,
            part=part,
            organization=form.cleaned_data["organization"],
            text=form.cleaned_data["text"],
            file=form.cleaned_data["file"],
        ),
        done=_("Report submitted. Thank you."),
        redirect_to=lambda report: part,
        title=_("Submit the quarterly report"),
        intro=_("%(quarter)s · %(nb)s · due on %(due)s")
        % {"quarter": part.evaluation, "nb": part.neighborhood.name, "due": part.evaluation.reports_due.isoformat()},
        nav="evaluations",
        back_url=part.get_absolute_url(),
        multipart=True,
        submit_label=_("Submit the report"),
    )
    return _refused_is_400(request, response)


def _report(request, uid, report_uid) -> tuple[NeighborhoodEvaluation, PartyReport]:
    part = _part(request, uid)
    report = get_object_or_404(
        PartyReport.objects.select_related("organization", "evaluation", "submitted_by"),
        uid=report_uid,
        evaluation_id=part.evaluation_id,
    )
    if not services.parties_of(part).filter(pk=report.organization_id).exists():
        raise Http404
    return part, report


@requires("evaluations.view")
def report_detail(request, uid, report_uid):
    part, report = _report(request, uid, report_uid)
    return render(
        request,
        "evaluations/report_detail.html",
        {"nav": "evaluations", "part": part, "report": report, "evaluation": part.evaluation},
    )


@requires("evaluations.view")
def report_file(request, uid, report_uid):
    _part_, report = _report(request, uid, report_uid)
    if not report.file:
        raise Http404
    return serve_private_file(report.file, report.file_name)


# --- Forums and opinions ----------------------------------------------------------------------


@requires("evaluations.forum")
def forum_new(request, uid):
    part = _part(request, uid, "evaluations.forum")
    if not part.evaluation.is_open:
        raise Http404
    form = ForumForm(posted(request))
    response = form_page(
        request,
        form,
        save=lambda: services.record_forum(
            actor=request.user,
            part=part,
            held_on=form.cleaned_data["held_on"],
            place=form.cleaned_data["place"],
            participants=form.participants(),
        ),
        done=_("Forum recorded. Now record the opinions heard there."),
        title=_("Record a forum"),
        intro=_("%(quarter)s · %(nb)s") % {"quarter": part.evaluation, "nb": part.neighborhood.name},
        nav="evaluations",
        back_url=part.get_absolute_url(),
    )
    return _refused_is_400(request, response)


@requires("evaluations.view")
def forum_detail(request, uid):
    return _forum_page(request, _forum(request, uid))


def _forum_page(request, forum: Forum, refused=None):
    """The forum: participants by category, the opinions heard; for an opinion asking for action,
    its rectification order, or — to an inspection group covering one of the neighborhood's
    compounds — the form that sends it as one (`refused`: that form's error and choice, kept)."""
    participants = list(forum.participants.select_related("organization"))
    by_category = [(c.label, [p for p in participants if p.category == c.value]) for c in ParticipantCategory]
    opinions = list(forum.opinions.select_related("organization", "compound", "rectification__compound").order_by("pk"))
    may_follow_up = get_scope(request.user).has("inspections.inspect")
    for opinion in opinions:
        opinion.follow_up_choices = (
            services.follow_up_compounds(request.user, opinion)
            if may_follow_up and opinion.asks_for_action and not opinion.rectification_id
            else []
        )
    return render(
        request,
        "evaluations/forum_detail.html",
        {
            "nav": "evaluations",
            "forum": forum,
            "part": forum.part,
            "evaluation": forum.part.evaluation,
            "by_category": by_category,
            "opinions": opinions,
            "may_record": _may_record(request, forum.part),
            "refused": refused,
        },
        status=400 if refused else 200,
    )


@require_POST
@requires("inspections.inspect")
def opinion_follow_up(request, uid, opinion_uid):
    """Send an opinion that asks for action as a rectification order (services.follow_up_opinion)."""
    forum = _forum(request, uid)
    opinion = get_object_or_404(forum.opinions.select_related("organization", "forum"), uid=opinion_uid)
    choices = {c.uid: c for c in services.follow_up_compounds(request.user, opinion)}
    if not choices:
        raise Http404
    compound_uid = request.POST.get("compound", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.follow_up_opinion(
            actor=request.user, opinion=opinion, compound=choices.get(compound_uid), expected_version=version
        )
    except ValidationError as error:
        return _forum_page(
            request, forum, {"opinion": opinion.uid, "compound": compound_uid, "messages": error.messages}
        )
    messages.success(
        request, _("The opinion was sent as a rectification order to %(org)s.") % {"org": opinion.organization}
    )
    return redirect(forum)


@requires("evaluations.forum")
def opinion_new(request, uid):
    forum = _forum(request, uid)
    part = forum.part
    if not _may_record(request, part):
        raise Http404
    form = OpinionForm(
        posted(request), organizations=services.opinion_organizations(part), neighborhood_id=part.neighborhood_id
    )
    response = form_page(
        request,
        form,
        save=lambda: services.add_opinion(
            actor=request.user,
            forum=forum,
            text=form.cleaned_data["text"],
            organization=form.cleaned_data["organization"],
            asks_for_action=form.cleaned_data["asks_for_action"],
        ),
        done=_("Opinion recorded."),
        redirect_to=lambda o: forum,
        title=_("Record an opinion"),
        intro=str(forum),
        nav="evaluations",
        back_url=forum.get_absolute_url(),
        add_another=False,
    )
    return _refused_is_400(request, response)


@requires("evaluations.forum")
def opinion_edit(request, uid, opinion_uid):
    forum = _forum(request, uid)
    part = forum.part
    if not _may_record(request, part):
        raise Http404
    opinion = get_object_or_404(forum.opinions.select_related("organization"), uid=opinion_uid)
    if opinion.rectification_id:
        messages.info(request, _("This opinion became a rectification order: it is kept as it was heard."))
        return redirect(forum)
    form = OpinionForm(
        posted(request),
        organizations=services.opinion_organizations(part),
        neighborhood_id=part.neighborhood_id,
        editing=True,
        initial={
            "text": opinion.text,
            "organization": opinion.organization.uid,
            "asks_for_action": opinion.asks_for_action,
            "version": opinion.version,
        },
    )
    response = form_page(
        request,
        form,
        save=lambda: services.update_opinion(
            actor=request.user,
            opinion=opinion,
            text=form.cleaned_data["text"],
            organization=form.cleaned_data["organization"],
            asks_for_action=form.cleaned_data["asks_for_action"],
            expected_version=form.cleaned_data["version"],
        ),
        done=_("Opinion saved."),
        redirect_to=lambda o: forum,
        title=_("Edit the opinion"),
        intro=str(forum),
        nav="evaluations",
        back_url=forum.get_absolute_url(),
    )
    return _refused_is_400(request, response)


# --- Export -----------------------------------------------------------------------------------


def _export_headers():
    return [
        (_("Neighborhood"), 14),
        (_("Forum held on"), 12),
        (_("Place"), 18),
        (_("Opinion"), 60),
        (_("Concerns"), 22),
        (_("To follow up"), 10),
    ]


@requires("evaluations.view")
def opinions_export(request, uid):
    evaluation = _evaluation(request, uid)
    parts = NeighborhoodEvaluation.objects.for_user(request.user).filter(evaluation=evaluation)
    opinions = (
        ForumOpinion.objects.filter(forum__part__in=parts)
        .select_related("forum__neighborhood", "organization")
        .order_by("forum__neighborhood__code", "forum__held_on", "pk")
    )

    def rows():
        for o in opinions.iterator(chunk_size=500):
            yield [
                o.forum.neighborhood.name,
                o.forum.held_on,
                o.forum.place,
                o.text,
                o.organization.name,
                _("Yes") if o.asks_for_action else _("No"),
            ]

    name = f"evaluation-{evaluation.year}-q{evaluation.quarter}-opinions.xlsx"
    return xlsx_response(table_workbook(_("Forum opinions")[:31], _export_headers(), rows()), filename=name)
