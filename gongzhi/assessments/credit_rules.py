"""The credit rules the assessments write by (gongzhi.credit.rules), once per assessment: a
published property-service assessment in a failing band is a bad record about the company; one in
the scheme's top band (优秀 by default) a good record."""

from django.utils.translation import gettext_lazy as _

from gongzhi.credit import rules

FAILED_PROPERTY_SERVICE = rules.register(
    rules.Rule(
        "assessments.failed",
        _("Property-service assessment failed"),
        "bad",
        grade_points=5,
        demerit_points=6,
    )
)

EXCELLENT_PROPERTY_SERVICE = rules.register(
    rules.Rule(
        "assessments.excellent",
        _("Property-service assessment in the top grade"),
        "good",
        grade_points=2,
        demerit_points=0,
    )
)
