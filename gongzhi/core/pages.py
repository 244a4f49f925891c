"""What list and detail pages of every app share: pagination, the audit timeline's context, and
the towns where the user holds a town-level right."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import cached_property

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


def paginate(request, queryset, size: int = PAGE_SIZE):
    return BoundedPaginator(queryset, size).get_page(request.GET.get("page"))


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
