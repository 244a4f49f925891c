"""The one workflow helper every app uses (DESIGN.md conventions 3 and 16).

- `Workflow`: a declared transition table `{action: (sources, to)}`; `to=None` means the action
  keeps the record in its state. `target()` is the state an action leads to (None when the table
  forbids it), `allows()` and `allowed_actions()` read the same table.
- `lock()`: inside the caller's transaction, re-read the record's row alone (`of=("self",)`, so
  that joined rows are not locked too) and compare its `version` with the one the user's form was
  opened on; a different one raises `ConcurrentEditError`. The version is required: a missing one
  is an error, never "current". The system itself (sweeps, reminders) locks without a version by
  saying so: `lock(..., check_version=False)`.

Counters and values derived from the record (a reopen count, "late") are computed from what
`lock()` returns, never from the caller's copy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models

from .records import ConcurrentEditError

__all__ = ["ConcurrentEditError", "MissingVersionError", "Workflow", "lock"]

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Workflow:
    """One workflow's table: which action moves a record from which states to which state."""

    transitions: Mapping[str, tuple[tuple[str, ...], str | None]]
    name: str = ""
    actions: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "actions", tuple(self.transitions))

    def sources(self, action: str) -> tuple[str, ...]:
        return tuple(self.transitions[action][0])

    def allows(self, action: str, state: str) -> bool:
        return state in self.transitions[action][0]

    def target(self, action: str, state: str) -> str | None:
        """The state `action` leads to from `state` (the same state for an action that keeps
        it), or None when the table forbids it."""
        sources, to = self.transitions[action]
        if state not in sources:
            return None
        return to or state

    def allowed_actions(self, state: str) -> list[str]:
        return [action for action, (sources, _to) in self.transitions.items() if state in sources]


class MissingVersionError(ConcurrentEditError):
    """A lock that compares versions was given none: the submission cannot show that it was made
    on the current record, so it is refused like a stale one (the same words: reload the page).
    Forms carry the version as a required field; the system says `check_version=False`."""

    def __init__(self):
        super().__init__()
        self.code = "missing_version"


def lock(
    instance_or_model: M | type[M],
    pk=None,
    expected_version: int | None = None,
    *,
    check_version: bool = True,
    related: Iterable[str] = (),
) -> M:
    """The record's row, locked until the end of the current transaction (the row alone, even
    with `related` joined), after checking that it is still at `expected_version`.

    `lock(case, expected_version=3)` or `lock(Case, pk, 3)`; `related` are select_related paths
    read along (not locked).
    Raises ConcurrentEditError when the version differs, and its MissingVersionError when a check
    is asked for without a version."""
    if check_version and expected_version is None:
        raise MissingVersionError()
    if isinstance(instance_or_model, type):
        model = instance_or_model
    else:
        model = type(instance_or_model)
        pk = instance_or_model.pk if pk is None else pk
    rows = model._default_manager.select_for_update(of=("self",))
    related = tuple(related)
    if related:
        rows = rows.select_related(*related)
    current = rows.get(pk=pk)
    if check_version and current.version != expected_version:
        raise ConcurrentEditError()
    return current
