"""Pages of the credit files: the list of files in scope (with the office's queues and the Excel
export), a company's or a manager's file with its history, a record with the company's objection
and correction forms and the office's decisions, the office's record by hand and settings, the
credit report (PDF) for tenders, and the public red and black lists. Thin: permission → scoped
fetch → form → service → message + redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.actions import attempt
from gongzhi.core.forms import apply_service
from gongzhi.core.pages import paginate, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.orgs.models import Organization, Person, ServiceContract
from gongzhi.places.models import Compound, Town
from gongzhi.places.selectors import office_town

from . import rules, selectors, services
from .forms import CorrectionForm, DecisionForm, ObjectionForm, RecordForm, SettingsForm
from .models import CreditRecord, CreditSettings, Evidence, visible_companies, visible_managers
from .pdf import credit_report_pdf
from .scoring import counts_on
from .workflow import RecordState

BADGES = {
    RecordState.ACTIVE: "text-bg-secondary",
    RecordState.OBJECTED: "text-bg-warning",
    RecordState.UPHELD: "text-bg-secondary",
    RecordState.WITHDRAWN: "text-bg-light border",
    RecordState.CORRECTION_ASKED: "text-bg-info",
    RecordState.CORRECTED: "text-bg-success",
    RecordState.REFUSED: "text-bg-secondary",
}
KIND_BADGES = {"good": "text-bg-success", "bad": "text-bg-danger", "serious": "text-bg-dark"}


def _annotate(records, today):
    """Each record with what its row shows: counts today, expired, its rule's label."""
    rows = list(records)
    for r in rows:
        r.counts = counts_on(r, today)
        r.expired = r.expired_on(today)
        r.category_label = rules.label_of(r.category)
        r.badge = BADGES[r.state]
        r.kind_badge = KIND_BADGES[r.kind]
    return rows


# --- The list --------------------------------------------------------------------------------------


@requires("credit.view")
def home(request):
    today = timezone.localdate()
    scope = get_scope(request.user)
    state = request.GET.get("state", "")
    if state in (RecordState.OBJECTED, RecordState.CORRECTION_ASKED) or request.GET.get("new"):
        rows = CreditRecord.objects.for_user(request.user).select_related(
            "company", "manager", "compound", "correction"
        )
        if state:
            rows = rows.filter(state=state).order_by("correction__due_on", "recorded_at")
        else:
            since = timezone.now() - timedelta(days=30)
            rows = rows.filter(recorded_at__gte=since, state=RecordState.ACTIVE).order_by("-recorded_at")
        return render(
            request,
            "credit/queue.html",
            {
                "nav": "credit",
                "records": _annotate(rows[:200], today),
                "state": state,
                "today": today,
                "may_manage": scope.has("credit.manage"),
            },
        )
    kind = request.GET.get("kind", "")
    kind = kind if kind in ("company", "manager") else ""
    level = request.GET.get("level", "")
    level = level if level in ("blacklist", "red", "watch") else ""
    q = (request.GET.get("q") or "").strip()
    subjects = selectors.subjects_for(request.user, kind=kind)
    if q:
        subjects = [(k, s) for k, s in subjects if q in s.name]
    if level:  # a level is a standing: every file's is computed to filter them
        files = selectors.with_standing(subjects, today)
        if level == "blacklist":
            files = [f for f in files if f.standing.blacklisted]
        elif level == "red":
            files = [f for f in files if f.standing.red_list]
        else:
            files = [f for f in files if f.standing.level == "watch"]
        page_obj = paginate(request, files)
        files = page_obj.object_list
    else:  # the standings of the page's files only (the city's 1,500 were most of the page's time)
        page_obj = paginate(request, subjects)
        files = selectors.with_standing(list(page_obj.object_list), today)
    return render(
        request,
        "credit/home.html",
        {
            "nav": "credit",
            # a page of files at a time (the city's 20,000 companies and managers were 500 kB)
            "files": files,
            "page_obj": page_obj,
            "kind": kind,
            "level": level,
            "q": q,
            "today": today,
            "may_manage": scope.has("credit.manage"),
            # The public red and black lists of the user's towns (linked, to be shared with residents).
            "public_towns": Town.objects.filter(pk__in=scope.town_ids).order_by("code") if scope.town_ids else [],
        },
    )


@requires("credit.view")
def export(request):
    today = timezone.localdate()
    files = selectors.files_for(request.user, today)
    headers = [
        (_("Kind"), 10),
        (_("Name"), 30),
        (_("Property company"), 30),
        (_("Score"), 8),
        (_("Grade"), 8),
        (_("Demerit points"), 10),
        (_("Level"), 10),
        (_("Records counted"), 10),
    ]
    rows = [
        (
            _("Property company") if f.kind == "company" else _("Compound manager"),
            f.name,
            f.company.name if f.company else "",
            f.standing.score if f.standing.score is not None else "",
            f.standing.grade,
            f.standing.total if f.standing.total is not None else "",
            f.standing.level_label,
            len(f.standing.counted),
        )
        for f in files
    ]
    content = table_workbook(_("Credit files"), headers, rows)
    return xlsx_response(content, filename=f"credit-{today.isoformat()}.xlsx")


