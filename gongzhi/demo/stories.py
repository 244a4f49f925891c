"""Each app's demo story, found without this app naming it (as the admin finds admin.py).

A story is the module `demo.py` of an installed `gongzhi.*` app. It imports nothing from
`gongzhi.demo` (the demo app sits above every other app) and exposes two names:

    ORDER = 10
        Stories play in ascending ORDER after the town is built (ties: INSTALLED_APPS order).
        A story that needs another's data plays after it: cases 10, meetings 20 (its ad hoc meeting
        takes up an escalated case), later apps after what they build on.

    def play(town) -> str:
        Plays the story in the demo town 浦江镇 (a gongzhi.places Town, with its places,
        organisations, people and the persona logins of gongzhi.demo.personas already there —
        look them up by username, e.g. "secretary", or by the resident's phone) through the app's
        services. Idempotent: does nothing when the town already has the story's data. Returns a
        line for the console ("244 cases of the last five months played through the services."),
        or "" when it did nothing.

A story may offer hooks to the apps above it, for a part that must happen in the middle of it:
the meetings' story calls what was registered with `gongzhi.meetings.demo.follow_resolution` right
after its resolution. An app whose demo only fills such hooks (notices) defines neither ORDER nor
play; every `demo.py` is imported before the first story plays, so its hooks are in place.

Adding an app with a demo story = one `demo.py` in that app; nothing here changes. A `demo.py`
with only one of ORDER and play is an error, not a silent skip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

MODULE = "demo"


@dataclass(frozen=True)
class Story:
    app: str  # the app's label
    order: int
    play: Callable[..., str]


def discover() -> list[Story]:
    """The stories of the installed gongzhi apps, in the order they play."""
    stories = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("gongzhi.") or app_config.name == __package__:
            continue
        if not module_has_submodule(app_config.module, MODULE):
            continue
        module = import_module(f"{app_config.name}.{MODULE}")
        order, play = getattr(module, "ORDER", None), getattr(module, "play", None)
        if order is None and play is None:
            continue  # it only fills another story's hooks (imported above)
        if not isinstance(order, int) or not callable(play):
            raise ImproperlyConfigured(f"{module.__name__} must define ORDER (an int) and play(town) (see {__name__}).")
        stories.append(Story(app=app_config.label, order=order, play=play))
    return sorted(stories, key=lambda story: story.order)  # stable: ties keep INSTALLED_APPS order


def play_stories(town, stdout=None) -> None:
    for story in discover():
        told = story.play(town)
        if stdout and told:
            stdout.write(f"{town.name}: {told}")
