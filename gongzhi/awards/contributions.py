"""What the awards add to the platform (gongzhi.core.registry): navigation, home items, audit
labels; and their credit rule (gongzhi.credit.rules)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gongzhi.core import registry

from . import attention, credit_rules  # noqa: F401 - credit_rules registers the rule

registry.attention(72, attention.items_for)
registry.nav_item(
    78,
    "awards:home",
    label=gettext_lazy("Awards"),
    active=("awards",),
    permission="awards.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "awards.round": {
            "open": lambda: _("Award round opened"),
            "refresh": lambda: _("Eligibility checked again"),
            "submit": lambda: _("Proposal submitted to the leadership group"),
            "send_back": lambda: _("Proposal sent back to the office"),
            "approve": lambda: _("Awards approved"),
            "announce": lambda: _("Awards announced"),
        },
        "awards.candidate": {
            "nominate": lambda: _("Nominated"),
            "withdraw": lambda: _("Nomination withdrawn"),
        },
        "awards.awardsettings": {"update": lambda: _("Award settings changed")},
    },
    extra_fields={
        "candidates": lambda: _("Candidates"),
        "eligible": lambda: _("Eligible"),
        "dropped": lambda: _("Nominations dropped (no longer eligible)"),
        "proposed": lambda: pgettext("award", "Proposed"),
        "awarded": lambda: _("Awarded"),
        "credit_records": lambda: _("Credit records written"),
    },
)