# --- Files -----------------------------------------------------------------------------------------


def _file_page(request, *, subject, kind, records, standing, company=None):
    today = timezone.localdate()
    scope = get_scope(request.user)
    return render(
        request,
        "credit/file.html",
        {
            "nav": "credit",
            "subject": subject,
            "kind": kind,
            "company": company,
            "records": _annotate(records, today),
            "standing": standing,
            "settings": CreditSettings.for_town(subject.town_id),
            "today": today,
            "may_manage": scope.has("credit.manage") and scope.area("credit.manage").covers_town(subject.town_id),
        },
    )


@requires("credit.view")
def company_file(request, uid):
    company = get_object_or_404(visible_companies(request.user), uid=uid)
    today = timezone.localdate()
    records = CreditRecord.objects.of_company(company).select_related("compound", "company")
    return _file_page(
        request,
        subject=company,
        kind="company",
        records=records,
        standing=selectors.company_standing(company, today),
        company=company,
    )


@requires("credit.view")
def manager_file(request, uid):
    person = get_object_or_404(visible_managers(request.user), uid=uid)
    today = timezone.localdate()
    records = CreditRecord.objects.of_manager(person).select_related("compound", "company")
    return _file_page(
        request,
        subject=person,
        kind="manager",
        records=records,
        standing=selectors.manager_standing(person, today),
    )


@requires("credit.view")
def company_report(request, uid):
    company = get_object_or_404(visible_companies(request.user), uid=uid)
    today = timezone.localdate()
    pdf = credit_report_pdf(company, today)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credit-report-{company.code}-{today.isoformat()}.pdf"'
    return response


# --- A record --------------------------------------------------------------------------------------


def _record(request, uid, permission=None) -> CreditRecord:
    return get_object_or_404(
        CreditRecord.objects.for_user(request.user, permission).select_related(
            "company", "manager", "compound", "town"
        ),
        uid=uid,
    )


def _record_page(request, record, forms=None, status=200):
    forms = forms or {}
    today = timezone.localdate()
    settings = CreditSettings.for_town(record.town_id)
    may_object = services.may_object(request.user, record)
    may_manage = services.may_manage(request.user, record)
    objection = record.objection if hasattr(record, "objection") else None
    correction = record.correction if hasattr(record, "correction") else None
    closes = record.objection_closes(settings.objection_days)
    initial = {"version": record.version}
    _annotate([record], today)
    context = {
        "nav": "credit",
        "record": record,
        "objection": objection,
        "correction": correction,
        "objection_closes": closes,
        "evidence": record.evidence.all(),
        # A refused form is shown again, whatever the state now says, with what was typed.
        "may_object": "object" in forms
        or may_object
        and record.state == RecordState.ACTIVE
        and objection is None
        and today <= closes,
        "may_ask_correction": "correction" in forms
        or may_object
        and record.kind != CreditRecord.Kind.GOOD
        and record.state in (RecordState.ACTIVE, RecordState.UPHELD)
        and correction is None,
        "may_decide": "decide" in forms or (may_manage and record.state == RecordState.OBJECTED),
        "may_check": "check" in forms or (may_manage and record.state == RecordState.CORRECTION_ASKED),
        "objection_form": forms.get("object") or ObjectionForm(initial=initial),
        "correction_form": forms.get("correction") or CorrectionForm(initial=initial),
        "decision_form": forms.get("decide") or DecisionForm(initial=initial),
        "check_form": forms.get("check") or DecisionForm(initial=initial),
        "file_url": reverse("credit:manager", args=[record.manager.uid])
        if record.manager_id
        else reverse("credit:company", args=[record.company.uid]),
        **timeline_context(request, record),
    }
    return render(request, "credit/record.html", context, status=status)


@requires("credit.view")
def record_detail(request, uid):
    return _record_page(request, _record(request, uid))


@requires("credit.view")
def evidence_file(request, uid):
    row = get_object_or_404(Evidence.objects.select_related("record"), uid=uid)
    if not CreditRecord.objects.for_user(request.user).filter(pk=row.record_id).exists():
        raise Http404
    return serve_private_file(row.file, row.name)


def _done_to(record):
    return reverse("credit:record", args=[record.uid])


@require_POST
@requires("credit.object")
def record_object(request, uid):
    record = _record(request, uid, "credit.object")
    form = ObjectionForm(request.POST, request.FILES)
    response = attempt(
        request,
        form,
        lambda: services.object_to_record(
            actor=request.user,
            record=record,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            evidence=form.cleaned_data["evidence"],
        ),
        done=_("Objection sent; the office will decide."),
        to=_done_to(record),
    )
    return response or _record_page(request, record, {"object": form}, status=400)


