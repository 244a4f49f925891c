"""`manage.py seed_demo`: build the demo town, then play every app's demo story in it."""

from __future__ import annotations

from .stories import play_stories
from .town import build_town


def seed(stdout=None) -> None:
    town = build_town(stdout=stdout)
    play_stories(town, stdout=stdout)
