"""Residents' sign-in by mobile number and one-time code."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit
from gongzhi.core.locks import serialize
from gongzhi.core.models import User
from gongzhi.core.phones import normalise_phone
from gongzhi.orgs.models import Membership, Person

from . import personal_data
from .models import PhoneCode
from .sms import send_sms


def _digest(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def seconds_until_resend(phone: str) -> int:
    last = PhoneCode.objects.filter(phone=phone).order_by("-created_at").first()
    if last is None:
        return 0
    wait = settings.OTP_RESEND_SECONDS - (timezone.now() - last.created_at).total_seconds()
    return max(0, int(wait + 0.999))


def request_phone_code(*, phone: str, address: str | None) -> None:
    """Send a one-time code, within the limits per number and per address."""
    phone = normalise_phone(phone)
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    with transaction.atomic():
        serialize(f"otp:phone:{phone}", f"otp:address:{address}")  # count, then insert: one at a time
        wait = seconds_until_resend(phone)
        if wait:
            raise ValidationError(
                _("A code was sent less than a minute ago. Please wait %(s)s seconds before asking again.")
                % {"s": wait},
                code="too_soon",
            )
        if (
            PhoneCode.objects.filter(phone=phone, created_at__gte=hour_ago).count()
            >= settings.OTP_MAX_PER_PHONE_PER_HOUR
        ):
            raise ValidationError(
                _("Too many codes were requested for this number. Please try again in an hour."), code="phone_limit"
            )
        if (
            address
            and PhoneCode.objects.filter(address=address, created_at__gte=hour_ago).count()
            >= settings.OTP_MAX_PER_ADDRESS_PER_HOUR
        ):
            raise ValidationError(
                _("Too many codes were requested from this network. Please try again later."), code="address_limit"
            )
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.objects.create(
            phone=phone,
            code_hash=_digest(phone, code),
            address=address,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        message = _(
            "[%(sign)s] Your sign-in code is %(code)s, valid for %(minutes)s minutes. Do not share it with anyone."
        ) % {
            "sign": settings.SMS_SIGNATURE,
            "code": code,
            "minutes": settings.OTP_TTL_SECONDS // 60,
        }
        # Sent after commit and not through the job queue: the code must not be stored in clear.
        transaction.on_commit(lambda: send_sms(phone, message))


def verify_phone_code(*, phone: str, code: str) -> User:
    """The account of this number once the code checks out (created on first sign-in)."""
    phone = normalise_phone(phone)
    _consume_code(phone, code)
    return _account_for(phone)


def verify_second_factor(*, user: User, code: str) -> User:
    """A staff member's password sign-in confirmed with the code sent to their mobile number."""
    if not user.phone:
        raise ValidationError(NO_PHONE_FOR_SECOND_FACTOR, code="no_phone")
    _consume_code(user.phone, code)
    return user


def needs_second_factor(user: User) -> bool:
    """Whether the user's town asks its staff to confirm a password sign-in with a code."""
    person = Person.objects.filter(user=user).select_related("town").first()
    return bool(person and person.town.staff_second_factor and holds_a_post(person))


NO_PHONE_FOR_SECOND_FACTOR = gettext_lazy(
    "Your town asks staff to confirm their sign-in with a code by SMS, and no mobile number is recorded "
    "for you. Ask the office to record it."
)


def _consume_code(phone: str, code: str) -> None:
    """Use up the pending code of this number if `code` is it; otherwise refuse, counting the try."""
    code = (code or "").strip()
    error = None
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        day_ago = timezone.now() - timedelta(days=1)
        failed_today = sum(
            code.attempts - (1 if code.used_at else 0)
            for code in PhoneCode.objects.filter(phone=phone, created_at__gte=day_ago).only("attempts", "used_at")
        )
        if failed_today >= settings.OTP_MAX_FAILURES_PER_PHONE_PER_DAY:
            error = _("Too many wrong codes for this number today. Please try again tomorrow.")
        elif pending is None:
            error = _("The code has expired or was never sent. Ask for a new code.")
        elif pending.attempts >= settings.OTP_MAX_ATTEMPTS:
            error = _("Too many wrong codes. Ask for a new code.")
        else:
            pending.attempts += 1
            if not hmac.compare_digest(_digest(phone, code), pending.code_hash):
                pending.save(update_fields=["attempts"])
                left = settings.OTP_MAX_ATTEMPTS - pending.attempts
                error = (
                    _("The code is not correct. %(n)s attempt(s) left.") % {"n": left}
                    if left
                    else _("Too many wrong codes. Ask for a new code.")
                )
            else:
                pending.used_at = timezone.now()
                pending.save(update_fields=["attempts", "used_at"])
                return
    raise ValidationError(error, code="code")