@require_POST
@requires("credit.object")
def record_correction(request, uid):
    record = _record(request, uid, "credit.object")
    form = CorrectionForm(request.POST, request.FILES)
    response = attempt(
        request,
        form,
        lambda: services.ask_correction(
            actor=request.user,
            record=record,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            evidence=form.cleaned_data["evidence"],
        ),
        done=_("Correction asked for; the office will check it."),
        to=_done_to(record),
    )
    return response or _record_page(request, record, {"correction": form}, status=400)


def _decision(request, uid, *, key, call, done):
    record = _record(request, uid, "credit.manage")
    form = DecisionForm(request.POST)
    response = attempt(
        request,
        form,
        lambda: call(record, form.cleaned_data["version"], form.cleaned_data["reason"]),
        done=done,
        to=_done_to(record),
    )
    return response or _record_page(request, record, {key: form}, status=400)


@require_POST
@requires("credit.manage")
def record_decide(request, uid):
    uphold = request.POST.get("decision") != "withdraw"
    return _decision(
        request,
        uid,
        key="decide",
        call=lambda record, version, reason: services.decide_objection(
            actor=request.user, record=record, version=version, uphold=uphold, reason=reason
        ),
        done=_("Objection decided: the record is upheld.")
        if uphold
        else _("Objection decided: the record is withdrawn."),
    )


@require_POST
@requires("credit.manage")
def record_check(request, uid):
    corrected = request.POST.get("outcome") != "refuse"
    return _decision(
        request,
        uid,
        key="check",
        call=lambda record, version, reason: services.check_correction(
            actor=request.user, record=record, version=version, corrected=corrected, reason=reason
        ),
        done=_("The record is corrected.") if corrected else _("The correction is refused."),
    )


# --- The office ----------------------------------------------------------------------------------


def _office_town(request) -> Town:
    return office_town(request.user, "credit.manage")


@requires("credit.manage")
def record_new(request):
    town = _office_town(request)
    companies = Organization.objects.filter(town=town, kind=Organization.Kind.PROPERTY_COMPANY).order_by("name")
    contracts = ServiceContract.objects.filter(company__in=companies)
    managers = Person.objects.filter(pk__in=contracts.filter(manager__isnull=False).values("manager_id")).order_by(
        "name"
    )
    compounds = Compound.objects.filter(pk__in=contracts.values("compound_id")).order_by("name")
    initial = {}
    for key, rows in (("company", companies), ("manager", managers)):
        found = rows.filter(uid=request.GET.get(key, "")).first()
        if found is not None:
            initial[key] = found
    if "manager" in initial and "company" not in initial:
        latest = contracts.filter(manager=initial["manager"]).order_by("-start").first()
        if latest:
            initial["company"] = latest.company
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        companies=companies,
        managers=managers,
        compounds=compounds,
    )
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.record_by_hand(actor=request.user, **form.cleaned_data),
            done=_("Credit record written."),
            to=lambda record: reverse("credit:record", args=[record.uid]),
        )
        if response is not None:
            return response
    return render(
        request,
        "form_page.html",
        {
            "nav": "credit",
            "form": form,
            "title": _("Write a credit record"),
            "intro": _("Records written by hand need their evidence; the company may object within the window."),
            "multipart": True,
            "cancel_url": "credit:home",
        },
        status=400 if request.method == "POST" else 200,
    )


@requires("credit.manage")
def settings_page(request):
    town = _office_town(request)
    current = CreditSettings.for_town(town.pk)
    codes = [r.code for r in rules.all_rules()]
    initial = {name: getattr(current, name) for name in services.SETTING_FIELDS if name != "disabled_rules"}
    initial["enabled_rules"] = [c for c in codes if current.rule_enabled(c)]
    initial["version"] = current.version if current.pk else None
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enabled = set(data.pop("enabled_rules"))
        version = data.pop("version")
        data["disabled_rules"] = [c for c in codes if c not in enabled]
        saved = apply_service(
            form, lambda: services.save_settings(actor=request.user, town=town, version=version, **data)
        )
        if saved is not None:
            messages.success(request, _("Credit settings saved."))
            return redirect("credit:home")
    return render(
        request,
        "form_page.html",
        {
            "nav": "credit",
            "form": form,
            "title": _("Credit settings"),
            "intro": _(
                "The grade mode scores basic + good records (up to the cap) − bad records; the points mode adds "
                "up demerit points. Records count for their validity, not when withdrawn."
            ),
            "cancel_url": "credit:home",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Public ----------------------------------------------------------------------------------------


@login_not_required
def public_lists(request, code):
    town = get_object_or_404(Town, code=code)
    today = timezone.localdate()
    red, black = selectors.public_lists(town, today)
    settings = CreditSettings.for_town(town.pk)
    return render(
        request,
        "credit/public.html",
        {"town": town, "red": red, "black": black, "today": today, "settings": settings},
    )
