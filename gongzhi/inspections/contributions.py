"""What this app adds to the platform (gongzhi.core.registry): navigation, home items, sweeps,
audit labels."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import attention
from .models import RectificationOrder
from .services import flag_overdue_orders

registry.sweep(45, "inspections.overdue", flag_overdue_orders)  # after the resolutions (40)
registry.attention(45, attention.items_for)
registry.nav_item(
    40,
    "inspections:home",
    label=gettext_lazy("Inspections"),
    active=("inspections",),
    permission="inspections.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "inspections.checklist": {
            "create": lambda: _("Checklist created"),
            "update": lambda: _("Checklist draft edited"),
            "publish": lambda: _("Checklist published"),
            "revise": lambda: _("New checklist version drafted"),
        },
        "inspections.inspectionsettings": {"update": lambda: _("Inspection settings changed")},
        "inspections.visit": {
            "create": lambda: _("Visit planned"),
            "cancel": lambda: _("Visit cancelled"),
        },
        "inspections.inspection": {
            "submit": lambda: _("Inspection submitted"),
            "confirm_case": lambda: _("Case confirmed fixed on site"),
        },
        "inspections.rectificationorder": {
            "create": lambda: _("Rectification ordered"),
            "answer": lambda: _("Rectification answered"),
            "close": lambda: _("Closed after re-check"),
            "send_back": lambda: _("Sent back after re-check"),
            "overdue": lambda: _("Rectification deadline missed"),
        },
    },
    extra_fields={
        "responsible": lambda: _("Responsible organisation"),
        "finding": lambda: _("Finding"),
        "findings": lambda: _("Findings"),
        "checklist": lambda: _("Checklist"),
        "compound": lambda: _("Compound"),
        "items": lambda: _("Checklist items"),
        "replaces": lambda: _("Replaces version"),
        "from": lambda: _("From version"),
        "late": lambda: _("After the due date"),
        "members": lambda: _("Members"),
        "origin": lambda: _("Comes from"),
        "source": lambda: _("Source"),
        "case": lambda: _("Case"),
    },
    extra_choices={"origin": lambda: dict(RectificationOrder.Origin.choices)},
)
