"""Every write of the API app: tokens (created by the office, revoked), and the idempotent intake
of a case from the hotline bridge."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.cases.services import Report, submit_case
from gongzhi.core import audit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Town

from .auth import PREFIX_LENGTH, hash_secret, new_secret
from .models import ApiToken, IdempotencyKey

# --- Tokens ----------------------------------------------------------------------------------


def _works_in(user, town: Town) -> bool:
    """Whether the account holds a staff role in the town (a platform administrator does not)."""
    scope = get_scope(user)
    if scope.is_platform_admin or not scope.grants:
        return False
    return town.pk in scope.town_ids or Organization.objects.filter(pk__in=scope.organization_ids, town=town).exists()


def create_api_token(*, actor, town: Town, user, name: str) -> tuple[ApiToken, str]:
    """A new token acting as `user` in `town`. Returns the token and its secret, which is not
    stored anywhere: show it once."""
    ensure_town_manager(actor, town.pk, "town.manage")
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = _("Name the token in 1 to 100 characters, e.g. 12345 hotline bridge.")
    if not user.is_active:
        errors["user"] = _("This account is disabled.")
    elif not _works_in(user, town):
        # Never a platform administrator's account, never an account of another town.
        errors["user"] = _("The token must act as an account that works in %(town)s, e.g. an office account.") % {
            "town": town.name
        }
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            town=town,
            name=name,
            user=user,
            prefix=secret[:PREFIX_LENGTH],
            secret_hash=hash_secret(secret),
            created_by=actor,
        )
        audit.record(actor, "api.apitoken.create", token, after=audit.snapshot(token, ["name", "user", "prefix"]))
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    """Stop a token from working, at once and for good."""
    ensure_town_manager(actor, token.town_id, "town.manage")
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            return current
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        audit.record(
            actor, "api.apitoken.revoke", current, before={"revoked_at": None}, after={"revoked_at": current.revoked_at}
        )
    return current


# --- Idempotent intake -----------------------------------------------------------------------


class KeyReused(Exception):
    """The idempotency key was used before with another request body."""

    def __init__(self, previous: IdempotencyKey):
        self.previous = previous
        super().__init__(previous.key)


@dataclass(frozen=True)
class Intake:
    case: Case
    replayed: bool  # True: the key had made this case before; nothing new was created
    external_ref: str


def _replay(key: IdempotencyKey, fingerprint: str) -> Intake:
    if key.request_hash != fingerprint:
        raise KeyReused(key)
    return Intake(key.case, True, key.external_ref)


def _previous(token: ApiToken, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.select_related("case", "case__handler").filter(token=token, key=key).first()


def replay(*, token: ApiToken, key: str, fingerprint: str) -> Intake | None:
    """What this key made before: the case (same request), KeyReused (another request), or None."""
    previous = _previous(token, key)
    return None if previous is None else _replay(previous, fingerprint)


def take_in_case(*, token: ApiToken, key: str, fingerprint: str, report: Report, external_ref: str = "") -> Intake:
    """Submit a case from the hotline once per (token, idempotency key); callers ask `replay()`
    first. The key is written in the case's transaction and is unique per token, so of two
    simultaneous requests with one key only one commits a case: the other's insert fails, its
    transaction (its case included) rolls back, and it answers with the winner's case — or
    KeyReused when the two requests differ."""
    try:
        with transaction.atomic():
            case = submit_case(actor=token.user, report=report, channel=Case.Channel.API)
            IdempotencyKey.objects.create(
                token=token, key=key, request_hash=fingerprint, case=case, external_ref=external_ref
            )
    except IntegrityError:
        previous = _previous(token, key)
        if previous is None:
            raise
        return _replay(previous, fingerprint)
    return Intake(case, False, external_ref)
