"""What the exports add to the platform (gongzhi.core.registry): the end of exports an interrupted
worker left running, the retention purge of old exports and their files, and how the history reads
an export."""

from django.utils.translation import gettext as _

from gongzhi.core import registry

from .jobs import fail_stalled_jobs
from .retention import purge_exports

registry.sweep(75, "exports.stalled", fail_stalled_jobs)
registry.purge(95, "retention.exports", purge_exports)
registry.audit_labels(
    verbs_by_type={
        "exports.exportjob": {
            "start": lambda: _("Export started"),
            "retry": lambda: _("Export started again"),
        },
        "retention": {"exports": lambda: _("Exports past their retention period deleted, with their files")},
    },
)
