"""Duty lists of the four parties (R-DUTY-1): the list, adding, editing, retiring and restoring a duty."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import form_page, managed, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.places.models import Town
from gongzhi.places.pages import managed_towns

from .. import services
from ..forms import (
    DutyEditForm,
    DutyForm,
)
from ..models import (
    Duty,
    Organization,
)
from .common import (
    _manages,
    _posted_version,
    _without_town,
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
