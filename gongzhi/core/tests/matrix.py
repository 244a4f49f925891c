"""The permission matrix's vocabulary. Each app lists its routes in tests/permission_spec.py as
`routes(world) -> list[Route]`; core/tests/test_permission_matrix.py walks every URL of the
project for every persona (and the anonymous visitor) and checks each status, and fails when a
URL has no entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongzhi.testing import PERSONAS

ANON = None
ALL = (*PERSONAS, ANON)


@dataclass
class Route:
    name: str  # "app:url_name"
    args: tuple = ()
    method: str = "GET"
    data: dict | None = None
    expect: dict = field(default_factory=dict)  # persona (or None for anonymous) → status
    default: int | None = None  # status for personas not in `expect`
    query: str = ""
    anonymous_to: str = "/accounts/login/"  # where an anonymous visitor's 302 must lead
    fresh_client: bool = False  # the request ends the session (logout): use a client of its own

    def status_for(self, persona) -> int:
        if persona in self.expect:
            return self.expect[persona]
        if self.default is None:
            raise AssertionError(f"{self.name}: no expected status for {persona!r}")
        return self.default


def only(statuses: dict, default: int = 404, anonymous: int = 302) -> dict:
    """Helper: `expect` where everyone not listed gets `default`, anonymous `anonymous`."""
    return {**{p: default for p in PERSONAS}, ANON: anonymous, **statuses}
