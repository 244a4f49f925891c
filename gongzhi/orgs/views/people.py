"""People and their memberships (terms of office, cross-appointments): the list, a person's page, creating and editing, adding, editing and ending memberships."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import form_page, managed, paginate, posted, revealed_phone, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.orgs.attention import MEMBERSHIP_WARNING_DAYS
from gongzhi.places.models import Unit
from gongzhi.places.pages import managed_towns

from .. import contacts, services
from ..forms import (
    MembershipEditForm,
    MembershipEndForm,
    MembershipForm,
    PersonFilterForm,
    PersonForm,
)
from ..models import (
    Body,
    Membership,
    Organization,
    Person,
    Residency,
    ServiceContract,
)
from .common import (
    _manages,
    _not_ended,
    _ordered_by_kind,
    _visible_ids,
    _without_town,
)

# --- People ----------------------------------------------------------------------------------


@requires("people.view")
def person_list(request):
    scope = get_scope(request.user)
    can_search_phone = scope.has("people.contact")
    form = PersonFilterForm(request.GET or None, can_search_phone=can_search_phone)
    people = Person.objects.for_user(request.user)
    today = timezone.localdate()
    term_ending = False
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            condition = Q(name__icontains=q)
            digits = q.replace(" ", "").replace("-", "")
            if can_search_phone and digits.isdigit() and len(digits) >= 3:
                # only among the people whose number the user may read (orgs.contacts)
                condition |= Q(phone__contains=digits, pk__in=contacts.readable_people(request.user).values("pk"))
            people = people.filter(condition)
        if form.cleaned_data["term"] == "ending":
            term_ending = True
            people = people.filter(
                Exists(
                    Membership.objects.filter(
                        person=OuterRef("pk"), end__gte=today, end__lte=today + timedelta(days=MEMBERSHIP_WARNING_DAYS)
                    )
                )
            )
    current = _not_ended(Membership.objects.all(), today).select_related("organization", "body").order_by("start")
    people = (
        people.select_related("town")
        .prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))
        .order_by("name", "pk")
    )
    page_obj = paginate(request, people)
    soon = today + timedelta(days=MEMBERSHIP_WARNING_DAYS)
    for person in page_obj:
        active = [m for m in person.current_memberships if m.start <= today]
        person.is_cross_appointed = len(active) > 1
        for m in person.current_memberships:
            m.ending_soon = m.end is not None and m.end <= soon
    return render(
        request,
        "orgs/person_list.html",
        {
            "nav": "people",
            "form": form,
            "page_obj": page_obj,
            "term_ending": term_ending,
            "can_create": managed_towns(request, "people.manage").exists(),
            "show_town": len(scope.town_ids) > 1 or scope.is_platform_admin,
        },
    )


@requires("people.view")
def person_detail(request, uid):
    person = get_object_or_404(Person.objects.for_user(request.user).select_related("town", "user"), uid=uid)
    scope = get_scope(request.user)
    today = timezone.localdate()
    memberships = list(
        Membership.objects.for_user(request.user)
        .filter(person=person)
        .select_related("organization__neighborhood", "organization__compound", "body")
    )
    memberships.sort(key=lambda m: (m.end is not None and m.end < today, m.start > today, -m.start.toordinal()))
    visible_orgs = _visible_ids(request, Organization, [m.organization_id for m in memberships])
    visible_bodies = _visible_ids(request, Body, [m.body_id for m in memberships])
    holds_a_post = any(m.is_active(today) for m in memberships)
    for m in memberships:
        m.holder_visible = m.organization_id in visible_orgs or m.body_id in visible_bodies
        m.current = m.is_active(today)
        m.ended = m.end is not None and m.end < today
    # Only the seats in organisations and bodies the viewer may open (a seat elsewhere is not theirs to see).
    memberships = [m for m in memberships if m.holder_visible]
    active = [m for m in memberships if m.current]
    residencies = list(
        Residency.objects.for_user(request.user)
        .filter(person=person)
        .select_related("unit__building", "unit__compound")
        .order_by("status", "unit__compound__name", "unit__number")
    )
    bindable = set()
    if scope.has("residents.bind") and residencies:
        bindable = set(
            Unit.objects.for_user(request.user, "residents.bind")
            .filter(pk__in=[r.unit_id for r in residencies])
            .values_list("pk", flat=True)
        )
    for r in residencies:
        r.can_bind = r.unit_id in bindable
    contracts = (
        ServiceContract.objects.for_user(request.user)
        .filter(manager=person)
        .select_related("company", "compound")
        .order_by("-start")
    )
    can_manage = _manages(request, person.town_id, "people.manage")
    return render(
        request,
        "orgs/person_detail.html",
        {
            "nav": "people",
            "person": person,
            "memberships": memberships,
            "cross_appointed": len(active) > 1,
            "active_count": len(active),
            "residencies": residencies,
            "contracts": contracts,
            "can_manage": can_manage,
            "may_have_password": holds_a_post,  # password logins are for people holding a post
            "phone_readable": contacts.phone_readable(request.user, person),
            "today": today,
            **timeline_context(request, person),
        },
    )


@require_POST
@requires("people.view")
def person_phone(request, uid):
    """A person's number in full, for a user who may read it (recorded in the person's history)."""
    person = get_object_or_404(Person.objects.for_user(request.user), uid=uid)
    try:
        phone = services.read_phone(actor=request.user, person=person)
    except PermissionDenied:
        raise Http404 from None
    return revealed_phone(request, name=person.name, phone=phone, back=person.get_absolute_url())


def _managed_person(request, uid):
    return get_object_or_404(
        managed(request, Person.objects.for_user(request.user, "people.manage"), "people.manage"), uid=uid
    )


def _managed_membership(request, uid):
    return get_object_or_404(
        managed(request, Membership.objects.for_user(request.user, "people.manage"), "people.manage").select_related(
            "person", "organization", "body"
        ),
        uid=uid,
    )


@requires("people.manage")
def person_create(request):
    form = PersonForm(posted(request), towns=managed_towns(request, "people.manage"))
    return form_page(
        request,
        form,
        nav="people",
        title=_("New person"),
        cancel_url="orgs:person_list",
        save=lambda: services.create_person(
            actor=request.user, town=form.cleaned_data["town"], data=_without_town(form)
        ),
        done=lambda p: _("“%(name)s” recorded.") % {"name": p.name},
    )


@requires("people.manage")
def person_edit(request, uid):
    person = _managed_person(request, uid)
    if request.method == "GET" and person.phone:
        services.read_phone(actor=request.user, person=person)  # the form shows the number in full
    form = PersonForm(posted(request), instance=person)
    return form_page(
        request,
        form,
        nav="people",
        title=_("Edit %(name)s") % {"name": person.name},
        object=person,
        save=lambda: services.update_person(
            actor=request.user, person=person, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda p: _("Changes saved."),
    )


@requires("people.manage")
def membership_add(request, uid):
    person = _managed_person(request, uid)
    organizations = _ordered_by_kind(Organization.objects.filter(town_id=person.town_id)).order_by("kind_rank", "name")
    bodies = _ordered_by_kind(Body.objects.filter(town_id=person.town_id), kinds=Body.Kind).order_by(
        "kind_rank", "number"
    )
    form = MembershipForm(posted(request), organizations=organizations, bodies=bodies)
    return form_page(
        request,
        form,
        nav="people",
        parent=person,
        title=_("New membership for %(name)s") % {"name": person.name},
        save=lambda: services.add_membership(actor=request.user, person=person, data=form.data_for_service()),
        done=lambda m: _("%(name)s: membership in %(holder)s added.") % {"name": person.name, "holder": m.holder},
        redirect_to=lambda m: person,
    )


@requires("people.manage")
def membership_edit(request, uid):
    membership = _managed_membership(request, uid)
    form = MembershipEditForm(posted(request), instance=membership)
    return form_page(
        request,
        form,
        nav="people",
        parent=membership.person,
        title=_("Edit membership: %(name)s in %(holder)s")
        % {"name": membership.person.name, "holder": membership.holder},
        save=lambda: services.update_membership(
            actor=request.user,
            membership=membership,
            data=form.data_for_service(),
            expected_version=form.expected_version,
        ),
        done=lambda m: _("Changes saved."),
        redirect_to=lambda m: membership.person,
    )


@requires("people.manage")
def membership_end(request, uid):
    membership = _managed_membership(request, uid)
    form = MembershipEndForm(posted(request), membership=membership)
    return form_page(
        request,
        form,
        nav="people",
        parent=membership.person,
        submit_label=_("End the term"),
        title=_("End a term of office"),
        intro=_("%(name)s · %(title)s · %(holder)s, since %(start)s.")
        % {
            "name": membership.person.name,
            "title": membership.title,
            "holder": membership.holder,
            "start": membership.start.isoformat(),
        },
        save=lambda: services.end_membership(
            actor=request.user,
            membership=membership,
            on=form.cleaned_data["end"],
            expected_version=form.expected_version,
        ),
        done=lambda m: (
            _("The term of %(name)s in %(holder)s ends on %(date)s.")
            % {"name": membership.person.name, "holder": membership.holder, "date": m.end.isoformat()}
        ),
        redirect_to=lambda m: membership.person,
    )
