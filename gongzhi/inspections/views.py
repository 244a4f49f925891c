"""Pages of the inspections: the office's checklists and settings; a group's plan of visits; the
visit carried out on a phone (the draft kept in the browser, one submission per key); the
rectification orders for the responsible organisation and the group; the office's report per
group, compound and month with its Excel export. Thin: permission → scoped fetch → form →
service → message + redirect."""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.actions import attempt
from gongzhi.core.forms import apply_service
from gongzhi.core.pages import form_page, managed, paginate, serve_private_file, timeline_context, town_choice
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.orgs.models import Body, Organization
from gongzhi.orgs.pickers import serving
from gongzhi.places.models import Town
from gongzhi.places.selectors import office_town

from . import selectors, services
from .forms import AnswerForm, ChecklistForm, RecheckForm, SettingsForm, VisitForm, sections_text
from .models import Checklist, Inspection, InspectionSettings, ItemResult, Photo, RectificationOrder, Visit
from .services import FindingInput, ResultInput
from .workflow import OrderState

BADGES = {
    OrderState.ISSUED: "text-bg-warning",
    OrderState.ANSWERED: "text-bg-info",
    OrderState.SENT_BACK: "text-bg-danger",
    OrderState.CLOSED: "text-bg-success",
}


def _groups_for(user):
    """The inspection groups the user may plan and inspect for: their own, or the office's town's."""
    scope = get_scope(user)
    groups = Body.objects.filter(kind=Body.Kind.INSPECTION_GROUP).order_by("town_id", "number")
    if scope.is_platform_admin:
        return groups
    if not scope.has("inspections.inspect"):
        return groups.none()
    return groups.filter(pk__in=scope.body_ids) | groups.filter(town_id__in=scope.area("inspections.inspect").towns)


# --- Plan (home) ---------------------------------------------------------------------------------


@requires("inspections.view")
def home(request):
    visits = Visit.objects.for_user(request.user).select_related("group", "compound", "checklist")
    group_uid, compound_uid, month = request.GET.get("group"), request.GET.get("compound"), request.GET.get("month")
    if group_uid:
        visits = visits.filter(group__uid=group_uid)
    if compound_uid:
        visits = visits.filter(compound__uid=compound_uid)
    if month:
        start = _month(month)
        visits = visits.filter(date__gte=start, date__lt=selectors.month_bounds(start)[1].date())
    groups = _groups_for(request.user)
    # A user of several towns chooses one: the list narrows to it, and the compounds not inspected
    # are those of its groups (every compound of the city: 400 kB of names).
    choice = town_choice(request, permission="inspections.view")
    visits = choice.narrow(visits)
    may_plan = groups.exists()
    missing = []
    if may_plan and (choice.chosen is not None or not choice.several):
        missing = selectors.not_visited(choice.narrow(groups), timezone.localdate())
    return render(
        request,
        "inspections/home.html",
        {
            "nav": "inspections",
            "page_obj": paginate(request, visits.order_by("-date", "pk")),
            "choice": choice,
            "may_plan": may_plan,
            "may_settings": get_scope(request.user).has("inspections.settings"),
            "missing": missing,
        },
    )


@requires("inspections.inspect")
def visit_new(request):
    groups = list(_groups_for(request.user))
    if not groups:
        raise Http404
    form = VisitForm(request.POST or None, groups=groups, initial={"date": timezone.localdate()})
    return form_page(
        request,
        form,
        save=lambda: services.plan_visit(
            actor=request.user,
            group=form.cleaned_data["group"],
            compound=form.cleaned_data["compound"],
            on=form.cleaned_data["date"],
            checklist=form.cleaned_data["checklist"],
            members=form.cleaned_data["members"],
        ),
        done=_("Visit planned."),
        redirect_to=lambda visit: reverse("inspections:visit", args=[visit.uid]),
        title=_("Plan a visit"),
        nav="inspections",
        cancel_url="inspections:home",
    )


def _visit(request, uid) -> Visit:
    return get_object_or_404(
        Visit.objects.for_user(request.user).select_related("group", "compound", "checklist", "town"), uid=uid
    )


