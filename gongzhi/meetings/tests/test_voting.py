"""The vote-threshold function (gongzhi.meetings.voting.decide) on a table of cases written here:
ordinary items pass with more than half of the voting members present, major matters with at
least two thirds and only with all four parties present; abstentions count as present; a tie
never passes; an optional quorum share."""

from fractions import Fraction

import pytest

from gongzhi.meetings.voting import FOUR_PARTIES, Rule, Threshold, decide

ALL = frozenset(FOUR_PARTIES)
NO_OWNERS = ALL - {"owners_committee"}
DEFAULT = Rule()
QUORUM_HALF = Rule(quorum=Fraction(1, 2))
AT_LEAST_HALF = Rule(ordinary=Threshold(Fraction(1, 2), strict=False))

CASES = [
    # yes, no, abstain, present, invited, parties, major, rule → passed, quorate, needed
    ("ordinary: 5 of 9 present pass", 5, 4, 0, 9, 9, ALL, False, DEFAULT, True, True, 5),
    ("ordinary: 4 of 8 is not more than half", 4, 3, 1, 8, 8, ALL, False, DEFAULT, False, True, 5),
    ("ordinary: abstentions count as present", 4, 1, 4, 9, 9, ALL, False, DEFAULT, False, True, 5),
    ("ordinary: members present who did not vote count", 3, 0, 0, 6, 6, ALL, False, DEFAULT, False, True, 4),
    ("ordinary: a tie fails", 3, 3, 0, 6, 6, ALL, False, DEFAULT, False, True, 4),
    ("ordinary 'at least half': a tie still fails", 2, 2, 0, 4, 4, ALL, False, AT_LEAST_HALF, False, True, 2),
    ("ordinary 'at least half': half with fewer no passes", 2, 1, 1, 4, 4, ALL, False, AT_LEAST_HALF, True, True, 2),
    ("ordinary: the parties rule is for major matters only", 3, 0, 0, 3, 3, NO_OWNERS, False, DEFAULT, True, True, 2),
    ("major: 6 of 9 is two thirds", 6, 3, 0, 9, 9, ALL, True, DEFAULT, True, True, 6),
    ("major: 5 of 8 is short of two thirds", 5, 3, 0, 8, 8, ALL, True, DEFAULT, False, True, 6),
    ("major: 7 of 10 (needs 7)", 7, 2, 1, 10, 10, ALL, True, DEFAULT, True, True, 7),
    ("major: unanimous but the owners' committee absent", 8, 0, 0, 8, 9, NO_OWNERS, True, DEFAULT, False, False, 6),
    (
        "major: the parties rule switched off",
        8,
        0,
        0,
        8,
        9,
        NO_OWNERS,
        True,
        Rule(major_needs_all_parties=False),
        True,
        True,
        6,
    ),
    ("nobody present", 0, 0, 0, 0, 9, frozenset(), False, DEFAULT, False, False, 1),
    ("quorum 1/2: 4 of 9 invited present is not quorate", 4, 0, 0, 4, 9, ALL, False, QUORUM_HALF, False, False, 3),
    ("quorum 1/2: 5 of 9 invited present is quorate", 4, 1, 0, 5, 9, ALL, False, QUORUM_HALF, True, True, 3),
]


@pytest.mark.parametrize(
    "name,yes,no,abstain,present,invited,parties,major,rule,passed,quorate,needed", CASES, ids=[c[0] for c in CASES]
)
def test_decide(name, yes, no, abstain, present, invited, parties, major, rule, passed, quorate, needed):
    outcome = decide(
        yes=yes,
        no=no,
        abstain=abstain,
        present=present,
        invited_voters=invited,
        parties_present=parties,
        major=major,
        rule=rule,
    )
    assert (outcome.passed, outcome.quorate, outcome.needed) == (passed, quorate, needed), outcome.explanation
    # The explanation says the counts and how the result was reached.
    assert f"{yes} yes, {no} no, {abstain} abstaining, {present} voting members present" in outcome.explanation
    reason = outcome.explanation.split(". ", 1)[1]
    if not quorate:
        assert reason.startswith("Not quorate")
    elif passed:
        assert reason.startswith("Passed")
    else:
        assert reason.startswith("Not passed")


def test_the_missing_party_is_named():
    outcome = decide(
        yes=8, no=0, abstain=0, present=8, invited_voters=9, parties_present=NO_OWNERS, major=True, rule=DEFAULT
    )
    assert "Owners' committee" in outcome.explanation


def test_a_tie_is_explained_as_a_tie():
    outcome = decide(
        yes=2, no=2, abstain=0, present=4, invited_voters=4, parties_present=ALL, major=False, rule=AT_LEAST_HALF
    )
    assert "tie" in outcome.explanation


@pytest.mark.parametrize("yes,no,abstain,present", [(5, 5, 0, 9), (-1, 0, 0, 3)])
def test_impossible_counts_are_refused(yes, no, abstain, present):
    with pytest.raises(ValueError):
        decide(
            yes=yes,
            no=no,
            abstain=abstain,
            present=present,
            invited_voters=9,
            parties_present=ALL,
            major=False,
            rule=DEFAULT,
        )


def test_town_settings_make_the_rule(world):
    from gongzhi.meetings.services import settings_for

    rules = settings_for(world.town.pk)
    rules.major_share, rules.quorum_share = "3/4", "1/2"
    rule = rules.rule()
    assert rule.major.needed(8) == 6 and rule.ordinary.needed(8) == 5 and rule.quorum == Fraction(1, 2)


def test_the_tally_reads_as_chinese_punctuation_in_chinese():
    """Issue 10, finding 10: no ASCII ". " between the counts and the reason in Chinese."""
    from django.utils import translation

    with translation.override("zh-hans"):
        outcome = decide(
            yes=2, no=2, abstain=0, present=4, invited_voters=4, parties_present=ALL, major=False, rule=AT_LEAST_HALF
        )
    assert "。" in outcome.explanation and ". " not in outcome.explanation
