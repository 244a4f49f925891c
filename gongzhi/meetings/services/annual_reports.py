"""The property company's annual report to the joint meeting (年度述职, R-MTG-5)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core import audit
from gongzhi.core.workflow import lock
from gongzhi.orgs.models import Membership, Person

from ..models import (
    AnnualReport,
    AnnualReportRating,
    Invitee,
)
from ..workflow import (
    MeetingState,
)
from .access import (
    _require_chair,
)

REPORT_SECTIONS = ("service", "management", "rectification", "other")


def submit_annual_report(
    *, actor, report: AnnualReport, sections: dict[str, str], expected_version: int
) -> AnnualReport:
    """The compound manager's report (service, management, rectification, other work)."""
    errors = {}
    values = {name: (sections.get(name) or "").strip() for name in REPORT_SECTIONS}
    for name, value in values.items():
        if len(value) > 10000:
            errors[name] = _("At most 10,000 characters.")
    if not values["service"] or not values["management"]:
        errors.setdefault("service", _("Report at least on service and on management."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock(report, expected_version=expected_version)
        if actor is not None:
            member = Membership.objects.filter(person__user=actor, organization_id=current.company_id).active().exists()
            if not member:
                raise PermissionDenied(_("The property company's compound manager submits the report."))
        if AnnualReportRating.objects.filter(report=current).exists():
            raise ValidationError(_("The report has been rated at the meeting: it can no longer change."))
        before = audit.snapshot(current, REPORT_SECTIONS)
        for name, value in values.items():
            setattr(current, name, value)
        current.submitted_by, current.submitted_at = actor, timezone.now()
        current.version += 1
        current.save()
        audit.record(actor, "meetings.annualreport.submit", current, before=before, after=values)
    return current


def rate_annual_report(
    *, actor, report: AnnualReport, invitee: Invitee, rating: str, comment: str = ""
) -> AnnualReportRating:
    """An attendee's rating of the report at the meeting (satisfied / basically / not)."""
    if rating not in Case.Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or unsatisfied.")})
    with transaction.atomic():
        current = lock(report, check_version=False)  # serialises the ratings; the report is not edited
        meeting = invitee.meeting
        is_self = invitee.person_id and Person.objects.filter(pk=invitee.person_id, user=actor).exists()
        if not is_self:
            _require_chair(actor, meeting)
        if not current.submitted_at:
            raise ValidationError(_("The report has not been submitted yet."))
        if not meeting.items.filter(annual_report=current).exists():
            raise ValidationError(_("The report is not on this meeting's agenda."))
        if meeting.state != MeetingState.IN_SESSION:
            raise ValidationError(_("The report is rated at the meeting."))
        if not invitee.here:
            raise ValidationError(_("%(name)s is not recorded as present.") % {"name": invitee.name})
        if invitee.organization_id == current.company_id:
            raise ValidationError(_("The reporting company does not rate its own report."))
        try:
            with transaction.atomic():
                row = AnnualReportRating.objects.create(
                    report=current,
                    invitee=invitee,
                    rating=rating,
                    comment=(comment or "").strip()[:2000],
                    recorded_by=actor,
                    recorded_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s has already rated the report.") % {"name": invitee.name}) from None
        audit.record(actor, "meetings.annualreport.rate", current, after={"by": invitee.name, "rating": rating})
    return row
