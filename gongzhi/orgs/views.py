"""Organisations, bodies, people, contracts, duty lists and residents' ties to units: thin views —
permission, scoped fetch, form, service, message, redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.attention import CONTRACT_WARNING_DAYS, MEMBERSHIP_WARNING_DAYS
from gongzhi.core.pages import form_page, managed, managed_towns, paginate, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Compound, Neighborhood, Town, Unit

from . import services
from .forms import (
    BindResidentForm,
    BodyForm,
    ContractFilterForm,
    ContractForm,
    CoverageForm,
    DutyEditForm,
    DutyForm,
    MembershipEditForm,
    MembershipEndForm,
    MembershipForm,
    MemberUnitForm,
    OrganizationFilterForm,
    OrganizationForm,
    PersonFilterForm,
    PersonForm,
)
from .models import (
    Body,
    BodyCoverage,
    BodyMemberUnit,
    Duty,
    Membership,
    Organization,
    Person,
    Residency,
    ServiceContract,
)

POSITION_ORDER = [p.value for p in Membership.Position]


def _manages(request, town_id: int, permission="town.manage") -> bool:
    return get_scope(request.user).area(permission).covers_town(town_id)


def _ordered_by_kind(queryset, field="kind", kinds=Organization.Kind):
    return queryset.annotate(
        kind_rank=Case(
            *[When(**{field: k.value}, then=Value(i)) for i, k in enumerate(kinds)],
            default=Value(len(kinds)),
            output_field=IntegerField(),
        )
    )


def _visible_ids(request, model, ids) -> set[int]:
    ids = {i for i in ids if i}
    if not ids:
        return set()
    return set(model.objects.for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _without_town(form) -> dict:
    """The form's data for a create service that takes the town separately."""
    return {k: v for k, v in form.data_for_service().items() if k != "town"}


def _again_or(request, url_name: str, parent):
    """After "save and add another", the same form again; otherwise the parent's page."""
    from django.urls import reverse

    return reverse(url_name, args=[parent.uid]) if "add_another" in request.POST else parent


