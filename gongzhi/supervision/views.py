"""Pages of 督办: the town's overdue records kind by kind (with who is responsible, how late, and
whether already urged), the urged records still waiting and those that moved, the urging form, and
the Excel of the urgings. Thin: permission → scoped fetch → form → service → message + redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.forms import apply_service
from gongzhi.core.pages import paginate, town_choice, uid_link
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.places.models import Town

from . import kinds, services
from .forms import UrgeForm
from .models import Urging

LIMIT = 50  # rows per kind on the overview; the count says how many there are, `?kind=` pages through all
MOVED_DAYS = 90


def _towns(user, permission="supervision.view") -> list[int]:
    area = get_scope(user).area(permission)
    if area.everything:
        return list(Town.objects.values_list("pk", flat=True))
    return sorted(area.towns)


def _overdue(request, today, choice, only=None):
    """The overdue records kind by kind: of each kind its count and its LIMIT oldest (by creation),
    most late first; with `only` (`?kind=<code>`) that kind alone, paged through all of them."""
    towns = [choice.chosen.pk] if choice.chosen is not None else _towns(request.user)
    waiting = {(u.kind, u.object_id): u for u in choice.narrow(Urging.objects.for_user(request.user)).waiting()}
    urge_area = get_scope(request.user).area("supervision.urge")
    may_urge = {}  # town id → whether the user may urge there (one check per town, not per row)
    out = []
    for spec in kinds.KINDS.values() if only is None else [only]:
        rows = spec.overdue_in(towns, today).order_by("pk")
        if only is None:
            page, total, shown = None, rows.count(), rows[:LIMIT]
        else:
            page = paginate(request, rows, LIMIT)
            total, shown = page.paginator.count, page.object_list
        items = []
        link, urge_link = uid_link(spec.detail), uid_link("supervision:urge", spec.code)
        for obj in shown:
            if obj.town_id not in may_urge:
                may_urge[obj.town_id] = urge_area.covers_town(obj.town_id)
            items.append(
                spec.described(obj, today, link)
                | {
                    "urging": waiting.get((spec.code, obj.pk)),
                    "may_urge": may_urge[obj.town_id],
                    "urge_url": urge_link(obj.uid),
                }
            )
        items.sort(key=lambda i: -(i["days_late"] or 0))
        out.append({"kind": spec, "items": items, "total": total, "page": page})
    return out


@requires("supervision.view")
def home(request):
    today = timezone.localdate()
    show = request.GET.get("show", "overdue")
    if show not in ("overdue", "urged", "moved"):
        show = "overdue"
    # A user of several towns may narrow the page to one (the city's overdue records by default).
    choice = town_choice(request, permission="supervision.view")
    urgings = choice.narrow(Urging.objects.for_user(request.user)).select_related("urged_by")
    urgings = urgings.prefetch_related("organizations")
    only = kinds.get(request.GET.get("kind", "")) if show == "overdue" else None
    context = {"nav": "supervision", "show": show, "today": today, "choice": choice, "only": only}
    if show == "overdue":
        context["groups"] = _overdue(request, today, choice, only)
    elif show == "urged":
        context["urgings"] = list(urgings.waiting())
    else:
        context["urgings"] = list(urgings.filter(moved_at__date__gte=today - timedelta(days=MOVED_DAYS)))
    context["n_waiting"] = choice.narrow(Urging.objects.for_user(request.user)).waiting().count()
    return render(request, "supervision/home.html", context)


@requires("supervision.view")
def export(request):
    rows = Urging.objects.for_user(request.user).prefetch_related("organizations").select_related("urged_by")
    headers = [
        (_("Kind"), 14),
        (_("Record"), 40),
        (_("Responsible"), 30),
        (_("Was due"), 12),
        (_("State when urged"), 18),
        (_("What is asked"), 40),
        (_("Times urged"), 8),
        (_("First urged"), 16),
        (_("Last urged"), 16),
        (_("Moved"), 16),
        (_("State reached"), 18),
    ]
    data = [
        (
            u.get_kind_display(),
            u.title,
            "、".join(o.name for o in u.organizations.all()),
            u.due.isoformat() if u.due else "",
            u.state_when_urged,
            u.note,
            u.times,
            timezone.localtime(u.first_urged_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(u.last_urged_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(u.moved_at).strftime("%Y-%m-%d %H:%M") if u.moved_at else "",
            u.moved_to,
        )
        for u in rows[:5000]
    ]
    return xlsx_response(
        table_workbook(_("Supervision (督办)"), headers, data),
        filename=f"supervision-{timezone.localdate().isoformat()}.xlsx",
    )


@requires("supervision.urge")
def urge(request, kind, uid):
    spec = kinds.get(kind)
    if spec is None:
        raise Http404
    obj = spec.model.objects.filter(uid=uid, town_id__in=_towns(request.user, "supervision.urge")).first()
    if obj is None:
        raise Http404
    today = timezone.localdate()
    urging = Urging.objects.waiting().filter(kind=kind, object_id=obj.pk).first()
    form = UrgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.urge(actor=request.user, kind=kind, obj=obj, note=form.cleaned_data["note"])
        )
        if done is not None:
            messages.success(
                request, _("Urged: %(record)s. The organisations responsible are notified.") % {"record": done.title}
            )
            return redirect(reverse("supervision:home") + "?show=urged")
    return render(
        request,
        "supervision/urge.html",
        {
            "nav": "supervision",
            "form": form,
            "kind": spec,
            **spec.described(obj, today),
            "overdue": spec.still_overdue(obj, today),
            "urging": urging,
        },
        status=400 if request.method == "POST" else 200,
    )