def _sections(checklist):
    sections: list[tuple[str, list]] = []
    for item in checklist.items.select_related("section"):
        if not sections or sections[-1][0] != item.section.title:
            sections.append((item.section.title, []))
        sections[-1][1].append(item)
    return sections


@requires("inspections.view")
def visit_detail(request, uid):
    visit = _visit(request, uid)
    inspection = Inspection.objects.filter(visit=visit).first()
    may_inspect = visit.state == Visit.State.PLANNED and services.may_inspect_for(request.user, visit.group)
    context = {"nav": "inspections", "visit": visit, "inspection": inspection, "may_inspect": may_inspect}
    if inspection is not None:
        context.update(_done_context(request, inspection))
    if may_inspect:
        context.update(_carry_out_context(visit))
    return render(request, "inspections/visit.html", context)


def _done_context(request, inspection: Inspection, confirm_error=None) -> dict:
    """An inspection's page: its results and findings; the cases it confirmed fixed on site; while
    the group may still confirm, the compound's resolved cases waiting for an answer."""
    context = {
        "results": inspection.results.select_related("item__section").prefetch_related("photos"),
        "findings": inspection.findings.select_related("rectification__responsible").prefetch_related("photos"),
        "confirmations": inspection.case_confirmations.select_related("case__category"),
        "confirm_error": confirm_error,
    }
    if services.may_inspect_for(request.user, inspection.group):
        if services.confirmation_window_open(inspection):
            context["awaiting_cases"] = services.cases_awaiting_confirmation(inspection)
        else:
            context["confirm_closed"] = True
    return context


