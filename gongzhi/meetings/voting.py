"""How a vote at the joint meeting is decided (R-MTG-2 民主表决), as one function: `decide()`
takes the counts and the town's rule and says whether the item passed and how that was reached.
Defaults (docs/metrics.md, "Joint-meeting votes"): an ordinary item passes with more than half of
the voting members present; a major matter with at least two thirds of them, and only when all
four parties are represented. Abstentions and members present who did not vote count as present,
not as yes; a tie never passes."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organization

FOUR_PARTIES = ("party_org", "residents_committee", "owners_committee", "property_company")


@dataclass(frozen=True)
class Threshold:
    """A share of the voting members present: "more than" (strict) or "at least" that share."""

    share: Fraction
    strict: bool

    def needed(self, present: int) -> int:
        """The fewest yes votes that reach the threshold among `present` voters."""
        exact = self.share * present
        if self.strict:
            return int(exact) + 1  # more than: the next whole vote above the share
        return -((-exact.numerator) // exact.denominator)  # at least: the share rounded up

    def describe(self) -> str:
        share = f"{self.share.numerator}/{self.share.denominator}"
        if self.strict:
            return _("more than %(share)s of the voting members present") % {"share": share}
        return _("at least %(share)s of the voting members present") % {"share": share}


@dataclass(frozen=True)
class Rule:
    ordinary: Threshold = Threshold(Fraction(1, 2), strict=True)
    major: Threshold = Threshold(Fraction(2, 3), strict=False)
    major_needs_all_parties: bool = True
    quorum: Fraction = Fraction(0)  # share of the voting invitees who must be present (0: none)


@dataclass(frozen=True)
class Outcome:
    passed: bool
    yes: int
    no: int
    abstain: int
    present: int
    needed: int
    quorate: bool
    explanation: str


def decide(
    *,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    invited_voters: int,
    parties_present: set[str] | frozenset[str],
    major: bool,
    rule: Rule,
) -> Outcome:
    """Whether the item passed. `present` counts the voting members present (those who did not
    vote count as present); `parties_present` the kinds of the four parties with a voting member
    present (or represented)."""
    if min(yes, no, abstain, present, invited_voters) < 0 or yes + no + abstain > present:
        raise ValueError("votes cannot outnumber the voting members present")
    threshold = rule.major if major else rule.ordinary
    needed = threshold.needed(present)
    counts = _("%(yes)d yes, %(no)d no, %(abstain)d abstaining, %(present)d voting members present") % {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "present": present,
    }

    def outcome(passed: bool, quorate: bool, reason: str) -> Outcome:
        return Outcome(
            passed,
            yes,
            no,
            abstain,
            present,
            needed,
            quorate,
            _("%(counts)s. %(reason)s") % {"counts": counts, "reason": reason},
        )

    not_quorate = _not_quorate(
        present=present, invited_voters=invited_voters, parties_present=parties_present, major=major, rule=rule
    )
    if not_quorate:
        return outcome(False, False, not_quorate)
    rule_text = threshold.describe()
    if yes >= needed and yes > no:
        return outcome(
            True,
            True,
            _("Passed: %(yes)d yes reach %(rule)s (%(needed)d needed).")
            % {"yes": yes, "rule": rule_text, "needed": needed},
        )
    if yes == no:
        return outcome(False, True, _("Not passed: a tie (%(yes)d to %(no)d) does not pass.") % {"yes": yes, "no": no})
    return outcome(
        False,
        True,
        _("Not passed: %(yes)d yes fall short of %(rule)s (%(needed)d needed).")
        % {"yes": yes, "rule": rule_text, "needed": needed},
    )


def _not_quorate(
    *, present: int, invited_voters: int, parties_present: set[str] | frozenset[str], major: bool, rule: Rule
) -> str:
    """Why the meeting cannot decide this vote ("" when it can): nobody present, a party missing
    for a major matter, or too few of the voting invitees present."""
    if present == 0:
        return _("Not quorate: no voting member is present.")
    missing = [kind for kind in FOUR_PARTIES if kind not in parties_present]
    if major and rule.major_needs_all_parties and missing:
        names = "、".join(str(Organization.Kind(kind).label) for kind in missing)
        return _("Not quorate: a major matter needs all four parties, and %(missing)s is not present.") % {
            "missing": names
        }
    if rule.quorum and Fraction(present, max(invited_voters, 1)) < rule.quorum:
        return _("Not quorate: %(present)d of %(invited)d voting members are present; %(share)s must be.") % {
            "present": present,
            "invited": invited_voters,
            "share": f"{rule.quorum.numerator}/{rule.quorum.denominator}",
        }
    return ""
