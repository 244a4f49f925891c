"""What the apps contribute to the platform, collected by the kernel (DESIGN.md convention 15).

The kernel knows no app. Each app tells it, from its `AppConfig.ready()` (by importing its own
`contributions` module), what it adds to the shared places of the platform:

- `attention(order, provider)` — home-page items: `provider(user, scope, today)` returns an iterable
  of `AttentionItem` (a count with a link to the records behind it; a zero count is not listed);
- `home_panel(order, audience, column, template, context)` — a card on the home page: `context(request,
  scope)` returns the template's context, or None when the panel has nothing to show that user;
- `quick_link(order, url_name, icon, label, visible)` — a link in the staff home page's quick links;
- `nav_item(order, url_name, label, active, visible)` — an entry of the navigation bar;
- `page_section(page, order, name, template, context)` — a part of another app's page, shown where
  that page's template says `{% page_sections "<page>" obj %}` (gongzhi.core.templatetags.sections):
  `context(request, obj)` returns the part's context, or None to leave it out (a compound's page
  shows its organisations; a case's page the joint-meeting items it is on);
- `sweep(order, name, run)` — a step of the periodic command (`manage.py periodic`): `run()` is
  idempotent and returns what it did (a count or a dict);
- `purge(order, name, run)` — a retention purge (personal data kept only as long as needed,
  gongzhi.core.retention): a sweep whose `run(dry_run=False)` returns how many rows it removed or
  cleared, or with `dry_run=True` how many are due (`manage.py purge_expired --dry-run`);
- `gauge(name, help, value)` — a figure for the monitoring (/metrics, gongzhi.core.metrics): `value()`
  returns a number, read at each scrape (the hotline calls not yet made into cases);
- `audit_labels(...)` — how the app's audit entries read in the history (verbs per object type,
  extra keys, choices, detail models);
- `fingerprint(order, name, figures)` — figures that must read the same in a restored backup as in
  the database it was taken from (`manage.py fingerprint`, `deploy/restore_check.sh`):
  `figures(today)` returns `{key: text or number}`, computed by the one function that defines them
  (docs/metrics.md), deterministic for a given database and day.

Three things are found by name instead, as Django's admin finds `admin.py`: each app's
`tests/permission_spec.py` (the URLs of the permission-matrix test), its `demo.py` (its story in
the demo town, run by the `gongzhi.demo` app) and its `personal_data.py` (what it holds about a
person, for their page "My personal data" and its download: `gongzhi.accounts.personal_data`).

Adding an app is one folder plus one line in INSTALLED_APPS: its `apps.py` imports its
`contributions` module in `ready()`, which calls the functions below. Orders are numbers so that the
home page and the sweep keep a stable sequence whatever the order of INSTALLED_APPS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# --- Home-page attention items --------------------------------------------------------------


@dataclass(frozen=True)
class AttentionItem:
    level: str  # "warning" or "info"
    text: str
    url: str | None = None


AttentionProvider = Callable[[Any, Any, date], Iterable[AttentionItem]]


@dataclass(frozen=True)
class _Ordered:
    order: int
    name: str


@dataclass(frozen=True)
class AttentionEntry(_Ordered):
    provider: AttentionProvider = field(compare=False)


@dataclass(frozen=True)
class HomePanel(_Ordered):
    audience: str = "staff"  # "staff" or "resident"
    column: str = "main"  # staff page: "main" (wide, left) or "side"
    template: str = ""
    context: Callable[[Any, Any], dict | None] = field(default=lambda request, scope: {}, compare=False)


@dataclass(frozen=True)
class QuickLink(_Ordered):
    url_name: str = ""
    icon: str = ""
    label: Any = ""
    visible: Callable[[Any, Any], bool] = field(default=lambda request, scope: True, compare=False)


@dataclass(frozen=True)
class NavItem(_Ordered):
    url_name: str = ""
    label: Any = ""
    active: tuple[str, ...] = ()  # the pages' `nav` keys under which the entry is highlighted
    visible: Callable[[frozenset[str]], bool] = field(default=lambda permissions: True, compare=False)
    group: str = ""  # a nav_group's key: the entry shows in that group's menu


@dataclass(frozen=True)
class NavGroup(_Ordered):
    """A menu of the navigation bar gathering entries; it takes the place of its first entry's order
    among the others and shows only when the user sees at least one of its entries."""

    label: Any = ""


@dataclass(frozen=True)
class PageSection(_Ordered):
    page: str = ""
    template: str = ""
    context: Callable[[Any, Any], dict | None] = field(default=lambda request, obj: {}, compare=False)


@dataclass(frozen=True)
class Sweep(_Ordered):
    run: Callable[[], Any] = field(default=lambda: None, compare=False)


@dataclass(frozen=True)
class Purge(_Ordered):
    run: Callable[..., int] = field(default=lambda dry_run=False: 0, compare=False)


@dataclass(frozen=True)
class Fingerprint(_Ordered):
    figures: Callable[[date], dict[str, Any]] = field(default=lambda today: {}, compare=False)


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    value: Callable[[], float] = field(compare=False)


@dataclass
class AuditLabels:
    """How audit entries read: see gongzhi.core.audit_display."""

    verbs: dict[str, Any] = field(default_factory=dict)  # verb → label, for any object type
    verbs_by_type: dict[str, dict[str, Any]] = field(default_factory=dict)  # "app.model" → verb → label
    extra_fields: dict[str, Any] = field(default_factory=dict)  # recorded key (not a field) → label
    extra_choices: dict[str, Callable[[], dict]] = field(default_factory=dict)  # key → loader of {code: label}
    detail_models: dict[str, str] = field(default_factory=dict)  # action → "app.model" its before/after describe
    # action → loader of {code: label} for the values of every key of that action (attendance by name)
    action_choices: dict[str, Callable[[], dict]] = field(default_factory=dict)


_attention: dict[str, AttentionEntry] = {}
_panels: dict[str, HomePanel] = {}
_links: dict[str, QuickLink] = {}
_sweeps: dict[str, Sweep] = {}
_purges: dict[str, Purge] = {}
_sections: dict[str, PageSection] = {}
_nav: dict[str, NavItem] = {}
_nav_groups: dict[str, NavGroup] = {}
_fingerprints: dict[str, Fingerprint] = {}
_gauges: dict[str, Gauge] = {}
LABELS = AuditLabels()


def _sorted(entries: dict) -> list:
    return sorted(entries.values(), key=lambda e: (e.order, e.name))


def attention(order: int, provider: AttentionProvider, *, name: str | None = None) -> None:
    name = name or f"{provider.__module__}.{provider.__qualname__}"
    _attention[name] = AttentionEntry(order, name, provider)


def home_panel(
    order: int, name: str, *, template: str, context: Callable, audience: str = "staff", column: str = "main"
) -> None:
    if audience not in ("staff", "resident") or column not in ("main", "side"):
        raise ValueError(f"home panel {name}: audience {audience!r} / column {column!r}")
    _panels[name] = HomePanel(order, name, audience, column, template, context)


def quick_link(order: int, url_name: str, *, icon: str, label, visible: Callable | None = None) -> None:
    _links[url_name] = QuickLink(order, url_name, url_name, icon, label, visible or (lambda request, scope: True))


def nav_item(
    order: int,
    url_name: str,
    *,
    label,
    active: tuple[str, ...],
    permission: str = "",
    visible: Callable | None = None,
    group: str = "",
) -> None:
    """An entry of the navigation bar, shown to users holding `permission` (or for whom
    `visible(permissions)` is true); with `group`, inside that nav_group's menu."""
    if visible is None:
        visible = (lambda permissions: permission in permissions) if permission else (lambda permissions: True)
    _nav[url_name] = NavItem(order, url_name, url_name, label, active, visible, group)


