"""What 督办 holds about a person (gongzhi.accounts.personal_data): nothing about them as its
subject — an urging is about a record and the organisations responsible for it. The user named on
it is the one who urged: the town's work record."""

from __future__ import annotations

SECTIONS = ()

NOT_INCLUDED = {
    "supervision.urging.urged_by": "Work record: who urged an overdue record (督办).",
}
