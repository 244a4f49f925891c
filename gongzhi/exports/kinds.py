"""The lists that can be exported in the background, each registered by the app that owns it
(from its contributions.py): `register(Kind(...))`. The exports app knows no list; a kind says

- `permission`: who may export it (checked when the export is started and again when it runs);
- `keys`: the query keys of the list's page kept as the export's filters (its box, its search …);
- `source(user, params)`: what to write — the sheet's title, the headings, the rows (a QuerySet
  built for that user *when the job runs*, through the list's own `for_user` scope: a user who
  lost a right meanwhile gets the rows they may read then, not those of the day they clicked) and
  the function that turns one record into its row. The pages' own exports use the same headings
  and row function, so a list is written by one piece of code;
- `title(user, params)`: how the job is named on its page and in "My exports";
- `file_name(user, params, today)`: the download's name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

MAX_VALUE_LENGTH = 200  # a filter's value kept (a search text, a code, a date)


@dataclass(frozen=True)
class Source:
    """One sheet: its title, headings (text, column width), rows and how a record becomes a row."""

    sheet: str
    headers: Sequence[tuple[str, int]]
    rows: QuerySet
    row: Callable[[Any], Sequence]


@dataclass(frozen=True)
class Kind:
    key: str
    permission: str
    keys: tuple[str, ...]
    source: Callable[[Any, dict], Source]
    title: Callable[[Any, dict], str]
    file_name: Callable[[Any, dict, date], str]

    def params(self, query: Mapping) -> dict[str, str]:
        """The list's filters from its page's query string (a QueryDict or a dict): the kind's keys
        that have a value, as text."""
        kept = {}
        for key in self.keys:
            value = query.get(key)
            if value not in (None, ""):
                kept[key] = str(value)[:MAX_VALUE_LENGTH]
        return kept


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.key] = kind


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def registered() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)
