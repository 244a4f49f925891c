"""What the leadership group's meetings add to the platform (gongzhi.core.registry): navigation,
home items, audit labels, and on a decision's page (a resolution of the group) the meeting and
item that made it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry

from . import attention

registry.attention(75, attention.items_for)
registry.nav_item(
    78,
    "leadership:home",
    label=gettext_lazy("Leadership group meetings"),
    active=("leadership",),
    permission="leadership.view",
    group="supervision",
)
registry.audit_labels(
    verbs_by_type={
        "leadership.groupmeeting": {
            "schedule": lambda: _("Meeting scheduled"),
            "add_item": lambda: _("Put on the agenda"),
            "remove_item": lambda: _("Taken off the agenda"),
            "hold": lambda: _("Meeting begun"),
            "attendance": lambda: _("Attendance recorded"),
            "close": lambda: _("Closed with its minutes"),
            "cancel": lambda: _("Cancelled"),
        },
        "leadership.item": {
            "conclude": lambda: _("Conclusion recorded"),
            "decide": lambda: _("Decision assigned"),
        },
    },
    extra_fields={
        "item": lambda: _("Agenda item"),
        "present": lambda: _("Units present"),
        "units": lambda: _("Member units"),
        "changed": lambda: _("Changed"),
        "conclusion": lambda: _("Conclusion"),
        "outcome": lambda: _("Outcome"),
        "decision": lambda: _("Decision"),
        "minutes": lambda: _("Minutes"),
    },
)


def resolution_section(request, resolution):
    """On a decision of the leadership group: the meeting and the item that made it."""
    if not resolution.body_id:
        return None
    from .models import Decision, GroupMeeting

    decision = (
        Decision.objects.filter(resolution=resolution, item__meeting__in=GroupMeeting.objects.for_user(request.user))
        .select_related("item__meeting")
        .first()
    )
    return {"decision": decision} if decision else None


registry.page_section(
    "meetings.resolution", 10, "leadership.resolution", template="leadership/section_resolution.html",
    context=resolution_section,
)  # fmt: skip
