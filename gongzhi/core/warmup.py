"""Make a new web process ready before it takes its first request (gongzhi.wsgi): without this the
first request of each gunicorn worker — at start and whenever `max_requests` replaces one — imports
every app's views through the URL configuration, builds the URL resolver, loads the translation
catalogs and compiles the templates it uses, and took 1–1.5 s instead of 0.1–0.2 s (bench/README.md,
"Whole-city pages"). Nothing here reads the database."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def _project_templates():
    """The names of the platform's own templates (gongzhi/**/templates/**.html), not third parties'."""
    root = Path(settings.BASE_DIR) / "gongzhi"
    for directory in root.glob("**/templates"):
        for path in directory.glob("**/*.html"):
            yield path.relative_to(directory).as_posix()


def _build(resolver, path: str = "") -> None:
    """The reverse tables of a resolver and of its namespaces, built per language on first use; a
    namespace's own table (django.urls.base.get_ns_resolver) by reversing one of its names."""
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        names = [key for key in sub.reverse_dict if isinstance(key, str)]
        if names:
            try:
                reverse(f"{path}{namespace}:{names[0]}")
            except NoReverseMatch:  # it takes arguments: the tables are built all the same
                pass
        _build(sub, f"{path}{namespace}:")


def warm_up() -> float:
    """Import the URL configuration and build its resolver in every language (which loads each
    language's catalogs), and compile the platform's templates into the cached loader. Returns the
    seconds taken."""
    started = time.perf_counter()
    root = get_resolver()
    root.url_patterns  # noqa: B018 - imports every app's URLs and views
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("core:home")  # loads the language's catalogs
            _build(root)
    engine = engines["django"]
    for name in sorted(set(_project_templates())):
        try:
            engine.get_template(name)
        except (TemplateSyntaxError, TemplateDoesNotExist):  # a broken template fails its own page, not the start
            logger.exception("template %s does not compile", name)
    return time.perf_counter() - started
