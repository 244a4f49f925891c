"""Sign-in for staff (password) and residents (mobile number and one-time code), password
change, and the resident's own pages: my home, my personal data (and its download), join a compound
with its invite code."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import audit, throttle
from gongzhi.core.client import client_address
from gongzhi.core.forms import apply_service
from gongzhi.core.models import User
from gongzhi.core.pages import form_page, managed, posted
from gongzhi.core.permissions import requires
from gongzhi.core.phones import normalise_phone
from gongzhi.core.views import resident_home
from gongzhi.orgs import services as org_services
from gongzhi.orgs.models import Person

from . import personal_data, services
from .forms import ClaimForm, CodeForm, InviteCodeForm, LoginForm, PhoneForm, StaffLoginForm, StyledPasswordChangeForm


class LoginView(auth_views.LoginView):
    """Staff sign in with their password; where the town asks for it, a one-time code sent to
    their mobile number confirms the sign-in before it takes effect (second factor)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"failure_limit": settings.AXES_FAILURE_LIMIT}

    def form_valid(self, form):
        user = form.get_user()
        if not services.needs_second_factor(user):
            return super().form_valid(form)
        if not user.phone:
            form.add_error(None, services.NO_PHONE_FOR_SECOND_FACTOR)
            return self.form_invalid(form)
        sent = apply_service(
            form, lambda: services.request_phone_code(phone=user.phone, address=_address(self.request)) or True
        )
        if not sent:
            return self.form_invalid(form)
        self.request.session[SECOND_FACTOR] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_code")


SECOND_FACTOR = "second_factor"  # the session's pending password sign-in, until its code is given


