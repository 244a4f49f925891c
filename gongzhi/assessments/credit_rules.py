"""The credit rule the assessments write by (gongzhi.credit.rules): a published property-service
assessment in a failing band is a bad record about the company, once per assessment."""

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
