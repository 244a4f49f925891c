"""A new web process warms up before its first request (gongzhi.core.warmup, called by gongzhi.wsgi)."""

from django.conf import settings
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.urls.resolvers import get_ns_resolver

from gongzhi.core.warmup import warm_up


def test_the_warm_up_compiles_the_templates_and_builds_the_url_tables_of_every_language():
    clear_url_caches()
    loaders = [loader for loader in engines["django"].engine.template_loaders if hasattr(loader, "get_template_cache")]
    for loader in loaders:
        loader.reset()
    warm_up()
    assert loaders, "the cached template loader is in use"
    cached = set().union(*(loader.get_template_cache for loader in loaders))
    assert {"base.html", "core/home_staff.html", "orgs/home_panel_memberships.html"} <= cached
    root = get_resolver()
    languages = {code for code, _name in settings.LANGUAGES}
    assert languages <= set(root._reverse_dict)
    assert languages <= set(root.namespace_dict["cases"][1]._reverse_dict)
    assert get_ns_resolver.cache_info().currsize >= len(languages)  # the namespaces' own tables
