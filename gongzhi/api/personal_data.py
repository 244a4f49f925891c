"""What the HTTP API holds about a user, for their page "My personal data" and its download
(gongzhi.accounts.personal_data): the API tokens that act as their account (staff only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section

from .models import ApiToken


def _tokens(user) -> list[dict]:
    return [
        {
            "name": t.name,
            "town": t.town.name,
            "prefix": t.prefix,
            "made_at": t.created_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        }
        for t in ApiToken.objects.filter(user=user).select_related("town").order_by("-created_at", "-pk")
    ]


SECTIONS = (
    Section(
        95,
        "api_tokens",
        _("API tokens acting as you"),
        _tokens,
        "api/personal_data/tokens.html",
        covers=("api.apitoken.user",),
        only_when_held=True,
        note=_("Only a check value of each token is kept; the beginning of the token tells which one it is."),
    ),
)

NOT_INCLUDED = {"api.apitoken.created_by": "Work record: the administrator who made a token."}