@login_not_required
def login_code(request):
    """Step 2 of a staff sign-in where the town asks for it: the code sent to the mobile number."""
    pending = request.session.get(SECOND_FACTOR)
    user = User.objects.filter(pk=pending["user"], is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = apply_service(
            form, lambda: services.verify_second_factor(user=user, code=form.cleaned_data["code"])
        )
        if confirmed:
            del request.session[SECOND_FACTOR]
            login(request, confirmed, backend=pending["backend"])
            return redirect(pending["next"])
    return render(
        request,
        "accounts/login_code.html",
        {"form": form, "phone": user.phone, "console_sms": settings.SMS_BACKEND.endswith(".ConsoleBackend")},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(self.request.user, "core.user.change_password", self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _address(request) -> str | None:
    return client_address(request)


@login_not_required
def phone_login(request):
    """Step 1: the resident enters their mobile number; a code is sent."""
    form = PhoneForm(request.POST or None)
    next_url = _safe_next(request, reverse("core:home"))
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        sent = apply_service(form, lambda: services.request_phone_code(phone=phone, address=_address(request)) or True)
        if sent:
            request.session["otp_phone"] = normalise_phone(phone)
            messages.info(request, _("A code was sent to your phone by SMS."))
            return redirect(reverse("accounts:phone_verify") + f"?next={next_url}")
    return render(
        request,
        "accounts/phone_login.html",
        {
            "form": form,
            "next": next_url,
            "console_sms": settings.SMS_BACKEND.endswith("ConsoleBackend"),
        },
    )


@login_not_required
def phone_verify(request):
    """Step 2: the resident enters the code; on success they are signed in."""
    phone = request.session.get("otp_phone")
    next_url = _safe_next(request, reverse("core:home"))
    if not phone:
        return redirect(reverse("accounts:phone_login") + f"?next={next_url}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        resend = PhoneForm({"phone": phone})
        resend.is_valid()
        if apply_service(resend, lambda: services.request_phone_code(phone=phone, address=_address(request)) or True):
            messages.info(request, _("A new code was sent."))
        else:
            for error in resend.non_field_errors():
                messages.error(request, error)
        return redirect(reverse("accounts:phone_verify") + f"?next={next_url}")
    if request.method == "POST" and form.is_valid():
        user = apply_service(form, lambda: services.verify_phone_code(phone=phone, code=form.cleaned_data["code"]))
        if user:
            request.session.pop("otp_phone", None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
    return render(
        request,
        "accounts/phone_verify.html",
        {
            "form": form,
            "phone": phone,
            "next": next_url,
            "wait": services.seconds_until_resend(phone),
            "console_sms": settings.SMS_BACKEND.endswith("ConsoleBackend"),
        },
    )


def my_home(request):
    return resident_home(request)


def my_data(request):
    """What the platform holds about the signed-in person (their right of access): their own
    records only, never anyone's chosen by the address."""
    data = personal_data.collect(request.user)
    return render(request, "accounts/my_data.html", {"sections": personal_data.for_page(data), "data": data})


@require_POST
def my_data_download(request):
    """The same as a JSON file. POST (with the CSRF token): each download is audited, and no other
    site can make a signed-in browser download it."""
    data = services.export_personal_data(actor=request.user)
    response = HttpResponse(personal_data.to_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{data["generated_at"]:%Y%m%d}.json"'
    return response


INVITE_WINDOW = 600  # seconds: wrong invite codes are counted per account and per address in it


def join(request):
    """A resident claims a unit with the invite code of its compound (from the notice board)."""
    code = (request.POST.get("invite_code") or request.GET.get("code") or "").strip().upper()
    # Counted per account (an office's or a carrier's shared address must not block its neighbours).
    guesses = [("user", str(request.user.pk))]
    tried_too_often = code and any(
        throttle.count("invite", who, INVITE_WINDOW) >= settings.INVITE_CODE_ATTEMPTS for _kind, who in guesses
    )
    compound = org_services.find_compound_by_invite(code) if code and not tried_too_often else None
    if compound is None:
        form = InviteCodeForm({"code": code}) if code else InviteCodeForm()
        if code:
            form.is_valid()  # bound and cleaned, so that the reason can be added to it
        if tried_too_often:
            form.add_error("code", _("Too many wrong codes. Please wait ten minutes, then enter the code again."))
        elif code:
            for _kind, who in guesses:
                throttle.hit("invite", who, INVITE_WINDOW)
            form.add_error("code", _("This invite code is not valid. Check the code on your compound's notice board."))
        return render(request, "accounts/join_code.html", {"form": form}, status=429 if tried_too_often else 200)
    person = getattr(request.user, "person", None)
    form = ClaimForm(request.POST or None, compound=compound, initial={"name": person.name if person else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        residency = apply_service(
            form,
            lambda: org_services.claim_residency(
                actor=request.user, invite_code=code, unit=data["unit"], relation=data["relation"], name=data["name"]
            ),
        )
        if residency:
            messages.success(
                request,
                _("Your claim was sent. The residents' committee will confirm it; you can see its status here."),
            )
            return redirect("accounts:my_home")
    return render(request, "accounts/join_claim.html", {"form": form, "compound": compound, "code": code})


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after repeated failed sign-ins."""
    return render(request, "accounts/locked_out.html", {"hours": settings.AXES_COOLOFF_TIME}, status=429)


@requires("people.manage")
def staff_login(request, uid):
    """The office gives a person a staff login (username and first password) or sets a new
    password for their existing login, which also lifts a sign-in lock-out."""
    person = get_object_or_404(
        managed(request, Person.objects.for_user(request.user, "people.manage"), "people.manage").select_related(
            "user"
        ),
        uid=uid,
    )
    user = person.user
    if not services.holds_a_post(person) and not (user and user.is_superuser):
        # Nothing to type and lose: the page says why instead of showing a form.
        return render(
            request,
            "accounts/staff_login_refused.html",
            {"nav": "people", "person": person, "reason": services.PASSWORD_FOR_STAFF_ONLY},
            status=403 if request.method == "POST" else 200,
        )
    form = StaffLoginForm(posted(request), user=user)

    def save():
        if user is None:
            return services.create_login(
                actor=request.user,
                person=person,
                username=form.cleaned_data["username"],
                password_hash=make_password(form.cleaned_data["password1"]),
            )
        return services.set_login_password(actor=request.user, user=user, raw_password=form.cleaned_data["password1"])

    return form_page(
        request,
        form,
        nav="people",
        parent=person,
        title=(_("Set a new password for %(name)s") if user else _("Create a login for %(name)s"))
        % {"name": person.name},
        intro=(
            _(
                "Username: %(username)s. The new password replaces the old one and lifts any sign-in lock-out; "
                "ask %(name)s to change it after signing in."
            )
            % {"username": user.username, "name": person.name}
            if user
            else _(
                "%(name)s signs in with this username and password; they can also sign in with "
                "their mobile number if it is recorded."
            )
            % {"name": person.name}
        ),
        save=save,
        done=lambda u: _("Login saved for %(name)s.") % {"name": person.name},
        redirect_to=lambda u: person,
    )
