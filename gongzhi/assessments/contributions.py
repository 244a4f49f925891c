"""What the assessments add to the platform (gongzhi.core.registry): navigation, home items,
audit labels, and the credit rule they write by."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import attention, credit_rules  # noqa: F401 - credit_rules registers the rule

registry.attention(70, attention.items_for)
registry.nav_item(
    75,
    "assessments:home",
    label=gettext_lazy("Assessments"),
    active=("assessments",),
    permission="assessments.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "assessments.scheme": {
            "create": lambda: _("Scheme created"),
            "new_version": lambda: _("New version of the scheme drafted"),
            "update": lambda: _("Scheme changed"),
            "put_in_use": lambda: _("Scheme put in use"),
        },
        "assessments.cycle": {
            "open": lambda: _("Assessment cycle opened"),
            "pull": lambda: _("Platform figures pulled"),
            "show_drafts": lambda: _("Drafts shown to the assessed"),
            "close_objections": lambda: _("Objection phase closed"),
            "approve": lambda: _("Cycle approved"),
            "publish": lambda: _("Cycle published"),
            "reopen": lambda: _("Cycle sent back to scoring"),
        },
        "assessments.assessment": {
            "score": lambda: _("Score given"),
            "object": lambda: _("Objection raised"),
            "uphold": lambda: _("Objection decided: draft upheld"),
            "change": lambda: _("Objection decided: score changed"),
        },
    },
    extra_fields={
        "scheme": lambda: _("Scheme"),
        "indicator": lambda: _("Indicator"),
        "points": lambda: _("Points"),
        "points_before": lambda: _("Points before"),
        "objection_until": lambda: _("Objections until"),
        "subjects": lambda: _("Subjects"),
        "figures": lambda: _("Figures"),
        "credit_records": lambda: _("Credit records written"),
        "indicator_lines": lambda: _("Indicators"),
        "band_lines": lambda: _("Grade bands"),
        "total_weight": lambda: _("Total points"),
    },
)
