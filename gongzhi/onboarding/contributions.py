"""What onboarding adds to the platform (gongzhi.core.registry): the import quick link."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core import jobs, registry

from .models import ImportJob
from .tasks import run_import

# Checks and imports started while the queue did not answer (Redis down) are queued when it does.
registry.sweep(77, "onboarding.requeue", lambda: jobs.requeue_unqueued(run_import, ImportJob))

registry.quick_link(
    40, "onboarding:upload", icon="bi-file-earmark-spreadsheet", label=_("Import from a spreadsheet"),
    visible=lambda request, scope: scope.has("onboarding.import"),
)  # fmt: skip
registry.nav_item(70, "onboarding:upload", label=_("Import"), active=("onboarding",), permission="onboarding.import")

# How the import's steps read in the history (the upload's "import" verb is core's).
registry.audit_labels(
    verbs={
        "import_restore": lambda: _("Put back by undoing a spreadsheet import"),
        "import_delete": lambda: _("Deleted by undoing a spreadsheet import"),
    },
    verbs_by_type={
        "onboarding.importjob": {
            "confirm": lambda: _("Import confirmed"),
            "discard": lambda: _("Import discarded"),
            "repreview": lambda: _("Previewed again"),
            "undo": lambda: _("Import undone"),
        }
    },
)
