"""What the evaluation reports add to the platform (gongzhi.core.registry): navigation, home items,
audit labels."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import attention

registry.attention(74, attention.items_for)
registry.nav_item(
    76,
    "evaluation_reports:home",
    label=gettext_lazy("Evaluation reports"),
    active=("evaluation_reports",),
    permission="reports.view",
    group="supervision",
)
registry.nav_item(
    77,
    "evaluation_reports:received_list",
    label=gettext_lazy("Reports received"),
    active=("evaluation_reports_received",),
    visible=lambda permissions: "reports.receive" in permissions and "reports.view" not in permissions,
)
registry.audit_labels(
    verbs_by_type={
        "evaluation_reports.report": {
            "create": lambda: _("Report started"),
            "assemble": lambda: _("Figures asked to be assembled again"),
            "assembled": lambda: _("Figures assembled from the records"),
            "submit": lambda: _("Submitted to the leadership group"),
            "send_back": lambda: _("Sent back to the office"),
            "approve": lambda: _("Approved and frozen"),
            "files": lambda: _("Files asked to be made again"),
            "distribute": lambda: _("Distributed to the recipients"),
            "new_version": lambda: _("New version started"),
        },
        "evaluation_reports.section": {"save": lambda: _("Section text saved")},
        "evaluation_reports.delivery": {"read": lambda: _("Receipt confirmed")},
        "evaluation_reports.reportsettings": {"update": lambda: _("Distribution list changed")},
    },
    extra_fields={
        "neighborhoods": lambda: _("Neighborhoods"),
        "recipients": lambda: _("Recipients"),
        "sms": lambda: _("SMS sent"),
        "characters": lambda: _("Characters"),
        "number": lambda: _("Version"),
    },
)