def _posted_version(request) -> int:
    """The version a POST-only action was shown on; a missing one counts as stale."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _not_ended(queryset, on=None):
    on = on or timezone.localdate()
    return queryset.filter(Q(end__isnull=True) | Q(end__gte=on))


# --- Members and cross-appointments (R-IMPL-2) -----------------------------------------------


def _member_context(request, memberships, *, holder):
    """Current (and upcoming) and past members of an organisation or body; each current member
    carries `elsewhere`: their other current memberships (cross-appointment, 交叉任职)."""
    today = timezone.localdate()
    current = [m for m in memberships if m.end is None or m.end >= today]
    past = [m for m in memberships if m.end is not None and m.end < today]
    others = (
        Membership.objects.for_user(request.user)
        .active(today)
        .filter(person_id__in={m.person_id for m in current})
        .select_related("organization", "body")
        .order_by("start")
    )
    others = others.exclude(organization=holder) if isinstance(holder, Organization) else others.exclude(body=holder)
    others = list(others)
    visible_orgs = _visible_ids(request, Organization, [o.organization_id for o in others])
    visible_bodies = _visible_ids(request, Body, [o.body_id for o in others])
    by_person: dict[int, list] = {}
    for other in others:
        other.holder_visible = other.organization_id in visible_orgs or other.body_id in visible_bodies
        by_person.setdefault(other.person_id, []).append(other)
    for m in current:
        m.elsewhere = by_person.get(m.person_id, [])
    return {"current_members": current, "past_members": past}


def _sorted_memberships(memberships):
    return sorted(memberships, key=lambda m: (POSITION_ORDER.index(m.position), m.start, m.person.name))


# --- Organisations ---------------------------------------------------------------------------


@requires("orgs.view")
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    organizations = Organization.objects.for_user(request.user)
    town_count = organizations.values("town_id").distinct().count()
    if form.is_valid():
        if form.cleaned_data["kind"]:
            organizations = organizations.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            organizations = organizations.filter(Q(name__icontains=q) | Q(code__icontains=q))
    current_contracts = (
        ServiceContract.objects.for_user(request.user).active().select_related("compound").order_by("compound__name")
    )
    organizations = (
        _ordered_by_kind(organizations.select_related("town", "neighborhood", "compound__neighborhood"))
        .prefetch_related(Prefetch("contracts", queryset=current_contracts, to_attr="current_contracts"))
        .order_by("town__code", "kind_rank", "name")
    )
    return render(
        request,
        "orgs/organization_list.html",
        {
            "nav": "orgs",
            "form": form,
            "page_obj": paginate(request, organizations),
            "show_town": town_count > 1,
            "can_create": managed_towns(request).exists(),
        },
    )


@requires("orgs.view")
def organization_detail(request, uid):
    organization = get_object_or_404(
        Organization.objects.for_user(request.user).select_related("town", "neighborhood", "compound__neighborhood"),
        uid=uid,
    )
    scope = get_scope(request.user)
    context = {"current_members": None, "past_members": None}
    if scope.has("people.view"):
        memberships = (
            Membership.objects.for_user(request.user).filter(organization=organization).select_related("person")
        )
        context = _member_context(request, _sorted_memberships(memberships), holder=organization)
    duties = Duty.objects.none()
    if organization.kind in Organization.FOUR_PARTIES:
        duties = (
            Duty.objects.for_user(request.user)
            .filter(town_id=organization.town_id, party=organization.kind, retired=False)
            .order_by("order")
        )
    contracts = None
    if organization.kind == Organization.Kind.PROPERTY_COMPANY:
        contracts = ServiceContract.objects.for_user(request.user).filter(company=organization)
    elif organization.kind == Organization.Kind.OWNERS_COMMITTEE:
        contracts = ServiceContract.objects.for_user(request.user).filter(compound_id=organization.compound_id)
    if contracts is not None:
        contracts = contracts.select_related("company", "compound__neighborhood", "manager").order_by("-start")
    place = organization.place
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "nav": "orgs",
            "organization": organization,
            "duties": duties,
            "contracts": contracts,
            "place_visible": place is not None
            and type(place).objects.for_user(request.user).filter(pk=place.pk).exists(),
            "can_edit": _manages(request, organization.town_id),
            "can_see_people": scope.has("people.view"),
            "today": timezone.localdate(),
            **context,
            **timeline_context(request, organization),
        },
    )


def _place_choices(request, town_id=None):
    neighborhoods = Neighborhood.objects.for_user(request.user, "town.manage")
    compounds = Compound.objects.for_user(request.user, "town.manage")
    if town_id is not None:
        neighborhoods, compounds = neighborhoods.filter(town_id=town_id), compounds.filter(town_id=town_id)
    return neighborhoods.order_by("town__code", "code"), compounds.order_by("town__code", "neighborhood__code", "code")


@requires("town.manage")
def organization_create(request):
    neighborhoods, compounds = _place_choices(request)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in Organization.Kind.values else {}
    form = OrganizationForm(
        posted(request), towns=managed_towns(request), neighborhoods=neighborhoods, compounds=compounds, initial=initial
    )
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("New organisation"),
        cancel_url="orgs:organization_list",
        save=lambda: services.create_organization(
            actor=request.user, town=form.cleaned_data["town"], data=_without_town(form)
        ),
        done=lambda o: _("Organisation “%(name)s” created.") % {"name": o.name},
    )


@requires("town.manage")
def organization_edit(request, uid):
    organization = get_object_or_404(
        managed(request, Organization.objects.for_user(request.user, "town.manage")), uid=uid
    )
    neighborhoods, compounds = _place_choices(request, organization.town_id)
    form = OrganizationForm(posted(request), instance=organization, neighborhoods=neighborhoods, compounds=compounds)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Edit organisation"),
        object=organization,
        save=lambda: services.update_organization(
            actor=request.user,
            organization=organization,
            data=form.data_for_service(),
            expected_version=form.expected_version,
        ),
        done=lambda o: _("Changes saved."),
    )


# --- Bodies ----------------------------------------------------------------------------------


@requires("orgs.view")
def body_list(request):
    scope = get_scope(request.user)
    bodies = (
        Body.objects.for_user(request.user)
        .select_related("town")
        .annotate(
            member_unit_count=Count("member_units", distinct=True),
        )
        .prefetch_related(
            Prefetch("coverage", queryset=BodyCoverage.objects.select_related("neighborhood", "compound"))
        )
    )
    if scope.has("people.view"):
        leaders = (
            Membership.objects.active()
            .filter(position__in=[Membership.Position.HEAD, Membership.Position.DEPUTY])
            .select_related("person")
            .order_by("position", "start")
        )
        bodies = bodies.prefetch_related(Prefetch("memberships", queryset=leaders, to_attr="leaders"))
    bodies = _ordered_by_kind(bodies, kinds=Body.Kind).order_by("town__code", "kind_rank", "number")
    return render(
        request,
        "orgs/body_list.html",
        {
            "nav": "orgs",
            "bodies": bodies,
            "can_see_people": scope.has("people.view"),
            "show_town": len({b.town_id for b in bodies}) > 1,
        },
    )


def _managed_body(request, uid):
    return get_object_or_404(managed(request, Body.objects.for_user(request.user, "town.manage")), uid=uid)


@requires("orgs.view")
def body_detail(request, uid):
    body = get_object_or_404(Body.objects.for_user(request.user).select_related("town"), uid=uid)
    scope = get_scope(request.user)
    context = {"current_members": None, "past_members": None}
    if scope.has("people.view"):
        memberships = Membership.objects.for_user(request.user).filter(body=body).select_related("person")
        context = _member_context(request, _sorted_memberships(memberships), holder=body)
    member_units = list(body.member_units.select_related("organization"))
    visible_orgs = _visible_ids(request, Organization, [u.organization_id for u in member_units])
    for unit in member_units:
        unit.organization_visible = unit.organization_id in visible_orgs
    coverage = list(body.coverage.select_related("neighborhood", "compound__neighborhood"))
    visible_nbs = _visible_ids(request, Neighborhood, [c.neighborhood_id for c in coverage])
    visible_cps = _visible_ids(request, Compound, [c.compound_id for c in coverage])
    for row in coverage:
        row.place_visible = row.neighborhood_id in visible_nbs or row.compound_id in visible_cps
    return render(
        request,
        "orgs/body_detail.html",
        {
            "nav": "orgs",
            "body": body,
            "member_units": member_units,
            "coverage": coverage,
            "is_inspection_group": body.kind == Body.Kind.INSPECTION_GROUP,
            "can_edit": _manages(request, body.town_id),
            "can_see_people": scope.has("people.view"),
            "today": timezone.localdate(),
            **context,
            **timeline_context(request, body),
        },
    )


@requires("town.manage")
def body_edit(request, uid):
    body = _managed_body(request, uid)
    form = BodyForm(posted(request), instance=body)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Edit %(body)s") % {"body": body.name},
        object=body,
        save=lambda: services.update_body(
            actor=request.user, body=body, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda b: _("Changes saved."),
    )


@requires("town.manage")
def body_member_unit_add(request, uid):
    body = _managed_body(request, uid)
    organizations = _ordered_by_kind(Organization.objects.filter(town_id=body.town_id)).order_by("kind_rank", "name")
    form = MemberUnitForm(posted(request), organizations=organizations)
    return form_page(
        request,
        form,
        nav="orgs",
        parent=body,
        add_another=True,
        title=_("Add a member unit to %(body)s") % {"body": body.name},
        save=lambda: services.add_body_member_unit(
            actor=request.user,
            body=body,
            label=form.cleaned_data["label"],
            organization=form.cleaned_data["organization"],
        ),
        done=lambda unit: _("Member unit “%(label)s” added.") % {"label": unit.label},
        redirect_to=lambda unit: _again_or(request, "orgs:body_member_unit_add", body),
    )


@require_POST
@requires("town.manage")
def body_member_unit_remove(request, uid, pk):
    body = _managed_body(request, uid)
    member_unit = get_object_or_404(BodyMemberUnit, body=body, pk=pk)
    services.remove_body_member_unit(actor=request.user, member_unit=member_unit)
    messages.success(request, _("Member unit “%(label)s” removed.") % {"label": member_unit.label})
    return redirect("orgs:body_detail", uid=uid)


@requires("town.manage")
def body_coverage_add(request, uid):
    body = _managed_body(request, uid)
    if body.kind != Body.Kind.INSPECTION_GROUP:
        messages.error(request, _("Only inspection groups have coverage."))
        return redirect("orgs:body_detail", uid=uid)
    neighborhoods, compounds = _place_choices(request, body.town_id)
    form = CoverageForm(posted(request), neighborhoods=neighborhoods, compounds=compounds)
    return form_page(
        request,
        form,
        nav="orgs",
        parent=body,
        add_another=True,
        title=_("Add coverage to %(body)s") % {"body": body.name},
        intro=_("The group inspects the places it covers; its members see them."),
        save=lambda: services.add_body_coverage(
            actor=request.user,
            body=body,
            neighborhood=form.cleaned_data["neighborhood"],
            compound=form.cleaned_data["compound"],
        ),
        done=lambda row: _("%(place)s added to the group's coverage.") % {"place": row},
        redirect_to=lambda row: _again_or(request, "orgs:body_coverage_add", body),
    )


@require_POST
@requires("town.manage")
def body_coverage_remove(request, uid, pk):
    body = _managed_body(request, uid)
    row = get_object_or_404(BodyCoverage.objects.select_related("neighborhood", "compound"), body=body, pk=pk)
    services.remove_body_coverage(actor=request.user, coverage=row)
    messages.success(request, _("%(place)s removed from the group's coverage.") % {"place": row})
    return redirect("orgs:body_detail", uid=uid)


# --- People ----------------------------------------------------------------------------------


@requires("people.view")
def person_list(request):
    scope = get_scope(request.user)
    can_see_contact = scope.has("people.contact")
    form = PersonFilterForm(request.GET or None, can_search_phone=can_see_contact)
    people = Person.objects.for_user(request.user)
    today = timezone.localdate()
    term_ending = False
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            condition = Q(name__icontains=q)
            digits = q.replace(" ", "").replace("-", "")
            if can_see_contact and digits.isdigit() and len(digits) >= 3:
                condition |= Q(phone__contains=digits)
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
            "can_see_contact": can_see_contact,
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
    active = [m for m in memberships if m.is_active(today)]
    for m in memberships:
        m.holder_visible = m.organization_id in visible_orgs or m.body_id in visible_bodies
        m.current = m.is_active(today)
        m.ended = m.end is not None and m.end < today
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
            "today": today,
            **timeline_context(request, person),
        },
    )


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


# --- Service contracts -----------------------------------------------------------------------


@requires("orgs.view")
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    contracts = ServiceContract.objects.for_user(request.user)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            contracts = contracts.filter(Q(company__name__icontains=data["q"]) | Q(compound__name__icontains=data["q"]))
        if data["status"] == "current":
            contracts = contracts.active(today)
        elif data["status"] == "ended":
            contracts = contracts.filter(end__lt=today)
        if data["ending"] == "soon":
            contracts = contracts.filter(end__gte=today, end__lte=today + timedelta(days=CONTRACT_WARNING_DAYS))
    contracts = contracts.select_related("company", "compound__neighborhood", "manager").order_by(
        "compound__neighborhood__code", "compound__code", "-start"
    )
    return render(
        request,
        "orgs/contract_list.html",
        {
            "nav": "orgs",
            "form": form,
            "page_obj": paginate(request, contracts),
            "today": today,
            "soon": today + timedelta(days=CONTRACT_WARNING_DAYS),
            "can_create": managed_towns(request).exists(),
            "filtered": bool(request.GET.get("q") or request.GET.get("status") or request.GET.get("ending")),
        },
    )


@requires("orgs.view")
def contract_detail(request, uid):
    contract = get_object_or_404(
        ServiceContract.objects.for_user(request.user).select_related(
            "company", "compound__neighborhood", "manager", "town"
        ),
        uid=uid,
    )
    others = (
        ServiceContract.objects.for_user(request.user)
        .filter(compound_id=contract.compound_id)
        .exclude(pk=contract.pk)
        .select_related("company")
        .order_by("-start")
    )
    scope = get_scope(request.user)
    return render(
        request,
        "orgs/contract_detail.html",
        {
            "nav": "orgs",
            "contract": contract,
            "others": others,
            "today": timezone.localdate(),
            "can_edit": _manages(request, contract.town_id),
            "compound_visible": bool(_visible_ids(request, Compound, [contract.compound_id])),
            "manager_visible": contract.manager_id is not None
            and scope.has("people.view")
            and Person.objects.for_user(request.user).filter(pk=contract.manager_id).exists(),
            **timeline_context(request, contract),
        },
    )


def _contract_choices(request, town_id=None, current_manager_id=None):
    companies = managed(request, Organization.objects.filter(kind=Organization.Kind.PROPERTY_COMPANY))
    _neighborhoods, compounds = _place_choices(request, town_id)
    staff = Membership.objects.filter(organization__kind=Organization.Kind.PROPERTY_COMPANY)
    managers = managed(request, Person.objects.all()).filter(
        Q(Exists(staff.filter(person=OuterRef("pk")))) | Q(pk=current_manager_id)
    )
    if town_id is not None:
        companies, managers = companies.filter(town_id=town_id), managers.filter(town_id=town_id)
    return companies.order_by("name"), compounds, managers.order_by("name")


@requires("town.manage")
def contract_create(request):
    companies, compounds, managers = _contract_choices(request)
    initial = {}
    if request.GET.get("compound"):
        initial["compound"] = compounds.filter(uid=request.GET["compound"]).first()
    if request.GET.get("company"):
        initial["company"] = companies.filter(uid=request.GET["company"]).first()
    form = ContractForm(posted(request), companies=companies, compounds=compounds, managers=managers, initial=initial)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("New property service contract"),
        cancel_url="orgs:contract_list",
        save=lambda: services.create_contract(
            actor=request.user, town=form.cleaned_data["compound"].town, data=form.data_for_service()
        ),
        done=lambda c: _("Contract recorded: %(contract)s.") % {"contract": c},
    )


@requires("town.manage")
def contract_edit(request, uid):
    contract = get_object_or_404(
        managed(request, ServiceContract.objects.for_user(request.user, "town.manage")), uid=uid
    )
    companies, compounds, managers = _contract_choices(request, contract.town_id, contract.manager_id)
    form = ContractForm(posted(request), instance=contract, companies=companies, compounds=compounds, managers=managers)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Edit property service contract"),
        object=contract,
        save=lambda: services.update_contract(
            actor=request.user, contract=contract, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda c: _("Changes saved."),
    )


# --- Duty lists (R-DUTY-1) -------------------------------------------------------------------


@requires("orgs.view")
def duty_list(request):
    duties = Duty.objects.for_user(request.user)
    managed = managed_towns(request)
    town_ids = set(duties.values_list("town_id", flat=True).distinct()) | set(managed.values_list("pk", flat=True))
    towns = list(Town.objects.filter(pk__in=town_ids).order_by("code"))
    town = next((t for t in towns if t.uid == request.GET.get("town")), towns[0] if towns else None)
    groups = []
    if town is not None:
        rows = list(duties.filter(town=town).order_by("order", "pk"))
        for party in Organization.FOUR_PARTIES:
            groups.append({"party": party, "label": party.label, "duties": [d for d in rows if d.party == party]})
    return render(
        request,
        "orgs/duty_list.html",
        {
            "nav": "orgs",
            "groups": groups,
            "towns": towns,
            "town": town,
            "can_edit": town is not None and _manages(request, town.pk),
        },
    )


@requires("town.manage")
def duty_create(request):
    towns = managed_towns(request)
    initial = {}
    party = request.GET.get("party")
    if party in [p.value for p in Organization.FOUR_PARTIES]:
        initial["party"] = party
        town = towns.filter(uid=request.GET.get("town")).first() or towns.first()
        if town is not None:
            last = (
                Duty.objects.filter(town=town, party=party).order_by("-order").values_list("order", flat=True).first()
            )
            initial["order"] = (last or 0) + 1
            initial["town"] = town
    form = DutyForm(posted(request), towns=towns, initial=initial)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("New duty"),
        cancel_url="orgs:duty_list",
        save=lambda: services.create_duty(actor=request.user, town=form.cleaned_data["town"], data=_without_town(form)),
        done=lambda d: _("Duty added to the list of the %(party)s.") % {"party": d.get_party_display()},
        redirect_to=_duty_list_url,
    )


def _duty_list_url(duty):
    from django.urls import reverse

    return f"{reverse('orgs:duty_list')}?town={duty.town.uid}#party-{duty.party}"


@requires("town.manage")
def duty_edit(request, uid):
    duty = get_object_or_404(
        managed(request, Duty.objects.for_user(request.user, "town.manage")).select_related("town"), uid=uid
    )
    form = DutyEditForm(posted(request), instance=duty)
    return form_page(
        request,
        form,
        nav="orgs",
        duty=duty,
        cancel_url="orgs:duty_list",
        show_timeline=True,
        title=_("Edit duty %(order)s of the %(party)s") % {"order": duty.order, "party": duty.get_party_display()},
        save=lambda: services.update_duty(
            actor=request.user, duty=duty, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda d: _("Changes saved."),
        redirect_to=_duty_list_url,
        **timeline_context(request, duty),
    )


@require_POST
@requires("town.manage")
def duty_retire(request, uid):
    duty = get_object_or_404(
        managed(request, Duty.objects.for_user(request.user, "town.manage")).select_related("town"), uid=uid
    )
    retired = request.POST.get("retired") != "0"
    try:
        services.set_duty_retired(
            actor=request.user, duty=duty, retired=retired, expected_version=_posted_version(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Duty retired: it stays in the record but no longer applies.") if retired else _("Duty restored."),
        )
    return redirect(_duty_list_url(duty))


# --- Residents' ties to units ----------------------------------------------------------------


def _bindable_residencies(request):
    """Residencies of the units where the user may bind residents and confirm claims."""
    units = Unit.objects.for_user(request.user, "residents.bind")
    return Residency.objects.for_user(request.user, "residents.bind").filter(unit__in=units)


@requires("residents.bind")
def residency_claims(request):
    claims = (
        _bindable_residencies(request)
        .filter(status=Residency.Status.CLAIMED)
        .select_related("person", "unit__building", "unit__compound")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "orgs/residency_claims.html",
        {
            "nav": "people",
            "page_obj": paginate(request, claims),
            "can_bind": True,
            "can_see_contact": get_scope(request.user).has("people.contact"),
        },
    )


@requires("residents.bind")
def residency_bind(request, uid):
    unit = get_object_or_404(
        Unit.objects.for_user(request.user, "residents.bind").select_related("building", "compound"), uid=uid
    )
    label = f"{unit.compound.name} {unit.building.number} {unit.number}"
    form = BindResidentForm(posted(request))
    return form_page(
        request,
        form,
        nav="places",
        parent=unit,
        title=_("Bind a resident to %(unit)s") % {"unit": label},
        intro=_(
            "A resident bound by staff is confirmed at once. Residents can also claim their unit "
            "themselves with the compound's invite code."
        ),
        save=lambda: services.bind_resident(
            actor=request.user,
            unit=unit,
            phone=form.cleaned_data["phone"],
            name=form.cleaned_data["name"],
            relation=form.cleaned_data["relation"],
        ),
        done=lambda r: _("%(name)s is now recorded for %(unit)s.") % {"name": r.person.name, "unit": label},
        redirect_to=lambda r: unit,
    )


def _residency_transition(request, uid, service, done_message):
    residency = get_object_or_404(_bindable_residencies(request).select_related("person", "unit"), uid=uid)
    try:
        service(actor=request.user, residency=residency, expected_version=_posted_version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message % {"name": residency.person.name})
    return redirect(_next_url(request, residency.unit.get_absolute_url()))


@require_POST
@requires("residents.bind")
def residency_verify(request, uid):
    return _residency_transition(request, uid, services.verify_residency, _("%(name)s's claim confirmed."))


@require_POST
@requires("residents.bind")
def residency_reject(request, uid):
    return _residency_transition(request, uid, services.reject_residency, _("%(name)s's claim rejected."))


@require_POST
@requires("residents.bind")
def residency_end(request, uid):
    return _residency_transition(
        request, uid, services.end_residency, _("%(name)s's tie to the unit ended. The record is kept.")
    )
