"""Token authentication: `Authorization: Bearer <secret>`. The secret is looked up by its SHA-256
(one indexed query, joined to the account it acts as); a missing, unknown or revoked token is
a 401 with a JSON error (gongzhi.api.errors).

The token's account acts with its scope (gongzhi.core.scope). A machine sends many requests a
second as the same account, so each worker process keeps the account's computed scope for
SCOPE_SECONDS instead of recomputing it (three queries) per request: a change of the account's
memberships reaches the API within that time. The token itself is kept for TOKEN_SECONDS: a
revocation stops it within that time (at once in the process that revoked it)."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from gongzhi.core import process_cache
from gongzhi.core.scope import Scope
from gongzhi.orgs.scope import compute_scope

from .models import ApiToken

SECRET_PREFIX = "gzt_"  # noqa: S105 - "gongzhi token", a public marker that log and secret scanners recognise
PREFIX_LENGTH = 12  # how much of the secret people see ("gzt_" and 8 more characters)
LAST_USED_EVERY = timedelta(minutes=1)
SCOPE_SECONDS = 30.0

_scopes: dict[int, tuple[float, Scope]] = {}  # account id → (good until, on time.monotonic(); scope)


def forget_scopes() -> None:
    _scopes.clear()


def attach_scope(user) -> Scope:
    """Put the account's scope on it, as core.scope.get_scope() does for a request, from this
    process's recent computation when there is one."""
    now = time.monotonic()
    cached = _scopes.get(user.pk)
    if cached is not None and cached[0] > now:
        scope = cached[1]
    else:
        scope = compute_scope(user)
        _scopes[user.pk] = (now + SCOPE_SECONDS, scope)
    user._gongzhi_scope = scope  # where get_scope() keeps it for the request
    return scope


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


TOKEN_CACHE = "api-tokens"  # noqa: S105 - a cache name, not a secret
TOKEN_SECONDS = 5.0


def _load_token(secret_hash: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user", "town").filter(secret_hash=secret_hash, revoked_at__isnull=True).first()
    )


def find_token(secret: str) -> ApiToken | None:
    """The active token with this secret (with its account and town), or None. A bridge sends many
    requests a second with one token: each process keeps what it found for TOKEN_SECONDS, so a
    revocation (or a disabled account) stops the token within that time (at once in the process
    that revoked it)."""
    if not secret or len(secret) > 200:
        return None
    secret_hash = hash_secret(secret)
    token = process_cache.remembered(TOKEN_CACHE, secret_hash, TOKEN_SECONDS, lambda: _load_token(secret_hash))
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # At most once a minute; the condition keeps concurrent requests from writing it twice.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class BearerToken(HttpBearer):
    """ninja's bearer scheme, backed by ApiToken. `request.auth` is the token afterwards.

    The header is read here, not by ninja's HttpBearer: with DEBUG on, ninja writes a header of
    another scheme (`Token <secret>`, a bare secret, `Basic <user:password>`) to the log whole.
    Nothing of the Authorization header is ever logged; such a request is simply a 401."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        value = request.headers.get(self.header)
        if not value:
            return None
        scheme, _space, secret = value.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, secret)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = find_token(token.strip())
        if found is not None:
            attach_scope(found.user)
        return found
