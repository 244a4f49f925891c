"""The credit rules of the warning letters (gongzhi.credit.rules): a 警示函 or a measures letter sent
to a property company writes a bad record about it, once per letter (`source_key`
"warnings.letter:<letter uid>"). The points are ours (docs/decisions.md); the town's office turns
the rules off in its credit settings."""

from django.utils.translation import gettext_lazy as _

from gongzhi.credit import rules

WARNING = rules.register(
    rules.Rule("warnings.warning", _("Warning letter (警示函) sent"), "bad", grade_points=5, demerit_points=6)
)
MEASURES = rules.register(
    rules.Rule("warnings.measures", _("Measures letter sent"), "bad", grade_points=10, demerit_points=12)
)
