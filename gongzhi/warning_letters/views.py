"""Pages of the warning letters: the list (drafts to approve first, then letters past their
deadline; filters; Excel), a letter with its cause, number, text, steps, answer and evidence and the
buttons the user may use, the office's draft, approval, discard, verification and escalation, the
addressee's acknowledgement and answer, the PDF of a sent letter, the templates and the settings.
Thin: permission → scoped fetch → form → service → message + redirect."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.actions import act, attempt
from gongzhi.core.forms import apply_service
from gongzhi.core.pages import paginate, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.credit.models import CreditRecord
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound, Town
from gongzhi.places.selectors import office_town

from . import letters, services, triggers
from .forms import AnswerForm, ApproveForm, DraftForm, ReasonForm, SettingsForm, TemplateForm, VerifyForm, VersionForm
from .models import LEVEL_ORDER, Evidence, Letter, Level, WarningSettings
from .pdf import letter_pdf
from .workflow import WAITING, LetterState

BADGES = {
    LetterState.DRAFT: "text-bg-warning",
    LetterState.SENT: "text-bg-primary",
    LetterState.ACKNOWLEDGED: "text-bg-info",
    LetterState.ANSWERED: "text-bg-info",
    LetterState.CLOSED: "text-bg-success",
    LetterState.SENT_BACK: "text-bg-danger",
    LetterState.ESCALATED: "text-bg-dark",
    LetterState.DISCARDED: "text-bg-light border",
}
LEVEL_BADGES = {Level.NOTICE: "text-bg-secondary", Level.WARNING: "text-bg-warning", Level.MEASURES: "text-bg-danger"}


def _annotate(rows, today):
    rows = list(rows)
    for letter in rows:
        letter.badge = BADGES[letter.state]
        letter.level_badge = LEVEL_BADGES[letter.level]
        letter.late = letter.past_deadline(today)
        letter.trigger_label = triggers.label_of(letter.trigger)
    return rows


def _filtered(request):
    rows = Letter.objects.for_user(request.user).select_related("addressee", "compound")
    level = request.GET.get("level", "")
    state = request.GET.get("state", "")
    if level in Level.values:
        rows = rows.filter(level=level)
    if state == "to_answer":
        rows = rows.filter(state__in=[LetterState.ACKNOWLEDGED, LetterState.SENT_BACK])
    elif state in LetterState.values:
        rows = rows.filter(state=state)
    addressee = request.GET.get("addressee", "")
    if addressee:
        rows = rows.filter(addressee__uid=addressee)
    if request.GET.get("overdue"):
        rows = rows.past_deadline(timezone.localdate())
    rows = rows.annotate(
        rank=Case(
            When(state=LetterState.DRAFT, then=Value(0)),
            When(state__in=WAITING, deadline__lt=timezone.localdate(), then=Value(1)),
            When(state=LetterState.ANSWERED, then=Value(2)),
            When(state__in=WAITING, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        )
    ).order_by("rank", "-drafted_at", "-pk")
    return rows, {"level": level, "state": state, "addressee": addressee, "overdue": request.GET.get("overdue", "")}


@requires("warnings.view")
def home(request):
    today = timezone.localdate()
    rows, filters = _filtered(request)
    page = paginate(request, rows)
    page.object_list = _annotate(page.object_list, today)
    addressees = Organization.objects.filter(
        pk__in=Letter.objects.for_user(request.user).values("addressee_id")
    ).order_by("name")
    scope = get_scope(request.user)
    return render(
        request,
        "warnings/home.html",
        {
            "nav": "warnings",
            "page_obj": page,
            "letters": page.object_list,
            "filters": filters,
            "levels": Level.choices,
            "states": [*LetterState.choices, ("to_answer", _("To answer"))],
            "addressees": addressees,
            "may_manage": scope.has("warnings.manage"),
            "today": today,
        },
    )


@requires("warnings.view")
def export(request):
    today = timezone.localdate()
    rows, _filters = _filtered(request)
    headers = [
        (_("Number"), 14),
        (_("Level"), 14),
        (_("Addressee"), 26),
        (_("Cause"), 50),
        (_("Trigger"), 20),
        (_("State"), 14),
        (_("Sent on"), 12),
        (_("Rectify by"), 12),
        (_("Past the deadline"), 10),
    ]
    data = [
        (
            letter.number_label,
            letter.get_level_display(),
            letter.addressee.name,
            letter.cause_text,
            triggers.label_of(letter.trigger),
            letter.get_state_display(),
            timezone.localdate(letter.sent_at).isoformat() if letter.sent_at else "",
            letter.deadline.isoformat() if letter.deadline else "",
            _("yes") if letter.past_deadline(today) else "",
        )
        for letter in rows[:5000]
    ]
    return xlsx_response(
        table_workbook(_("Warning letters"), headers, data), filename=f"warnings-{today.isoformat()}.xlsx"
    )


# --- A letter --------------------------------------------------------------------------------------


def _letter(request, uid, permission=None) -> Letter:
    return get_object_or_404(
        Letter.objects.for_user(request.user, permission).select_related(
            "town", "addressee", "compound", "previous", "credit_record"
        ),
        uid=uid,
    )


def _letter_page(request, letter, forms=None, status=200):
    forms = forms or {}
    today = timezone.localdate()
    may_manage = services.may(request.user, "warnings.manage", letter)
    may_answer = services.may(request.user, "warnings.answer", letter)
    initial = {"version": letter.version}
    state = letter.state
    _annotate([letter], today)
    preview_title, preview = letters.render(letter, sent_on=today) if state == LetterState.DRAFT else ("", "")
    credit_visible = (
        letter.credit_record_id is not None
        and CreditRecord.objects.for_user(request.user).filter(pk=letter.credit_record_id).exists()
    )
    context = {
        "nav": "warnings",
        "letter": letter,
        "preview_title": preview_title,
        "preview": preview,
        "evidence": letter.evidence.all(),
        "next_letters": Letter.objects.for_user(request.user).filter(previous=letter).order_by("pk"),
        "previous_visible": letter.previous_id
        and Letter.objects.for_user(request.user).filter(pk=letter.previous_id).exists(),
        "credit_visible": credit_visible,
        # A refused form is shown again, whatever the state now says, with what was typed.
        "may_approve": "approve" in forms or (may_manage and state == LetterState.DRAFT),
        "may_discard": "discard" in forms or (may_manage and state == LetterState.DRAFT),
        "may_acknowledge": "acknowledge" in forms or (may_answer and state == LetterState.SENT),
        "may_answer": "answer" in forms or (may_answer and state in (LetterState.ACKNOWLEDGED, LetterState.SENT_BACK)),
        "may_verify": "verify" in forms or (may_manage and state == LetterState.ANSWERED),
        "may_escalate": "escalate" in forms
        or (may_manage and letter.past_deadline(today) and letter.level != Level.MEASURES),
        "approve_form": forms.get("approve")
        or (
            ApproveForm(initial=initial | {"measures": letter.measures})
            if letter.level == Level.MEASURES
            else VersionForm(initial=initial)
        ),
        "discard_form": forms.get("discard") or ReasonForm(initial=initial),
        "acknowledge_form": forms.get("acknowledge") or VersionForm(initial=initial),
        "answer_form": forms.get("answer") or AnswerForm(initial=initial),
        "verify_form": forms.get("verify") or VerifyForm(initial=initial),
        "escalate_form": forms.get("escalate") or VersionForm(initial=initial),
        "is_measures": letter.level == Level.MEASURES,
        **timeline_context(request, letter),
    }
    return render(request, "warnings/letter.html", context, status=status)


@requires("warnings.view")
def letter_detail(request, uid):
    return _letter_page(request, _letter(request, uid))


@requires("warnings.view")
def letter_pdf_view(request, uid):
    letter = _letter(request, uid)
    if letter.number is None:
        raise Http404
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.year}-{letter.number}.pdf"'
    return response


@requires("warnings.view")
def evidence_file(request, uid):
    row = get_object_or_404(Evidence.objects.select_related("letter"), uid=uid)
    if not Letter.objects.for_user(request.user).filter(pk=row.letter_id).exists():
        raise Http404
    return serve_private_file(row.file, row.name)


def _act(request, uid, *, permission, key, form_class, call, done, files=False):
    letter = _letter(request, uid, permission)
    if callable(form_class) and not isinstance(form_class, type):
        form_class = form_class(letter)
    form = form_class(request.POST, request.FILES) if files else form_class(request.POST)
    return act(
        request,
        letter,
        form,
        call,
        done=done,
        to=lambda result: reverse("warnings:letter", args=[result.uid]),
        reshow=lambda form: _letter_page(request, letter, {key: form}, status=400),
    )


@require_POST
@requires("warnings.manage")
def letter_approve(request, uid):
    return _act(
        request,
        uid,
        permission="warnings.manage",
        key="approve",
        form_class=lambda letter: ApproveForm if letter.level == Level.MEASURES else VersionForm,
        call=lambda letter, data: services.approve_and_send(
            actor=request.user,
            letter=letter,
            version=data["version"],
            measures=data.get("measures") if letter.level == Level.MEASURES else None,
        ),
        done=lambda letter: (
            _("Letter %(number)s approved and sent to %(addressee)s.")
            % {"number": letter.number_label, "addressee": letter.addressee.name}
        ),
    )


@require_POST
@requires("warnings.manage")
def letter_discard(request, uid):
    return _act(
        request,
        uid,
        permission="warnings.manage",
        key="discard",
        form_class=ReasonForm,
        call=lambda letter, data: services.discard(
            actor=request.user, letter=letter, version=data["version"], reason=data["reason"]
        ),
        done=_("Draft discarded."),
    )


@require_POST
@requires("warnings.manage")
def letter_verify(request, uid):
    rectified = request.POST.get("outcome") != "send_back"
    return _act(
        request,
        uid,
        permission="warnings.manage",
        key="verify",
        form_class=VerifyForm,
        call=lambda letter, data: services.verify(
            actor=request.user, letter=letter, version=data["version"], rectified=rectified, note=data["note"]
        ),
        done=_("Rectification verified: the letter is closed.")
        if rectified
        else _("Answer sent back with a new deadline."),
    )


@require_POST
@requires("warnings.manage")
def letter_escalate(request, uid):
    return _act(
        request,
        uid,
        permission="warnings.manage",
        key="escalate",
        form_class=VersionForm,
        call=lambda letter, data: services.escalate(actor=request.user, letter=letter, version=data["version"]),
        done=lambda draft: _("Escalated: a draft %(level)s waits for approval.") % {"level": draft.get_level_display()},
    )


@require_POST
@requires("warnings.answer")
def letter_acknowledge(request, uid):
    return _act(
        request,
        uid,
        permission="warnings.answer",
        key="acknowledge",
        form_class=VersionForm,
        call=lambda letter, data: services.acknowledge(actor=request.user, letter=letter, version=data["version"]),
        done=_("Letter acknowledged. Answer with the rectification by the deadline."),
    )


@require_POST
@requires("warnings.answer")
def letter_answer(request, uid):
    return _act(
        request,
        uid,
        permission="warnings.answer",
        key="answer",
        form_class=AnswerForm,
        files=True,
        call=lambda letter, data: services.answer(
            actor=request.user, letter=letter, version=data["version"], text=data["text"], evidence=data["evidence"]
        ),
        done=_("Answer sent; the office will verify the rectification."),
    )


# --- The office ----------------------------------------------------------------------------------


def _office_town(request) -> Town:
    return office_town(request.user, "warnings.manage")


@requires("warnings.manage")
def letter_new(request):
    town = _office_town(request)
    addressees = Organization.objects.filter(town=town, kind__in=list(Organization.FOUR_PARTIES)).order_by(
        "kind", "name"
    )
    initial = {}
    found = addressees.filter(uid=request.GET.get("addressee", "")).first()
    if found is not None:
        initial["addressee"] = found
    compounds = Compound.objects.filter(town=town).order_by("name")
    form = DraftForm(request.POST or None, initial=initial, addressees=addressees, compounds=compounds)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.draft_by_hand(actor=request.user, town=town, **form.cleaned_data),
            done=_("Draft saved; approve it to send it."),
            to=lambda letter: reverse("warnings:letter", args=[letter.uid]),
        )
        if response is not None:
            return response
    return render(
        request,
        "form_page.html",
        {
            "nav": "warnings",
            "form": form,
            "title": _("Draft a warning letter"),
            "intro": _("A draft is sent only when the office approves it; it gets its number then."),
            "cancel_url": "warnings:home",
        },
        status=400 if request.method == "POST" else 200,
    )


@requires("warnings.manage")
def templates_page(request):
    town = _office_town(request)
    rows = [letters.template_for(town.pk, level) for level in LEVEL_ORDER]
    return render(
        request,
        "warnings/templates.html",
        {
            "nav": "warnings",
            "templates": [(Level(t.level).label, t) for t in rows],
            "placeholders": letters.PLACEHOLDERS.items(),
        },
    )


@requires("warnings.manage")
def template_edit(request, level):
    if level not in Level.values:
        raise Http404
    town = _office_town(request)
    current = letters.template_for(town.pk, level)
    initial = {"title": current.title, "body": current.body, "version": current.version if current.pk else None}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.save_template(
                actor=request.user,
                town=town,
                level=level,
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Letter template saved."))
            return redirect("warnings:templates")
    known = "  ".join("{%s} %s" % (name, label) for name, label in letters.PLACEHOLDERS.items())  # noqa: UP031
    return render(
        request,
        "form_page.html",
        {
            "nav": "warnings",
            "form": form,
            "title": _("Template: %(level)s") % {"level": Level(level).label},
            "intro": _("Placeholders: %(known)s") % {"known": known},
            "cancel_url": "warnings:templates",
        },
        status=400 if request.method == "POST" else 200,
    )


@requires("warnings.manage")
def settings_page(request):
    town = _office_town(request)
    current = WarningSettings.for_town(town.pk)
    all_triggers = triggers.all_triggers()
    initial = {name: getattr(current, name) for name in services.SETTING_FIELDS if name != "disabled_triggers"}
    initial["enabled_triggers"] = [t.code for t in all_triggers if current.trigger_enabled(t.code)]
    initial["version"] = current.version if current.pk else None
    form = SettingsForm(request.POST or None, initial=initial, triggers=all_triggers)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enabled = set(data.pop("enabled_triggers"))
        version = data.pop("version")
        data["disabled_triggers"] = [t.code for t in all_triggers if t.code not in enabled]
        saved = apply_service(
            form, lambda: services.save_settings(actor=request.user, town=town, version=version, **data)
        )
        if saved is not None:
            messages.success(request, _("Warning settings saved."))
            return redirect("warnings:home")
    return render(
        request,
        "form_page.html",
        {
            "nav": "warnings",
            "form": form,
            "title": _("Warning settings"),
            "intro": _(
                "Each trigger on drafts a letter per new cause; the office approves each one before it is sent. "
                "Deadlines count working days from sending."
            ),
            "cancel_url": "warnings:home",
        },
        status=400 if request.method == "POST" else 200,
    )
