"""What the cases add to the platform (gongzhi.core.registry): home-page items, the resident's
card with their reports, the periodic sweep (overdue cases, callbacks), the retention purge of
public reports' client addresses, how the history reads a case's actions, the case list as a kind
of background export (gongzhi.exports), and the three rates in a database's fingerprint."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry
from gongzhi.exports import kinds as exports
from gongzhi.orgs.models import Residency
from gongzhi.places.selectors import natural_key

from . import attention, export
from .fingerprint import rate_figures
from .models import Case
from .retention import purge_submitted_from
from .services import sweep
from .workflow import State


def resident_panel(request, scope):
    """The resident's reports: how many, and how many await their answer; a "report a problem"
    link for each unit of theirs the residents' committee confirmed (compound, building and unit
    filled in)."""
    user = request.user
    mine = Case.objects.filter(Q(reporter_user=user) | (Q(reporter_phone=user.phone) if user.phone else Q(pk__in=[])))
    units = [
        r.unit
        for r in Residency.objects.filter(person__user=user, status=Residency.Status.VERIFIED).select_related(
            "unit__compound", "unit__building"
        )
    ]
    units.sort(key=lambda u: (u.compound.name, natural_key(u.building.number), natural_key(u.number)))
    return {
        "report_count": mine.count(),
        "awaiting_answer": mine.filter(state=State.RESOLVED).count(),
        "home_units": units,
    }


registry.attention(10, attention.items_for)
registry.home_panel(10, "cases.resident", template="cases/home_panel_resident.html", context=resident_panel,
                    audience="resident")  # fmt: skip
registry.sweep(20, "cases", sweep)
registry.purge(94, "retention.submitted_from", purge_submitted_from)
registry.fingerprint(20, "rates", rate_figures)
registry.audit_labels(
    verbs_by_type={
        "cases.case": {
            "create": lambda: _("Reported"),
            "accept": lambda: _("Accepted"),
            "start": lambda: _("Work started"),
            "explain": lambda: _("Explained, with a committed date"),
            "extend": lambda: _("Commitment extended"),
            "escalate": lambda: _("Escalated to the joint meeting"),
            "decide": lambda: _("Joint-meeting resolution to carry out"),
            "return": lambda: _("Back from the joint meeting without a resolution"),
            "resolve": lambda: _("Marked resolved"),
            "confirm": lambda: _("Confirmed fixed"),
            "reopen": lambda: _("Reopened (not fixed)"),
            "close_unreachable": lambda: _("Closed: resident not reachable"),
            "confirm_on_site": lambda: _("Confirmed fixed on site by an inspection group"),
            "reject": lambda: _("Not taken up (invalid)"),
            "merge": lambda: _("Merged into another case"),
            "withdraw": lambda: _("Withdrawn"),
            "reassign": lambda: _("Reassigned"),
            "co_handlers": lambda: _("Co-handlers changed"),
            "message": lambda: _("Message"),
            "callback_due": lambda: _("Callback due"),
            "overdue": lambda: _("Deadline missed"),
        },
        "retention": {
            "submitted_from": lambda: _("Reporters' network addresses past their retention period cleared"),
        },
    },
    extra_fields={
        "routing_note": lambda: _("Routing note"),
        "from_resident": lambda: _("From the resident"),
        "rating": lambda: _("Rating"),
        "inspection": lambda: _("Inspection"),
    },
    extra_choices={"rating": lambda: dict(Case.Rating.choices)},
)
registry.nav_item(10, "cases:inbox", label=gettext_lazy("Cases"), active=("cases",), permission="cases.view")
registry.nav_item(
    11, "cases:my_cases", label=gettext_lazy("My reports"), active=("my_cases",),
    visible=lambda permissions: "cases.view" not in permissions,
)  # fmt: skip
registry.nav_item(30, "cases:rates", label=gettext_lazy("Three rates"), active=("rates",), permission="cases.rates")
exports.register(export.KIND)  # the case list's "Export to Excel", written in the background
