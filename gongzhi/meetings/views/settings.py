"""The office's meeting rules and kinds of major matter."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.actions import attempt
from gongzhi.core.permissions import requires
from gongzhi.places.pages import managed_towns

from .. import forms, services
from ..models import (
    MatterKind,
)


@requires("meetings.settings")
def settings_page(request):
    towns = managed_towns(request, "meetings.settings")
    town = towns.filter(code=request.GET.get("town", "")).first() or towns.first()
    if town is None:
        raise Http404
    rules = services.settings_for(town.pk)
    form = forms.SettingsForm(
        request.POST if request.method == "POST" and "save" in request.POST else None, instance=rules
    )
    kind_form = forms.KindForm(request.POST if request.method == "POST" and "add_kind" in request.POST else None)
    if request.method == "POST":
        here = f"{reverse('meetings:settings')}?town={town.code}"
        response = None
        if "save" in request.POST:
            response = attempt(
                request,
                form,
                lambda: services.update_settings(
                    actor=request.user,
                    settings=rules,
                    changes=form.data_for_service(),
                    expected_version=form.expected_version,
                ),
                done=_("Meeting rules saved."),
                to=here,
            )
        elif "add_kind" in request.POST:
            response = attempt(
                request,
                kind_form,
                lambda: services.add_matter_kind(actor=request.user, town=town, name=kind_form.cleaned_data["name"]),
                done=_("Kind added."),
                to=here,
            )
        elif "retire" in request.POST or "restore" in request.POST:
            kind = get_object_or_404(MatterKind.objects.filter(town=town), uid=request.POST.get("kind", ""))
            services.set_matter_kind_retired(actor=request.user, kind=kind, retired="retire" in request.POST)
            messages.success(request, _("Saved."))
            return redirect(here)
        else:
            raise Http404
        if response is not None:
            return response
    return render(
        request,
        "meetings/settings.html",
        {
            "nav": "meetings",
            "town": town,
            "towns": towns,
            "form": form,
            "kind_form": kind_form,
            "kinds": MatterKind.objects.filter(town=town),
        },
        status=400 if request.method == "POST" else 200,
    )
