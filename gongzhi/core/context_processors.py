from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

from . import registry
from .scope import get_scope

# The navigation's addresses, reversed once per process (every staff page shows some 30 of them):
# keyed by what reverse() depends on, the script prefix and the URL configuration.
_urls: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _urls.clear()


def _url(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name)
    return url


def _nav_items(permissions: frozenset[str]) -> list[dict]:
    """The navigation bar's entries the apps registered, for a user holding these permissions: an
    entry of a group goes into that group's menu, which stands where its first entry would; a group
    with a single entry for this user shows that entry itself."""
    groups = registry.nav_groups()
    out: list[dict] = []
    menus: dict[str, dict] = {}
    for item in registry.nav_items():
        if not item.visible(permissions):
            continue
        entry = {"url": _url(item.url_name), "label": item.label, "active": item.active}
        group = groups.get(item.group)
        if group is None:
            out.append(entry)
            continue
        if group.name not in menus:
            menus[group.name] = {"label": group.label, "key": group.name, "children": [], "active": ()}
            out.append(menus[group.name])
        menu = menus[group.name]
        menu["children"].append(entry)
        menu["active"] += entry["active"]
    return [e["children"][0] if "children" in e and len(e["children"]) == 1 else e for e in out]


def platform(request):
    scope = get_scope(request.user) if hasattr(request, "user") else None
    permissions = scope.permissions if scope else frozenset()
    return {
        "platform_name": settings.PLATFORM_NAME,
        "scope": scope,
        "perms_granted": permissions,
        # a callable: the template evaluates it only on pages that show the bar
        "nav_items": lambda: _nav_items(permissions),
    }
