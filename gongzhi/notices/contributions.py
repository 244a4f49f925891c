"""What the written notices add to the platform (gongzhi.core.registry): the periodic step that
ends comment periods, and how the history reads notices and opinions."""

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import registry
from gongzhi.meetings.services import add_later_source
from gongzhi.orgs.models import Residency

from .models import Notice, NoticeState
from .services import summarise_into, sweep_notices

registry.sweep(50, "notices", sweep_notices)
add_later_source(summarise_into)  # the residents' opinions on closed notices go onto the next agenda
registry.audit_labels(
    verbs_by_type={
        "notices.notice": {
            "publish": lambda: _("Published"),
            "close": lambda: _("Comment period ended"),
            "summarise": lambda: _("Summarised for the joint meeting"),
        },
        "notices.opinion": {"create": lambda: _("Opinion given"), "reply": lambda: _("Replied")},
    },
    extra_fields={
        "opinion": lambda: _("Opinion"),
        "reply": lambda: _("Reply"),
        "closes_on": lambda: _("Comments until"),
        "files_removed": lambda: _("Attachments removed"),
    },
)


def report_section(request, compound):
    """The compound's written notices still open for comments (R-MTG-6), newest first."""
    notices = list(
        Notice.objects.filter(compounds=compound, state=NoticeState.PUBLISHED, closes_at__gt=timezone.now()).order_by(
            "-published_at"
        )[:5]
    )
    return {"notices": notices} if notices else None


registry.page_section(
    "cases.report", 10, "notices.report", template="notices/section_report.html", context=report_section
)


def resident_notices_panel(request, scope):
    """On a resident's home page: the written notices open for comments in the compounds where the
    residents' committee confirmed them (R-MTG-6), soonest closing first."""
    compounds = Residency.objects.filter(person__user=request.user, status=Residency.Status.VERIFIED).values(
        "unit__compound_id"
    )
    notices = list(
        Notice.objects.filter(compounds__in=compounds, state=NoticeState.PUBLISHED, closes_at__gt=timezone.now())
        .distinct()
        .order_by("closes_at")[:10]
    )
    return {"notices": notices}


registry.home_panel(
    20, "notices.resident", template="notices/home_panel_resident.html", context=resident_notices_panel,
    audience="resident",
)  # fmt: skip