STAFF_SIGN_IN_BY_PASSWORD = gettext_lazy(
    "This mobile number belongs to a staff login: sign in with your username and password."
)


def signs_in_by_code(user: User) -> bool:
    """Whether a one-time code alone may sign this account in: a resident's account. Never an
    administrator, nor a staff login (a usable password, or a person holding a post)."""
    if user.is_superuser or user.is_staff or user.has_usable_password():
        return False
    person = Person.objects.filter(user=user).first()
    return person is None or not holds_a_post(person)


def _account_for(phone: str) -> User:

    user = User.objects.filter(phone=phone).first()
    if user is not None and not signs_in_by_code(user):
        raise ValidationError(STAFF_SIGN_IN_BY_PASSWORD, code="staff")
    if user is None:
        user = User(username=phone, phone=phone)
        user.set_unusable_password()
        user.save()
        audit.record(user, "core.user.register", user, after={"phone": phone})
    if not Person.objects.filter(user=user).exists():
        person = Person.objects.filter(phone=phone, user__isnull=True).order_by("pk").first()
        if person is not None:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
            audit.record(user, "orgs.person.link", person, after={"user": user.pk})
    if not user.is_active:
        raise ValidationError(_("This account is disabled. Please contact the residents' committee."), code="inactive")
    return user


PASSWORD_FOR_STAFF_ONLY = gettext_lazy(
    "A password login is only for people who hold a post in an organisation or body of the town. Residents "
    "sign in with their mobile number and a one-time code; nobody else can act in their name."
)


def holds_a_post(person) -> bool:
    """Whether the person holds a post today (an active membership of an organisation or a body)."""
    return Membership.objects.filter(person=person).active().exists()


USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{2,39}$")


def create_login(*, actor, person, username: str, password_hash: str | None = None) -> User:
    """Give a person a staff login (username and password; password_hash as made by
    django.contrib.auth.hashers.make_password, or None for an unusable password)."""
    from django.core.exceptions import ValidationError as _VE

    if person.user_id:
        raise _VE(_("%(name)s already has a login.") % {"name": person.name})
    if password_hash and not holds_a_post(person):
        raise _VE(PASSWORD_FOR_STAFF_ONLY)
    if not USERNAME_RE.match(username) and username != person.phone:
        raise _VE({"username": _("Use 3 to 40 letters, digits, '.', '_' or '-', starting with a letter.")})
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise _VE({"username": _("This username is taken.")})
        user = User(username=username, display_name=person.name, phone=person.phone or None)
        if password_hash:
            user.password = password_hash
        else:
            user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit.record(actor, "core.user.create", user, after={"username": username})
        audit.record(actor, "orgs.person.link", person, after={"user": user.pk})
    return user


def set_login_password(*, actor, user: User, raw_password: str) -> User:
    """The office sets a staff member's password (a new colleague, a forgotten password); the
    staff member should change it after signing in. Also lifts a sign-in lock-out."""
    from axes.utils import reset

    if user.is_superuser and not getattr(actor, "is_superuser", False):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("only a platform administrator sets an administrator's password")
    person = Person.objects.filter(user=user).first()
    if not user.is_superuser and (person is None or not holds_a_post(person)):
        raise ValidationError(PASSWORD_FOR_STAFF_ONLY)
    with transaction.atomic():
        user.set_password(raw_password)
        user.save(update_fields=["password"])
        audit.record(actor, "core.user.set_password", user, after={"username": user.username})
    reset(username=user.username)
    return user


def export_personal_data(*, actor: User) -> dict:
    """Everything the platform holds about the signed-in person, for their download (their right
    of access): one audit entry per download, naming how many records it held."""
    with transaction.atomic():
        data = personal_data.collect(actor)
        records = sum(personal_data.count(data, section) for section in personal_data.sections())
        audit.record(actor, "core.user.personal_data_export", actor, after={"records": records})
    return data
