"""What needs a user's attention on their home page, by what they may do. Each item is a
count with a link to the records behind it; a zero count is not listed. The items come from the
apps (gongzhi.core.registry.attention); the kernel adds the working-day calendar's."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .registry import AttentionItem as Item
from .scope import get_scope
from .workdays import years_missing_data


def items_for(user) -> list[Item]:
    scope = get_scope(user)
    today = timezone.localdate()
    items: list[Item] = []
    for entry in registry.attention_providers():
        items.extend(entry.provider(user, scope, today))
    return items


def calendar_items(user, scope, today):
    """The national working-day schedule of a year the deadlines reach has not been entered: for
    the platform administrator, who enters it, a warning to act on; for a town's office, whose
    deadlines it makes provisional but who cannot enter it, the same as information."""
    if not scope.has("calendar.manage"):
        return
    for year in years_missing_data(today):
        url = reverse("core:calendar") + f"?year={year}"
        if scope.is_platform_admin:
            yield Item(
                "warning",
                _(
                    "The working-day schedule of %(year)s has not been entered. Deadlines falling in %(year)s count "
                    "weekends only and are marked provisional until you enter the official holidays and make-up "
                    "working days and confirm the year."
                )
                % {"year": year},
                url,
            )
        else:
            yield Item(
                "info",
                _(
                    "The national working-day schedule of %(year)s has not been entered yet. Deadlines falling in "
                    "%(year)s count weekends only and are marked provisional until the platform administrator enters "
                    "it; ask them if it is late."
                )
                % {"year": year},
                url,
            )
