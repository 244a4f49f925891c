"""Who may do what with a case, beyond the permission strings of core.roles:
- the handling organisation's members accept, start, resolve (and explain, escalate, reject);
- the neighborhood's party organisation and residents' committee (cases.route) also explain,
  escalate, reject, merge, reassign and add co-handlers; they call back (cases.callback) — once
  the callback is due and never on a case their own organisation handles or co-handles;
- the resident who reported the case (by account or by the mobile number they signed in with)
  confirms, reopens, rates and withdraws;
- the joint meeting (gongzhi.meetings, which checks the chair) puts an escalated case back.

`role_allows()` is the role part alone (whatever the case's state now), `may()` adds the
workflow table (the action is possible from the case's state)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scope import Area, Scope, get_scope
from gongzhi.orgs.models import Residency
from gongzhi.places.models import Compound

from ..models import Case
from ..workflow import CASE_WORKFLOW, Action


def covers(area: Area, case: Case) -> bool:
    return (
        area.everything
        or case.town_id in area.towns
        or case.neighborhood_id in area.neighborhoods
        or case.compound_id in area.compounds
    )


def sees_identity(scope: Scope, case: Case, co_handler_ids) -> bool:
    """When the resident asked to keep their identity from the handling organisation: whether the
    user sees the case through something other than membership of the handling or a co-handling
    organisation (the office, a neighborhood's party organisation or residents' committee that is
    not itself handling it, …)."""
    if scope.is_platform_admin:
        return True
    handling = {case.handler_id, *co_handler_ids}
    return any(
        "cases.view" in grant.permissions and grant.organization_id not in handling and covers(grant.area, case)
        for grant in scope.grants
    )


def reporter_phone_readable(user, case: Case) -> bool:
    """Whether the user may read the reporter's number in full: where their `people.contact`
    grant reaches the case's compound, and the resident did not ask to keep their identity from
    the user's organisation."""
    scope = get_scope(user)
    co_handlers = list(case.co_handlers.values_list("pk", flat=True))
    if not case.reporter_phone or (case.hide_identity and not sees_identity(scope, case, co_handlers)):
        return False
    return covers(scope.area("people.contact"), case)


def is_reporter(user, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return case.reporter_user_id == user.pk or bool(user.phone and user.phone == case.reporter_phone)


def is_handler(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.has("cases.handle") and case.handler_id in scope.organization_ids


def is_co_handler(user, case: Case) -> bool:
    scope = get_scope(user)
    return bool(scope.organization_ids) and case.co_handlers.filter(pk__in=scope.organization_ids).exists()


def belongs_to_handling(user, case: Case) -> bool:
    """Whether the user holds a seat, today, in the organisation that handles the case or one
    that co-handles it (whatever their permissions): their answer about the case is not the
    resident's (docs/metrics.md)."""
    scope = get_scope(user)
    return case.handler_id in scope.organization_ids or is_co_handler(user, case)


def callback_refusal(user, case: Case, today: date | None = None) -> str:
    """Why the user may not call the resident back now: "" when they may, "role" when the
    callback is not theirs to make (not shown to them), else the reason in words."""
    if not reaches(user, "cases.callback", case) or belongs_to_handling(user, case):
        return "role"
    today = today or timezone.localdate()
    if case.callback_due is None or case.callback_due > today:
        return _("The callback is due from %(date)s: the resident has until then to answer themselves.") % {
            "date": case.callback_due or "—"
        }
    return ""


def has_staff_seat(user) -> bool:
    """Whether the user holds a seat today in any organisation or body of the platform."""
    return bool(user and user.is_authenticated) and get_scope(user).is_staff_member


def may_report_as_resident(user, compound: Compound) -> bool:
    """Resident-channel reports come from residents: staff enter cases through staff entry, with
    the channel recorded truthfully — unless they live in the compound (a confirmed residency)."""
    if not has_staff_seat(user):
        return True
    return Residency.objects.filter(
        person__user=user, unit__compound=compound, status=Residency.Status.VERIFIED
    ).exists()


def reaches(user, permission: str, case: Case) -> bool:
    """Whether `permission` of the user reaches this case (its scoped QuerySet)."""
    return Case.objects.for_user(user, permission).filter(pk=case.pk).exists()


def area_has(user, permission: str, compound: Compound) -> bool:
    return Compound.objects.for_user(user, permission).filter(pk=compound.pk).exists()


HANDLER_ACTIONS = {
    Action.ACCEPT,
    Action.START,
    Action.RESOLVE,
    Action.EXPLAIN,
    Action.EXTEND,
    Action.ESCALATE,
    Action.REJECT,
}
ROUTE_ACTIONS = {Action.EXPLAIN, Action.EXTEND, Action.ESCALATE, Action.REJECT, Action.MERGE}
RESIDENT_ACTIONS = {Action.CONFIRM, Action.REOPEN, Action.WITHDRAW}
CALLBACK_ACTIONS = {Action.CONFIRM, Action.REOPEN, Action.CLOSE_UNREACHABLE}


def role_allows(user, action: str, case: Case) -> bool:
    """Whether the user's role lets them take `action` on `case` at all, whatever its state now
    (the pages show or hide an action by it; `may()` adds the state)."""
    if user is None:
        return True  # the system itself
    if action in HANDLER_ACTIONS and is_handler(user, case):
        return True
    if action in ROUTE_ACTIONS and reaches(user, "cases.route", case):
        return True
    if action in RESIDENT_ACTIONS and is_reporter(user, case):
        return True
    return action in CALLBACK_ACTIONS and callback_refusal(user, case) != "role"


def may(user, action: str, case: Case) -> bool:
    """Whether `user` may take `action` on `case` now (the table allows it from its state; the
    system itself, `None`, is bound by the table too)."""
    return CASE_WORKFLOW.allows(action, case.state) and role_allows(user, action, case)


def may_reassign(user, case: Case) -> bool:
    """The rule of reassign_case: the neighborhood's routing right reaches the case."""
    return user is None or reaches(user, "cases.route", case)


def may_set_co_handlers(user, case: Case) -> bool:
    """The rule of set_co_handlers: the routing right reaches the case, or the user handles it."""
    return user is None or reaches(user, "cases.route", case) or is_handler(user, case)


def may_message(user, case: Case) -> bool:
    """The rule of post_message: the resident who reported it, or staff who may write to them."""
    return is_reporter(user, case) or may_message_as_staff(user, case)


def may_message_as_staff(user, case: Case) -> bool:
    """Who writes to the resident from the staff's case page: the handling or co-handling
    organisations and the neighborhood's routing right (not the reporter, who answers from their
    own tracking page)."""
    return is_handler(user, case) or is_co_handler(user, case) or reaches(user, "cases.route", case)


def require_state(action: str, case: Case) -> None:
    """Refuse an action the case's state does not allow (ValidationError, said in words)."""
    if not CASE_WORKFLOW.allows(action, case.state):
        raise ValidationError(
            _("This case is “%(state)s”: it cannot be changed that way now. Reload the page to see what happened.")
            % {"state": case.get_state_display()},
            code="state",
        )


def require(user, action: str, case: Case) -> None:
    """Refuse an action the case's state does not allow (ValidationError, said in words) or the
    user's role does not (PermissionDenied: a 404 on the pages)."""
    if may(user, action, case):
        return
    require_state(action, case)
    raise PermissionDenied(f"{action} on case {case.pk}")
