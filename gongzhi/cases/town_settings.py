"""The town's case settings as every case service reads them: kept per process for 30 s.

Below both the services and the counters (gongzhi.cases.stats), which read the assessment
window from here."""

from __future__ import annotations

from gongzhi.core import process_cache

from .models import CaseSettings

SETTINGS_CACHE = "case-settings"


def settings_for(town_id: int) -> CaseSettings:
    """The town's case settings, kept per process for 30 s (read on every intake; a change in
    another process is seen within that time, in this one at once)."""

    def load():
        settings, _created = CaseSettings.objects.get_or_create(town_id=town_id)
        return settings

    return process_cache.remembered(SETTINGS_CACHE, town_id, 30, load)
