"""The one workflow helper (gongzhi.core.workflow): the table and its target(), and the
lock-and-check that locks the row alone and refuses a stale or a missing version."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.core import audit
from gongzhi.core.models import AuditEntry, CalendarDay, User
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.workflow import MissingVersionError, Workflow, lock

DOOR = Workflow(
    {
        "open": (("closed",), "open"),
        "close": (("open",), "closed"),
        "paint": (("open", "closed"), None),  # stays in its state
        "lock": (("closed",), "locked"),
    },
    "test.door",
)
# Written out by hand: (action, state) → the state it leads to, or None where the table forbids it.
EXPECTED = {
    ("open", "open"): None,
    ("open", "closed"): "open",
    ("open", "locked"): None,
    ("close", "open"): "closed",
    ("close", "closed"): None,
    ("close", "locked"): None,
    ("paint", "open"): "open",
    ("paint", "closed"): "closed",
    ("paint", "locked"): None,
    ("lock", "open"): None,
    ("lock", "closed"): "locked",
    ("lock", "locked"): None,
}


@pytest.mark.parametrize(("action", "state"), list(EXPECTED))
def test_target_and_allows_follow_the_table(action, state):
    assert DOOR.target(action, state) == EXPECTED[action, state]
    assert DOOR.allows(action, state) == (EXPECTED[action, state] is not None)


def test_the_table_reads_the_same_way_everywhere():
    assert DOOR.actions == ("open", "close", "paint", "lock")
    assert DOOR.allowed_actions("closed") == ["open", "paint", "lock"]
    assert DOOR.allowed_actions("locked") == []
    assert DOOR.sources("paint") == ("open", "closed")
    with pytest.raises(KeyError):
        DOOR.target("fly", "open")


@pytest.fixture
def day(db):
    return CalendarDay.objects.create(date=date(2030, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")


def test_lock_returns_the_current_row_at_the_expected_version(day):
    CalendarDay.objects.filter(pk=day.pk).update(name="国庆", version=2)
    current = lock(day, expected_version=2)
    assert current.pk == day.pk and current.name == "国庆" and current is not day
    assert lock(CalendarDay, day.pk, 2).name == "国庆"


def test_lock_refuses_a_stale_version(day):
    CalendarDay.objects.filter(pk=day.pk).update(version=2)
    with pytest.raises(ConcurrentEditError) as refused:
        lock(day, expected_version=1)
    assert refused.value.code == "concurrent_edit"


def test_a_missing_version_is_refused_not_taken_as_current(day):
    with pytest.raises(MissingVersionError) as refused:
        lock(day, expected_version=None)
    assert isinstance(refused.value, ConcurrentEditError)  # a ValidationError: the form says it
    assert refused.value.code == "missing_version"
    with pytest.raises(MissingVersionError):
        lock(day)


def test_the_system_locks_without_a_version_by_saying_so(day):
    CalendarDay.objects.filter(pk=day.pk).update(version=7)
    assert lock(day, check_version=False).version == 7


@pytest.mark.django_db
def test_only_the_row_itself_is_locked_when_relations_are_read_along():
    user = User.objects.create(username="locker")
    audit.record(user, "core.test.lock", user, after={"x": 1})
    entry = AuditEntry.objects.latest("pk")
    with CaptureQueriesContext(connection) as queries:
        current = lock(AuditEntry, entry.pk, check_version=False, related=("actor",))
        assert current.actor.username == "locker"  # read along, no second query
    assert len(queries) == 1
    sql = queries[0]["sql"]
    if connection.features.has_select_for_update_of:  # PostgreSQL: FOR UPDATE OF the row's table only
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        assert f"FOR UPDATE OF {table}" in sql
        assert connection.ops.quote_name(User._meta.db_table) not in sql.split("FOR UPDATE", 1)[1]
    elif connection.features.has_select_for_update:
        raise AssertionError("a database that locks rows must lock the row alone (of=('self',))")
