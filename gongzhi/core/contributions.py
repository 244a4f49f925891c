"""What the kernel itself puts on the platform's shared places (gongzhi.core.registry): the
working-day calendar's home-page item and quick link, how the retention purges' history
entries read (gongzhi.core.retention; each app labels its own kind), and the kernel's part of a
database's fingerprint (gongzhi.core.fingerprint)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import registry
from .attention import calendar_items
from .fingerprint import audit_heads, row_counts

registry.attention(0, calendar_items)
# What a restored backup must show unchanged (manage.py fingerprint): every table's rows, the audit chains' heads.
registry.fingerprint(0, "rows", row_counts)
registry.fingerprint(90, "audit", audit_heads)
registry.quick_link(
    60, "core:calendar", icon="bi-calendar3", label=_("Working-day calendar"),
    visible=lambda request, scope: scope.has("calendar.manage"),
)  # fmt: skip
registry.nav_item(0, "core:home", label=_("Home"), active=("home",))
# The inspection groups' and the office's supervision — inspections, surveys, the quarterly
# evaluation, credit files, assessments, warning letters — share one menu.
registry.nav_group(40, "supervision", label=_("Supervision"))
registry.nav_item(60, "core:calendar", label=_("Working days"), active=("calendar",), permission="calendar.manage")
registry.nav_item(80, "core:audit_log", label=_("Audit log"), active=("audit",), permission="audit.view")
registry.audit_labels(
    extra_fields={
        "count": lambda: gettext("Records removed or cleared"),
        "dated_before": lambda: gettext("Dated before"),
        "retention_days": lambda: gettext("Retention period (days)"),
    },
)
