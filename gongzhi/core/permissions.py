"""The one permission check for views: `@requires("places.manage")`. A user without the
permission gets the same 404 as for an object outside their scope: nothing is revealed."""

from functools import wraps

from django.http import Http404

from .scope import get_scope


def requires(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not get_scope(request.user).has(permission):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def ensure_allowed(actor, permission: str, obj) -> None:
    """For services: refuse to act on an object outside the actor's area for `permission`.
    (Views have already fetched through the same scope; the API and jobs rely on this.)"""
    from django.core.exceptions import PermissionDenied

    if actor is None:  # the system itself (jobs, seeding)
        return
    model = type(obj)
    if not model._default_manager.for_user(actor, permission).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"{permission} not granted on {model._meta.label} {obj.pk}")


def ensure_town_manager(actor, town_id: int, permission: str = "town.manage") -> None:
    from django.core.exceptions import PermissionDenied

    if actor is None:
        return
    if not get_scope(actor).area(permission).covers_town(town_id):
        raise PermissionDenied(f"{permission} not granted on town {town_id}")
