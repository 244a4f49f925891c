"""What list and detail pages of every app share: pagination, the audit timeline's context, and
the towns where the user holds a town-level right."""

from django.core.paginator import Paginator

from . import audit
from .scope import get_scope

PAGE_SIZE = 50


def paginate(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def timeline_context(request, obj) -> dict:
    """Context for includes/timeline.html: the object's newest 50 audit entries."""
    return {
        "entries": audit.timeline(obj)[:50],
        "can_see_contact": get_scope(request.user).has("people.contact"),
    }


def can(request, permission: str, obj) -> bool:
    """Whether `permission` reaches `obj` for the user (its model's scoped QuerySet)."""
    return type(obj).objects.for_user(request.user, permission).filter(pk=obj.pk).exists()


def managed(request, queryset, permission: str = "town.manage"):
    """`queryset` narrowed to the towns where the user holds `permission` (a town-level right)."""
    area = get_scope(request.user).area(permission)
    return queryset if area.everything else queryset.filter(town_id__in=area.towns)


def managed_towns(request, permission: str = "town.manage"):
    from gongzhi.places.models import Town

    area = get_scope(request.user).area(permission)
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    return towns.order_by("code")
