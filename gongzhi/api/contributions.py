"""What the HTTP API adds to the platform (gongzhi.core.registry): the periodic step that makes
hotline intakes left behind into cases (they are normally made by their own loop every second),
the retention purge of processed calls' details, and the intake backlog for the monitoring."""

from django.utils.translation import gettext

from gongzhi.core import registry

from .models import Intake
from .retention import purge_intake_payloads
from .services import process_intakes

registry.sweep(10, "intakes", process_intakes)
registry.purge(93, "retention.intake_payloads", purge_intake_payloads)
registry.gauge(
    "gongzhi_intake_backlog",
    "Hotline calls taken in and not yet made into cases (or refused)",
    lambda: Intake.objects.filter(status=Intake.Status.PENDING).count(),
)
registry.audit_labels(
    verbs_by_type={
        "retention": {"intake_payloads": lambda: gettext("Hotline call details past their retention period cleared")},
    },
)
