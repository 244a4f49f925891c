"""What list and detail pages of every app share: pagination, the audit timeline's context, and
the towns where the user holds a town-level right."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import audit, audit_display
from .actions import attempt
from .scope import get_scope

PAGE_SIZE = 50
COUNT_LIMIT = 10_000


class BoundedPaginator(Paginator):
    """A paginator that counts at most COUNT_LIMIT + 1 rows: a list of more than COUNT_LIMIT rows
    says "more than 10,000" and pages through its first 10,000 (narrow it with its filters, or
    export it). Counting every case of a city on each page view (a million rows) cost more than
    the page itself; below the limit the count and the pages are exact."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not hasattr(queryset, "query"):  # a list
            return min(len(queryset), COUNT_LIMIT + 1)
        return queryset.order_by()[: COUNT_LIMIT + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def limit_label(self) -> str:
        return f"{COUNT_LIMIT:,}"


_UID_MARK = "0uidmark0"


def uid_link(viewname: str, *args):
    """A function uid → the URL of `viewname` for that uid (its last argument), reversed once: a
    list page's link per row costs a string join instead of a `reverse()` (0.1 ms each, a tenth of
    a 200-row page's time). The same URL as `reverse(viewname, args=[*args, uid])`."""
    from django.urls import reverse

    head, tail = reverse(viewname, args=[*args, _UID_MARK]).rsplit(_UID_MARK, 1)
    return lambda uid: f"{head}{uid}{tail}"


def paginate(request, queryset, size: int = PAGE_SIZE):
    return BoundedPaginator(queryset, size).get_page(request.GET.get("page"))


@dataclass
class TownChoice:
    """The town a page shows, for a user whose page would cover several towns (the platform
    administrator: every town). `towns` are those they may choose among (none: a user of one town,
    who sees the page as before); `chosen` the one of `?town=<uid>`, or None (all of them); `keep`
    the page's other query values, carried by the chooser's form."""

    towns: list = field(default_factory=list)
    chosen: object | None = None
    keep: list = field(default_factory=list)
    required: bool = False

    @property
    def several(self) -> bool:
        return len(self.towns) > 1

    shown = several  # the templates' word for it

    @property
    def waiting(self) -> bool:
        """Several towns and none chosen yet (a page that shows one town's analysis only)."""
        return self.several and self.chosen is None

    @property
    def chosen_id(self) -> int | None:
        return self.chosen.pk if self.chosen is not None else None

    @property
    def query(self) -> str:
        """The query string that keeps the choice in a link ("" when none)."""
        return urlencode({"town": self.chosen.uid}) if self.chosen is not None else ""

    @property
    def options(self) -> str:
        """The chooser's <option>s of the towns (includes/town_choice.html), joined in Python: a
        template loop over a city's 217 towns was a tenth of a page's time."""
        chosen = self.chosen_id
        return mark_safe(  # noqa: S308 — every value escaped
            "".join(
                f'<option value="{escape(t.uid)}"{" selected" if t.pk == chosen else ""}>{escape(t.name)}</option>'
                for t in self.towns
            )
        )

    def narrow(self, queryset, key: str = "town_id"):
        """`queryset` narrowed to the chosen town (unchanged when none is chosen)."""
        return queryset if self.chosen is None else queryset.filter(**{key: self.chosen.pk})


def town_choice(request, *, permission: str, required: bool = False) -> TownChoice:
    """The towns of the user's `permission` area they may choose among on a page that would
    otherwise cover all of them, and the chosen one (`?town=<uid>`; one not among them is no
    choice). A user of one town, or of a neighborhood or compounds, has no choice (the page as
    before, and no query for it). A page whose figures are a whole town's (a table per
    neighborhood, a town's report) computes the chosen town's only: the cost follows what is
    shown, not the size of the city. `required`: no "all towns" — the first town (by code) when
    none is chosen."""
    area = get_scope(request.user).area(permission)
    if not area.everything and len(area.towns) < 2:
        return TownChoice()
    Town = apps.get_model("places", "Town")
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    towns = list(towns.only("pk", "uid", "code", "name").order_by("code"))
    if len(towns) < 2:
        return TownChoice()
    uid = request.GET.get("town")
    chosen = next((t for t in towns if t.uid == uid), None) if uid else None
    if chosen is None and required:
        chosen = towns[0]
    keep = [(k, v) for k, values in request.GET.lists() if k not in ("town", "page") for v in values]
    return TownChoice(towns=towns, chosen=chosen, keep=keep, required=required)


def timeline_context(request, obj) -> dict:
    """Context for includes/timeline.html: the object's newest 50 audit entries, with their
    changes (the records they name read once per model)."""
    return {"entries": audit_display.with_changes(audit.timeline(obj)[:50])}


def can(request, permission: str, obj) -> bool:
    """Whether `permission` reaches `obj` for the user (its model's scoped QuerySet)."""
    return type(obj).objects.for_user(request.user, permission).filter(pk=obj.pk).exists()


def managed(request, queryset, permission: str = "town.manage"):
    """`queryset` narrowed to the towns where the user holds `permission` (a town-level right)."""
    area = get_scope(request.user).area(permission)
    return queryset if area.everything else queryset.filter(town_id__in=area.towns)


def posted(request):
    """The submitted data on POST (even when empty, so that required fields are reported)."""
    return request.POST if request.method == "POST" else None


def form_page(
    request, form, *, save, done, title: str, nav: str, redirect_to=None, template: str = "form_page.html", **context
):
    """The create/edit page every app has: show `form`; on a valid POST run `save()` (a
    service call returning the saved object), flash `done(obj)` and redirect to
    `redirect_to(obj)` (default: the object's page). A refusal (form errors, the service's
    ValidationError) shows the form again with the input kept; nothing is saved then
    (core.actions.attempt)."""
    from django.shortcuts import render

    if request.method == "POST":
        response = attempt(request, form, save, done=done, to=redirect_to or (lambda obj: obj))
        if response is not None:
            return response
    return render(request, template, {"nav": nav, "form": form, "title": title, **context})


def serve_private_file(field, name: str):
    """A stored file (a FileField's value) as a download, for a view that has already checked the
    user may see it: media files are not public, so they are served here, privately."""
    from django.http import FileResponse, Http404

    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def render_contributions(request, parts, about) -> list[str]:
    """Render what apps contributed to a page (home cards, page sections: each with `template` and
    `context(request, about)`); a part whose context is None has nothing for this user and is left out."""
    rendered = []
    for part in parts:
        context = part.context(request, about)
        if context is not None:
            rendered.append(render_to_string(part.template, context, request=request))
    return rendered


def revealed_phone(request, *, name: str, phone: str, back: str):
    """A number read in full (the service has recorded it): in place of the masked one on the
    page (htmx), or on a page of its own without script."""
    context = {"name": name, "phone": phone, "back": back}
    if request.headers.get("HX-Request"):
        return render(request, "includes/phone_revealed.html", context)
    return render(request, "includes/phone_revealed_page.html", context)
