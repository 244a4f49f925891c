"""The client's address, as every limit reads it (one-time codes, QR reports, sign-in lockout by
django-axes through AXES_CLIENT_IP_CALLABLE).

Behind a reverse proxy REMOTE_ADDR is the proxy's address. With `TRUSTED_PROXIES=n` (the number
of proxies in front of the platform that append to X-Forwarded-For, e.g. 1 for the documented
nginx), the client is the address the outermost trusted proxy saw: the n-th entry from the right
of X-Forwarded-For + REMOTE_ADDR. Entries further left were written by the client and are never
believed. With no trusted proxy (the default), X-Forwarded-For is ignored."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXIES", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote] if remote else forwarded
    if len(chain) <= count:
        return remote  # fewer hops than configured: not through the proxies; trust only the connection
    candidate = chain[-(count + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
