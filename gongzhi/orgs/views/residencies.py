"""Residents' ties to units: the claims waiting for confirmation, binding a resident, confirming, rejecting and ending a tie."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import form_page, paginate, posted
from gongzhi.core.permissions import requires
from gongzhi.places.models import Unit

from .. import services
from ..forms import (
    BindResidentForm,
)
from ..models import (
    Residency,
)
from .common import (
    _next_url,
    _posted_version,
)

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