@require_POST
@requires("inspections.inspect")
def visit_cancel(request, uid):
    """A planned visit that will not take place (the button asks for confirmation first)."""
    visit = _visit(request, uid)
    if not services.may_inspect_for(request.user, visit.group):
        raise Http404
    version = _int_or_none(request.POST.get("version"))
    try:
        if version is None:
            raise ValidationError(_("The page was out of date: look at the visit again and retry."))
        services.cancel_visit(actor=request.user, visit=visit, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("inspections:visit", uid=visit.uid)
    messages.success(request, _("Visit cancelled."))
    return redirect("inspections:home")


@require_POST
@requires("inspections.inspect")
def confirm_case(request, uid):
    """The group saw a resolved case fixed on site (处置有效率's inspection input)."""
    visit = _visit(request, uid)
    inspection = get_object_or_404(Inspection, visit=visit)
    if not services.may_inspect_for(request.user, inspection.group):
        raise Http404
    uid = request.POST.get("case", "")
    try:
        # Only the compound's cases waiting for an answer: another case, or one answered meanwhile,
        # gets the same words (nothing says whether it exists).
        case = services.cases_awaiting_confirmation(inspection).filter(uid=uid).first()
        if case is None:
            raise ValidationError(_("This case is not waiting for confirmation (it may have been answered meanwhile)."))
        services.confirm_case_on_site(
            actor=request.user, inspection=inspection, case=case, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        context = {"nav": "inspections", "visit": visit, "inspection": inspection, "may_inspect": False}
        context.update(
            _done_context(
                request,
                inspection,
                {"case": uid, "note": request.POST.get("note", ""), "messages": error.messages},
            )
        )
        return render(request, "inspections/visit.html", context, status=400)
    messages.success(request, _("Case %(number)s is confirmed fixed on site and closed.") % {"number": case.number})
    return redirect("inspections:visit", uid=visit.uid)


def _carry_out_context(visit: Visit, errors=None) -> dict:
    organisations = serving(visit.town_id, [visit.compound_id]).order_by("kind", "name")
    return {
        "sections": _sections(visit.checklist),
        "organisations": organisations,
        "submission_key": secrets.token_urlsafe(18),
        "errors": errors or [],
        "finding_slots": range(5),
    }


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@requires("inspections.inspect")
def visit_submit(request, uid):
    visit = _visit(request, uid)
    if not services.may_inspect_for(request.user, visit.group):
        raise Http404
    results = {}
    for item in visit.checklist.items.all():
        answer = request.POST.get(f"r-{item.uid}", "")
        if item.kind == item.Kind.SCORE and answer not in ("", ItemResult.Outcome.NOT_APPLICABLE):
            results[item.uid] = ResultInput("scored", _int_or_none(answer))
        else:
            results[item.uid] = ResultInput(answer)
        results[item.uid].note = request.POST.get(f"n-{item.uid}", "")
        results[item.uid].photos = request.FILES.getlist(f"p-{item.uid}")
        if not answer:
            del results[item.uid]
    organisations = {o.uid: o for o in Organization.objects.filter(town_id=visit.town_id)}
    findings = []
    for n in range(5):
        text = request.POST.get(f"f-{n}-text", "").strip()
        if not text:
            continue
        findings.append(
            FindingInput(
                text=text,
                location=request.POST.get(f"f-{n}-location", ""),
                item_uid=request.POST.get(f"f-{n}-item", ""),
                photos=request.FILES.getlist(f"f-{n}-photos"),
                rectify=True,
                responsible=organisations.get(request.POST.get(f"f-{n}-org", "")),
            )
        )
    try:
        inspection = services.submit_inspection(
            actor=request.user,
            visit=visit,
            submission_key=request.POST.get("submission_key", ""),
            results=results,
            findings=findings,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        context = {"nav": "inspections", "visit": visit, "may_inspect": True}
        context.update(_carry_out_context(visit, error.messages))
        context["submission_key"] = request.POST.get("submission_key", "") or context["submission_key"]
        return render(request, "inspections/visit.html", context, status=400)
    messages.success(request, _("Inspection saved: score %(score)s.") % {"score": inspection.score or "—"})
    return redirect("inspections:visit", uid=inspection.visit.uid)


@requires("inspections.view")
def photo(request, uid):
    row = get_object_or_404(Photo.objects.select_related("finding__inspection", "result__inspection", "order"), uid=uid)
    if row.order_id:
        visible = RectificationOrder.objects.for_user(request.user).filter(pk=row.order_id).exists()
    else:
        inspection = row.finding.inspection if row.finding_id else row.result.inspection
        visible = Inspection.objects.for_user(request.user).filter(pk=inspection.pk).exists() or (
            RectificationOrder.objects.for_user(request.user).filter(finding__inspection=inspection).exists()
        )
    if not visible:
        raise Http404
    return serve_private_file(row.image, f"{row.uid}.{row.extension}")


# --- Orders --------------------------------------------------------------------------------------


@requires("inspections.view")
def orders(request):
    rows = RectificationOrder.objects.for_user(request.user).select_related(
        "compound", "responsible", "group", "finding"
    )
    if request.GET.get("overdue"):
        rows = rows.overdue()
    elif request.GET.get("all") is None:
        rows = rows.open()
    for key, lookup in (("group", "group__uid"), ("compound", "compound__uid")):
        if request.GET.get(key):
            rows = rows.filter(**{lookup: request.GET[key]})
    if request.GET.get("month"):
        start, end = selectors.month_bounds(_month(request.GET["month"]))
        rows = rows.filter(issued_at__gte=start, issued_at__lt=end)
    return render(
        request,
        "inspections/orders.html",
        {"nav": "inspections", "page_obj": paginate(request, rows), "badges": BADGES},
    )


def _order(request, uid, permission=None) -> RectificationOrder:
    return get_object_or_404(
        RectificationOrder.objects.for_user(request.user, permission).select_related(
            "compound", "responsible", "group", "finding__inspection__visit", "finding__item"
        ),
        uid=uid,
    )


def _order_page(request, order, forms=None, status=200):
    scope = get_scope(request.user)
    may_answer = scope.is_platform_admin or order.responsible_id in scope.organization_ids
    may_recheck = services.may_inspect_for(request.user, order.group)
    forms = forms or {}
    context = {
        "nav": "inspections",
        "order": order,
        "badge": BADGES[order.state],
        "may_answer": may_answer and order.state in (OrderState.ISSUED, OrderState.SENT_BACK),
        "may_recheck": may_recheck and order.state == OrderState.ANSWERED,
        "answer_form": forms.get("answer") or AnswerForm(initial={"version": order.version}),
        "recheck_form": forms.get("recheck") or RecheckForm(initial={"version": order.version}),
        "finding_photos": order.finding.photos.all() if order.finding_id else [],
        "evidence": order.photos.all(),
        **timeline_context(request, order),
    }
    return render(request, "inspections/order.html", context, status=status)


@requires("inspections.view")
def order_detail(request, uid):
    return _order_page(request, _order(request, uid))


@require_POST
@requires("inspections.answer")
def order_answer(request, uid):
    order = _order(request, uid, "inspections.answer")
    form = AnswerForm(request.POST, request.FILES)
    response = attempt(
        request,
        form,
        lambda: services.answer_order(
            actor=request.user,
            order=order,
            version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
            photos=form.cleaned_data["photos"],
        ),
        done=_("Answer sent; the inspection group will re-check."),
        to=reverse("inspections:order", args=[order.uid]),
    )
    return response or _order_page(request, order, {"answer": form}, status=400)


def _recheck(request, uid, close: bool):
    order = _order(request, uid, "inspections.inspect")
    if not services.may_inspect_for(request.user, order.group):
        raise Http404
    form = RecheckForm(request.POST)

    def call():
        if close:
            return services.close_order(
                actor=request.user, order=order, version=form.cleaned_data["version"], note=form.cleaned_data["note"]
            )
        return services.send_back_order(
            actor=request.user, order=order, version=form.cleaned_data["version"], note=form.cleaned_data["note"]
        )

    response = attempt(
        request,
        form,
        call,
        done=_("Closed after re-check.") if close else _("Sent back to the organisation with a new due date."),
        to=reverse("inspections:order", args=[order.uid]),
    )
    return response or _order_page(request, order, {"recheck": form}, status=400)


@require_POST
@requires("inspections.inspect")
def order_close(request, uid):
    return _recheck(request, uid, close=True)


@require_POST
@requires("inspections.inspect")
def order_send_back(request, uid):
    return _recheck(request, uid, close=False)


# --- Office: checklists, settings, report ------------------------------------------------------


def _office_town(request) -> Town:
    return office_town(request.user, "inspections.settings")


@requires("inspections.settings")
def checklists(request):
    rows = managed(request, Checklist.objects.all(), "inspections.settings").order_by("name", "-number", "pk")
    page_obj = paginate(request, rows)  # a page at a time: every town's checklists for the administrator
    return render(
        request,
        "inspections/checklists.html",
        {"nav": "inspections", "checklists": page_obj.object_list, "page_obj": page_obj},
    )


def _checklist(request, uid) -> Checklist:
    return get_object_or_404(managed(request, Checklist.objects.all(), "inspections.settings"), uid=uid)


@requires("inspections.settings")
def checklist_new(request):
    town = _office_town(request)
    form = ChecklistForm(request.POST or None, town=town)
    return form_page(
        request,
        form,
        save=lambda: services.create_checklist(
            actor=request.user,
            town=town,
            name=form.cleaned_data["name"],
            sections=form.cleaned_data["items"],
            all_compounds=form.cleaned_data["all_compounds"],
            compounds=form.cleaned_data["compounds"],
        ),
        done=_("Checklist drafted; publish it to use it."),
        redirect_to=lambda c: reverse("inspections:checklist", args=[c.uid]),
        title=_("New checklist"),
        nav="inspections",
        cancel_url="inspections:checklists",
    )


@requires("inspections.settings")
def checklist_detail(request, uid):
    checklist = _checklist(request, uid)
    versions = Checklist.objects.filter(series=checklist.series).order_by("-number")
    context = {
        "nav": "inspections",
        "checklist": checklist,
        "sections": _sections(checklist),
        "versions": versions,
        "compounds": checklist.compounds.all(),
    }
    return render(request, "inspections/checklist.html", context)


@requires("inspections.settings")
def checklist_edit(request, uid):
    checklist = _checklist(request, uid)
    if checklist.frozen:
        raise Http404
    initial = {
        "name": checklist.name,
        "items": sections_text(checklist),
        "all_compounds": checklist.all_compounds,
        "compounds": [c.uid for c in checklist.compounds.all()],
        "version": checklist.version,
    }
    form = ChecklistForm(request.POST or None, town=checklist.town, initial=initial)
    return form_page(
        request,
        form,
        save=lambda: services.save_checklist_draft(
            actor=request.user,
            checklist=checklist,
            version=form.cleaned_data["version"],
            name=form.cleaned_data["name"],
            sections=form.cleaned_data["items"],
            all_compounds=form.cleaned_data["all_compounds"],
            compounds=form.cleaned_data["compounds"],
        ),
        done=_("Draft saved."),
        redirect_to=lambda c: reverse("inspections:checklist", args=[c.uid]),
        title=_("Edit the checklist draft"),
        nav="inspections",
        back_url=reverse("inspections:checklist", args=[checklist.uid]),
    )


def _checklist_action(request, checklist, call, done):
    try:
        result = call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("inspections:checklist", uid=checklist.uid)
    messages.success(request, done)
    return redirect("inspections:checklist", uid=result.uid)


@require_POST
@requires("inspections.settings")
def checklist_publish(request, uid):
    checklist = _checklist(request, uid)
    version = _int_or_none(request.POST.get("version"))
    return _checklist_action(
        request,
        checklist,
        lambda: services.publish_checklist(actor=request.user, checklist=checklist, version=version),
        _("Checklist published: new visits use this version."),
    )


@require_POST
@requires("inspections.settings")
def checklist_revise(request, uid):
    checklist = _checklist(request, uid)
    return _checklist_action(
        request,
        checklist,
        lambda: services.revise_checklist(actor=request.user, checklist=checklist),
        _("Draft of the next version made: edit it, then publish."),
    )


@requires("inspections.settings")
def settings_page(request):
    town = _office_town(request)
    current = InspectionSettings.for_town(town.pk)
    form = SettingsForm(
        request.POST or None,
        initial={
            "rectification_days": current.rectification_days,
            "visit_interval_weeks": current.visit_interval_weeks,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.save_settings(actor=request.user, town=town, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Inspection settings saved."))
            return redirect("inspections:checklists")
    return render(
        request,
        "form_page.html",
        {"nav": "inspections", "form": form, "title": _("Inspection settings"), "cancel_url": "inspections:checklists"},
    )


def _month(value: str | None) -> date:
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _report_rows(request, month, choice):
    """The report of the chosen town for a user of several (the city's every group and compound
    was 1.8 MB, 5 s); of every town of theirs otherwise."""
    return selectors.report(
        choice.narrow(Inspection.objects.for_user(request.user, "inspections.settings")),
        choice.narrow(RectificationOrder.objects.for_user(request.user, "inspections.settings")),
        month,
    )


def _report_choice(request):
    return town_choice(request, permission="inspections.settings", required=True)


@requires("inspections.settings")
def report(request):
    month = _month(request.GET.get("month"))
    choice = _report_choice(request)
    rows = _report_rows(request, month, choice)
    totals = {
        "inspections": sum(r.inspections for r in rows),
        "open": sum(r.open_orders for r in rows),
        "overdue": sum(r.overdue_orders for r in rows),
    }
    return render(
        request,
        "inspections/report.html",
        {
            "nav": "inspections",
            "rows": rows,
            "month": month,
            "month_param": f"{month:%Y-%m}",
            "totals": totals,
            "choice": choice,
        },
    )


@requires("inspections.settings")
def report_export(request):
    month = _month(request.GET.get("month"))
    rows = _report_rows(request, month, _report_choice(request))
    headers = [
        ("月份", 9),
        ("检查组", 14),
        ("小区", 18),
        ("检查次数", 9),
        ("平均得分", 9),
        ("未结整改", 9),
        ("超期整改", 9),
    ]
    content = table_workbook(
        f"{month:%Y-%m}",
        headers,
        (
            [f"{month:%Y-%m}", r.group.name, r.compound.name, r.inspections, r.average, r.open_orders, r.overdue_orders]
            for r in rows
        ),
    )
    return xlsx_response(content, filename=f"inspections-{month:%Y-%m}.xlsx")
