"""What the exports add to the platform (gongzhi.core.registry): the end of exports an interrupted
worker left running, the retention purge of old exports and their files, and how the history reads
an export."""

from django.utils.translation import gettext as _

from gongzhi.core import jobs, registry

from .jobs import fail_stalled_jobs
from .models import ExportJob
from .retention import purge_exports
from .tasks import run_export

registry.sweep(75, "exports.stalled", fail_stalled_jobs)
# Exports started while the queue did not answer (Redis down) are queued when it does.
registry.sweep(76, "exports.requeue", lambda: jobs.requeue_unqueued(run_export, ExportJob))
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
