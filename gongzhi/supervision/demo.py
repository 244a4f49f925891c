"""督办 in the demo town, through the services: the leader urges the oldest overdue rectification
order and the office the oldest overdue case (when there are such), so that the list, the
notifications and the records' histories have something to show. Skipped when the town has
urgings."""

from __future__ import annotations

from django.utils import timezone

from gongzhi.core.models import User

from . import kinds, services
from .models import Urging

ORDER = 80  # after every story that leaves overdue records

NOTES = {
    "order": "请责任单位本周内完成整改，并在平台上传整改前后照片。",
    "case": "请尽快受理并联系居民，处理进展在平台上及时反馈。",
}


def play(town) -> str:
    if Urging.objects.filter(town=town).exists():
        return ""
    leader = User.objects.filter(username="leader").first()
    office = User.objects.filter(username="office").first()
    if leader is None or office is None:
        return ""
    today = timezone.localdate()
    urged = []
    for code, actor in (("order", leader), ("case", office)):
        spec = kinds.get(code)
        oldest = spec.overdue_in([town.pk], today).order_by("pk").first()
        if oldest is not None:
            services.urge(actor=actor, kind=code, obj=oldest, note=NOTES[code])
            urged.append(spec.title(oldest))
    return f"督办: {len(urged)} overdue records urged." if urged else ""
