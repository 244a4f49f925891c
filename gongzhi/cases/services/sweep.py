"""The periodic sweep of cases: overdue marks and callback tasks. The system acts here
(actor None), so rows are locked without a form's version."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.workflow import lock
from gongzhi.notifications.services import notify, users_of
from gongzhi.orgs.models import Organization

from .. import stats
from ..models import Case
from ..workflow import OPEN_STATES, State


def sweep(today: date | None = None) -> dict[str, int]:
    """Mark overdue cases (notifying the handler and the neighborhood's party organisation) and
    raise callback tasks for resolved cases the resident has not answered. Idempotent: a case is
    marked and notified once; a second run the same day changes nothing."""
    today = today or timezone.localdate()
    done = {"accept_overdue": 0, "resolve_overdue": 0, "callbacks": 0}
    late_accept = Case.objects.filter(state=State.SUBMITTED, accept_due__lt=today, accept_overdue=False)
    late_resolve = Case.objects.filter(
        state__in=[State.ACCEPTED, State.IN_PROGRESS, State.EXPLAINED], resolve_due__lt=today, resolve_overdue=False
    )
    for field, queryset in (("accept_overdue", late_accept), ("resolve_overdue", late_resolve)):
        for case_id in queryset.values_list("pk", flat=True).iterator():
            if _mark_overdue(case_id, field, today):
                done[field] += 1
    callbacks = Case.objects.filter(state=State.RESOLVED, callback_due__lte=today, callback_notified=False)
    for case_id in callbacks.values_list("pk", flat=True).iterator():
        if _raise_callback(case_id):
            done["callbacks"] += 1
    return done


def _mark_overdue(case_id: int, field: str, today: date) -> bool:
    with transaction.atomic():
        case = lock(Case, case_id, check_version=False, related=("handler", "compound"))
        due = case.accept_due if field == "accept_overdue" else case.resolve_due
        if getattr(case, field) or due >= today or case.state not in OPEN_STATES:
            return False
        tracker = stats.track(case)
        setattr(case, field, True)
        case.late = True
        case.save(update_fields=[field, "late", "updated_at"])
        tracker.commit()
        audit.record(None, "cases.case.overdue", case, before={field: False}, after={field: True})
        party_org = Organization.objects.filter(
            neighborhood_id=case.neighborhood_id, kind=Organization.Kind.PARTY_ORG
        ).values_list("pk", flat=True)
        text = (
            _("Case %(number)s (%(org)s) was not accepted by %(due)s.")
            if field == "accept_overdue"
            else _("Case %(number)s (%(org)s) was not resolved by %(due)s.")
        )
        notify(
            users=users_of([case.handler_id, *party_org]),
            url=case.get_absolute_url(),
            text=text % {"number": case.number, "org": case.handler, "due": due.isoformat()},
        )
    return True


def _raise_callback(case_id: int) -> bool:
    with transaction.atomic():
        case = lock(Case, case_id, check_version=False)
        if case.callback_notified or case.state != State.RESOLVED:
            return False
        case.callback_notified = True
        case.save(update_fields=["callback_notified", "updated_at"])
        audit.record(None, "cases.case.callback_due", case, after={"callback_due": case.callback_due})
        committee = Organization.objects.filter(
            neighborhood_id=case.neighborhood_id, kind=Organization.Kind.RESIDENTS_COMMITTEE
        ).values_list("pk", flat=True)
        notify(
            users=users_of(committee),
            url=case.get_absolute_url(),
            text=_("Please call back the resident of case %(number)s: no feedback since it was resolved.")
            % {"number": case.number},
        )
    return True
