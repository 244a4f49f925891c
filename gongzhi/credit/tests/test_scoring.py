"""The standing of a file on a table of records, with the expected results written out
(gongzhi.credit.scoring.standing; docs/metrics.md "Credit files")."""

from datetime import date
from types import SimpleNamespace

import pytest

from gongzhi.credit.models import CreditSettings
from gongzhi.credit.scoring import counts_on, grade_for, standing

DAY = date(2026, 6, 15)


def rec(kind, points, start="2026-01-01", until="2026-12-31", state="active", corrected_on=None):
    return SimpleNamespace(
        kind=kind,
        points=points,
        valid_from=date.fromisoformat(start),
        valid_until=date.fromisoformat(until),
        state=state,
        corrected_on=date.fromisoformat(corrected_on) if corrected_on else None,
    )


def grade_settings(**kw):
    return CreditSettings(mode="grade", **kw)


def points_settings(**kw):
    return CreditSettings(mode="points", **kw)


GRADE_TABLE = [
    # (records, score, grade, blacklisted)
    ([], 80, "AA", False),
    ([rec("good", 5)], 85, "AAA", False),
    ([rec("good", 4)], 84, "AA", False),
    ([rec("bad", 1)], 79, "A", False),
    ([rec("bad", 10)], 70, "A", False),
    ([rec("bad", 11)], 69, "B", False),
    ([rec("bad", 20)], 60, "B", False),
    ([rec("bad", 21)], 59, "C", False),
    # the cap on good records: 30 + 25 = 55 counts as 40
    ([rec("good", 30), rec("good", 25)], 120, "AAA", False),
    ([rec("good", 30), rec("good", 25), rec("bad", 50)], 70, "A", False),
    # the score never falls below 0
    ([rec("bad", 100)], 0, "C", False),
    # a serious record: its points count and the file is blacklisted
    ([rec("good", 10), rec("serious", 5)], 85, "AAA", True),
    # validity edges: a record counts from its first to its last day, inclusive
    ([rec("bad", 10, start="2026-06-15")], 70, "A", False),
    ([rec("bad", 10, start="2026-06-16")], 80, "AA", False),
    ([rec("bad", 10, until="2026-06-15")], 70, "A", False),
    ([rec("bad", 10, until="2026-06-14")], 80, "AA", False),
    # an expired serious record no longer blacklists
    ([rec("serious", 5, until="2026-06-14")], 80, "AA", False),
    # objections: pending or upheld → counts; withdrawn → never counts
    ([rec("bad", 10, state="objected")], 70, "A", False),
    ([rec("bad", 10, state="upheld")], 70, "A", False),
    ([rec("bad", 10, state="withdrawn")], 80, "AA", False),
    ([rec("serious", 10, state="withdrawn")], 80, "AA", False),
    # corrections: asked or refused → counts; corrected → not from the day of the correction
    ([rec("bad", 10, state="correction_asked")], 70, "A", False),
    ([rec("bad", 10, state="refused")], 70, "A", False),
    ([rec("bad", 10, state="corrected", corrected_on="2026-06-15")], 80, "AA", False),
    ([rec("bad", 10, state="corrected", corrected_on="2026-06-16")], 70, "A", False),
]


@pytest.mark.parametrize(("records", "score", "grade", "blacklisted"), GRADE_TABLE)
def test_grade_mode(records, score, grade, blacklisted):
    s = standing(records, grade_settings(), DAY)
    assert (s.score, s.grade, s.blacklisted) == (score, grade, blacklisted)
    assert s.red_list == (grade == "AAA" and not blacklisted)


POINTS_TABLE = [
    # (records, total, level)
    ([], 0, "normal"),
    ([rec("bad", 5)], 5, "normal"),
    ([rec("bad", 6)], 6, "watch"),
    ([rec("bad", 6), rec("bad", 6)], 12, "watch"),
    ([rec("bad", 6), rec("bad", 6), rec("bad", 6)], 18, "blacklist"),
    ([rec("bad", 18)], 18, "blacklist"),
    ([rec("bad", 17)], 17, "watch"),
    # good records carry no demerit points
    ([rec("good", 20), rec("bad", 6)], 6, "watch"),
    # a serious record blacklists whatever the total
    ([rec("serious", 6)], 6, "blacklist"),
    ([rec("bad", 18, until="2026-06-14")], 0, "normal"),
    ([rec("bad", 18, state="withdrawn")], 0, "normal"),
    ([rec("bad", 18, state="upheld")], 18, "blacklist"),
    ([rec("bad", 18, state="corrected", corrected_on="2026-06-01")], 0, "normal"),
    ([rec("bad", 12, state="corrected", corrected_on="2026-07-01"), rec("bad", 6)], 18, "blacklist"),
]


@pytest.mark.parametrize(("records", "total", "level"), POINTS_TABLE)
def test_points_mode(records, total, level):
    s = standing(records, points_settings(), DAY)
    assert (s.total, s.level, s.blacklisted) == (total, level, level == "blacklist")
    assert s.score is None and not s.red_list


def test_the_town_sets_the_numbers():
    settings = grade_settings(basic_score=60, good_cap=10, band_aaa=90, band_aa=75, band_a=65, band_b=50)
    s = standing([rec("good", 30), rec("bad", 5)], settings, DAY)
    assert (s.good, s.good_counted, s.bad, s.score, s.grade) == (30, 10, 5, 65, "A")
    assert grade_for(90, settings) == "AAA" and grade_for(49, settings) == "C"
    s = standing([rec("bad", 10)], points_settings(watch_points=10, blacklist_points=20), DAY)
    assert s.level == "watch"


def test_a_past_day_keeps_its_standing_after_a_correction():
    corrected = rec("bad", 10, state="corrected", corrected_on="2026-06-15")
    assert counts_on(corrected, date(2026, 6, 14)) and not counts_on(corrected, DAY)
    assert standing([corrected], grade_settings(), date(2026, 6, 14)).score == 70


def test_default_settings_are_those_of_the_domain_rules():
    s = CreditSettings()
    assert (s.mode, s.basic_score, s.good_cap) == ("grade", 80, 40)
    assert (s.band_aaa, s.band_aa, s.band_a, s.band_b) == (85, 80, 70, 60)
    assert (s.validity_days, s.correction_days, s.objection_days) == (365, 5, 15)
    assert (s.watch_points, s.blacklist_points) == (6, 18)
    assert s.valid_until(date(2026, 1, 1)) == date(2026, 12, 31)
