"""The office's settings for cases: the category tree with routing and deadlines, and the town's
case settings (assessment window, satisfaction weight, callback time, hotspot rule, limits)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import form_page, managed, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.places.pages import managed_towns

from .. import configuration
from ..forms_setup import CaseSettingsForm, CategoryForm
from ..models import CaseSettings, Category


@requires("cases.settings")
def setup(request):
    """Categories (a two-level tree) with who handles them and their deadlines, and the settings."""
    towns = managed_towns(request, "cases.settings")
    town = towns.filter(uid=request.GET.get("town")).first() or towns.first()
    if town is None:
        return render(request, "cases/setup/setup.html", {"nav": "cases", "towns": towns})
    settings, _created = CaseSettings.objects.get_or_create(town=town)
    categories = list(Category.objects.filter(town=town).select_related("parent", "handler"))
    tops = [c for c in categories if c.parent_id is None]
    tree = [(top, [c for c in categories if c.parent_id == top.pk]) for top in tops]
    return render(
        request,
        "cases/setup/setup.html",
        {
            "nav": "cases",
            "towns": towns,
            "town": town,
            "settings": settings,
            "tree": tree,
            **timeline_context(request, settings),
        },
    )


@require_POST
@requires("cases.settings")
def install_defaults(request):
    town = get_object_or_404(managed_towns(request, "cases.settings"), uid=request.POST.get("town"))
    created = configuration.install_default_categories(actor=request.user, town=town)
    messages.success(request, _("%(n)s default categories added.") % {"n": len(created)})
    return redirect(f"{_setup_url()}?town={town.uid}")


def _setup_url():
    from django.urls import reverse

    return reverse("cases:setup")


@requires("cases.settings")
def category_new(request):
    town = get_object_or_404(managed_towns(request, "cases.settings"), uid=request.GET.get("town") or "")
    form = CategoryForm(posted(request), town=town)
    return form_page(
        request,
        form,
        nav="cases",
        title=_("New category"),
        cancel_url="cases:setup",
        save=lambda: configuration.create_category(actor=request.user, town=town, data=form.data_for_service()),
        done=lambda c: _("Category “%(name)s” added.") % {"name": c.name},
        redirect_to=lambda c: f"{_setup_url()}?town={town.uid}",
    )


@requires("cases.settings")
def category_edit(request, uid):
    category = get_object_or_404(
        managed(request, Category.objects.all(), "cases.settings").select_related("town"), uid=uid
    )
    form = CategoryForm(posted(request), instance=category, town=category.town)
    return form_page(
        request,
        form,
        nav="cases",
        title=_("Edit category “%(name)s”") % {"name": category.name},
        cancel_url="cases:setup",
        show_timeline=True,
        **timeline_context(request, category),
        save=lambda: configuration.update_category(
            actor=request.user, category=category, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda c: _("Changes saved."),
        redirect_to=lambda c: f"{_setup_url()}?town={category.town.uid}",
    )


@require_POST
@requires("cases.settings")
def category_retire(request, uid):
    category = get_object_or_404(
        managed(request, Category.objects.all(), "cases.settings").select_related("town"), uid=uid
    )
    retired = request.POST.get("retired") != "0"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    from django.core.exceptions import ValidationError

    try:
        configuration.update_category(
            actor=request.user, category=category, data={"retired": retired}, expected_version=version
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Category retired: no new cases can choose it.") if retired else _("Category restored.")
        )
    return redirect(f"{_setup_url()}?town={category.town.uid}")


@requires("cases.settings")
def settings_edit(request):
    town = get_object_or_404(managed_towns(request, "cases.settings"), uid=request.GET.get("town") or "")
    settings, _created = CaseSettings.objects.get_or_create(town=town)
    form = CaseSettingsForm(posted(request), instance=settings)
    return form_page(
        request,
        form,
        nav="cases",
        title=_("Case settings of %(town)s") % {"town": town.name},
        cancel_url="cases:setup",
        intro=_("Changing the first day of the assessment month re-counts the town's rates in the background."),
        save=lambda: configuration.update_case_settings(
            actor=request.user, town=town, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda s: _("Settings saved."),
        redirect_to=lambda s: f"{_setup_url()}?town={town.uid}",
    )
