"""What 督办 adds to the platform (gongzhi.core.registry): navigation, the sweep that marks urged
records that moved, home items, audit labels — including the "urged" step on each record's own
timeline."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import attention, kinds, services

registry.sweep(
    80, "supervision.moved", lambda: {"moved": services.mark_moved()}
)  # after the letters (70), before retention (90)
registry.attention(74, attention.items_for)
registry.nav_item(
    80,
    "supervision:home",
    label=gettext_lazy("Supervision (督办)"),
    active=("supervision",),
    permission="supervision.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        **{spec.object_type: {"urge": lambda: _("Urged by the town (督办)")} for spec in kinds.KINDS.values()},
        "supervision.urging": {
            "urge": lambda: _("Urged (督办)"),
            "moved": lambda: _("The record moved"),
        },
    },
    extra_fields={
        "times": lambda: _("Times urged"),
        "moved_to": lambda: _("State reached"),
    },
)


def case_section(request, case):
    """On an overdue case's page, for whoever may urge it: the urge button and the waiting urging."""
    from django.utils import timezone

    from .models import Urging

    if not services.may_urge(request.user, case.town_id):
        return None
    spec = kinds.get("case")
    urging = Urging.objects.waiting().filter(kind="case", object_id=case.pk).first()
    if urging is None and not spec.still_overdue(case, timezone.localdate()):
        return None
    return {"urging": urging, "urge_kind": "case", "urge_uid": case.uid}


registry.page_section(
    "cases.case", 30, "supervision.case", template="supervision/section_record.html", context=case_section
)