def nav_group(order: int, key: str, *, label) -> None:
    """A menu of the navigation bar for the entries registered with `group=key`."""
    _nav_groups[key] = NavGroup(order, key, label)


def page_section(page: str, order: int, name: str, *, template: str, context: Callable) -> None:
    _sections[name] = PageSection(order, name, page, template, context)


def sweep(order: int, name: str, run: Callable[[], Any]) -> None:
    _sweeps[name] = Sweep(order, name, run)


def purge(order: int, name: str, run: Callable[..., int]) -> None:
    """A retention purge; it also runs as a step of the periodic command."""
    _purges[name] = Purge(order, name, run)
    sweep(order, name, run)


def fingerprint(order: int, name: str, figures: Callable[[date], dict[str, Any]]) -> None:
    """Figures compared between a database and its restored backup (`manage.py fingerprint`)."""
    _fingerprints[name] = Fingerprint(order, name, figures)


def gauge(name: str, help: str, value: Callable[[], float]) -> None:  # noqa: A002 - Prometheus's word
    _gauges[name] = Gauge(name, help, value)


def audit_labels(
    *,
    verbs: dict | None = None,
    verbs_by_type: dict | None = None,
    extra_fields: dict | None = None,
    extra_choices: dict | None = None,
    detail_models: dict | None = None,
    action_choices: dict | None = None,
) -> None:
    LABELS.verbs.update(verbs or {})
    for object_type, labels in (verbs_by_type or {}).items():
        LABELS.verbs_by_type.setdefault(object_type, {}).update(labels)
    LABELS.extra_fields.update(extra_fields or {})
    LABELS.extra_choices.update(extra_choices or {})
    LABELS.detail_models.update(detail_models or {})
    LABELS.action_choices.update(action_choices or {})


def attention_providers() -> list[AttentionEntry]:
    return _sorted(_attention)


def home_panels(audience: str) -> list[HomePanel]:
    return [p for p in _sorted(_panels) if p.audience == audience]


def quick_links() -> list[QuickLink]:
    return _sorted(_links)


def sweeps() -> list[Sweep]:
    return _sorted(_sweeps)


def purges() -> list[Purge]:
    return _sorted(_purges)


def page_sections(page: str) -> list[PageSection]:
    return [s for s in _sorted(_sections) if s.page == page]


def nav_items() -> list[NavItem]:
    return _sorted(_nav)


def nav_groups() -> dict[str, NavGroup]:
    return dict(_nav_groups)


def fingerprints() -> list[Fingerprint]:
    return _sorted(_fingerprints)


def gauges() -> list[Gauge]:
    return sorted(_gauges.values(), key=lambda g: g.name)
