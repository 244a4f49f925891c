"""What the warning letters add to the platform (gongzhi.core.registry): navigation, home items,
the triggers' sweep, audit labels; and their credit rules (gongzhi.credit.rules)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import assessments_links, attention, credit_rules, triggers  # noqa: F401 - they register rules, triggers, a figure

# After the inspections' overdue flags (45) and the credit rules (65): the orders are flagged first.
registry.sweep(70, "warnings.letters", triggers.run)
registry.attention(66, attention.items_for)
registry.nav_item(
    72,
    "warnings:home",
    label=gettext_lazy("Warning letters"),
    active=("warnings",),
    permission="warnings.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "warnings.letter": {
            "draft": lambda: _("Letter drafted"),
            "approve": lambda: _("Letter approved and sent"),
            "discard": lambda: _("Draft discarded"),
            "acknowledge": lambda: _("Letter acknowledged"),
            "answer": lambda: _("Letter answered"),
            "verify": lambda: _("Rectification verified: letter closed"),
            "send_back": lambda: _("Answer sent back: not rectified"),
            "escalate": lambda: _("Letter escalated to the next level"),
        },
        "warnings.warningsettings": {"update": lambda: _("Warning settings changed")},
        "warnings.lettertemplate": {"update": lambda: _("Letter template changed")},
    },
    extra_fields={
        "cause": lambda: _("Cause"),
        "cause_key": lambda: _("Cause"),
        "told": lambda: _("People notified"),
        "note": lambda: _("Note"),
        "next": lambda: _("Next letter"),
    },
)
