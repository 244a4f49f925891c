"""What the credit files add to the platform (gongzhi.core.registry): navigation, home items, the
rules' sweep, audit labels."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import attention, sweeps

registry.sweep(65, "credit.rules", sweeps.run)  # after the inspections' overdue flags (45)
registry.attention(65, attention.items_for)
registry.nav_item(
    70,
    "credit:home",
    label=gettext_lazy("Credit files"),
    active=("credit",),
    permission="credit.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "credit.creditrecord": {
            "create": lambda: _("Credit record written"),
            "object": lambda: _("Objection raised"),
            "uphold": lambda: _("Objection decided: record upheld"),
            "withdraw": lambda: _("Objection decided: record withdrawn"),
            "ask_correction": lambda: _("Correction asked for"),
            "correct": lambda: _("Record corrected"),
            "refuse": lambda: _("Correction refused"),
        },
        "credit.creditsettings": {"update": lambda: _("Credit settings changed")},
    },
    extra_fields={
        "reason": lambda: _("Reason"),
        "files": lambda: _("Files"),
        "disabled_rules": lambda: _("Rules turned off"),
        "late": lambda: _("After the due date"),
    },
)
