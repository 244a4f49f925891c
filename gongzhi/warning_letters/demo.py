"""The warning letters in the demo town, played through the services with the clock set to each
moment: the office sends the property persona's company (the company serving 新城一村 in the demo
town) a 提示函 about the fire lane, which it acknowledges, answers with a photo and the office
verifies and closes; a second 提示函, about the rubbish collection, is acknowledged but never
answered — past its deadline the sweep escalates it, and the office approves the 警示函 that
follows (which writes the company's bad credit record); it waits for the company's answer. One
draft waits for the office's approval: the first overdue rectification order the inspections left,
drafted by its trigger (or, without one, a draft by hand to the compound's owners' committee).
Deterministic; skipped when the town has warning letters."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.core.models import User
from gongzhi.orgs.models import Organization, ServiceContract

from . import services, triggers
from .models import Letter, Level, WarningSettings

ORDER = 70  # after the inspections (30) and the credit files (60)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _photo(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (120, 150, 130)).save(out, "JPEG", quality=70)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def play(town) -> str:
    if Letter.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    property_user = User.objects.filter(username="property").first()
    if office is None or property_user is None:
        return ""
    contract = (
        ServiceContract.objects.filter(town=town, manager__user=property_user)
        .select_related("company", "compound")
        .order_by("start", "pk")
        .first()
    )
    if contract is None:
        return ""
    company, compound = contract.company, contract.compound
    today = timezone.localdate()

    def step(days_ago, hour, call):
        with _clock(_at(today - timedelta(days=days_ago), hour)):
            return call()

    # 1. A notice letter answered with a photo, verified and closed.
    fire = step(
        60,
        9,
        lambda: services.draft_by_hand(
            actor=office,
            town=town,
            addressee=company,
            level=Level.NOTICE,
            cause_text=f"{compound.name}5号楼消防通道长期堆放杂物、停放非机动车，经口头提醒仍未清理。",
            compound=compound,
        ),
    )
    fire = step(60, 10, lambda: services.approve_and_send(actor=office, letter=fire, version=fire.version))
    fire = step(59, 9, lambda: services.acknowledge(actor=property_user, letter=fire, version=fire.version))
    fire = step(
        55,
        16,
        lambda: services.answer(
            actor=property_user,
            letter=fire,
            version=fire.version,
            text="杂物已全部清理，非机动车已移至车棚；消防通道已重新划线并设置禁停标识。",
            evidence=[_photo("消防通道清理后.jpg")],
        ),
    )
    step(
        53,
        10,
        lambda: services.verify(
            actor=office, letter=fire, version=fire.version, rectified=True, note="现场复核：通道畅通，标识清晰。"
        ),
    )

    # 2. A notice letter acknowledged, never answered: escalated past its deadline to a 警示函.
    rubbish = step(
        45,
        9,
        lambda: services.draft_by_hand(
            actor=office,
            town=town,
            addressee=company,
            level=Level.NOTICE,
            cause_text=f"{compound.name}生活垃圾清运不及时，垃圾房周边连续多日满溢，居民多次反映。",
            compound=compound,
        ),
    )
    rubbish = step(45, 10, lambda: services.approve_and_send(actor=office, letter=rubbish, version=rubbish.version))
    rubbish = step(44, 14, lambda: services.acknowledge(actor=property_user, letter=rubbish, version=rubbish.version))
    days_after = max((today - rubbish.deadline).days - 1, 3)
    warning = step(days_after, 2, lambda: services.escalate(actor=None, letter=rubbish))
    warning = step(2, 10, lambda: services.approve_and_send(actor=office, letter=warning, version=warning.version))

    # 3. A draft waiting for the office's approval.
    causes = triggers.overdue_orders(town, WarningSettings.for_town(town.pk), today)
    if causes:
        waiting = services.draft_by_rule(
            causes[0], town_id=town.pk, today=today, settings=WarningSettings.for_town(town.pk)
        )
    else:
        waiting = None
    if waiting is None:
        committee = Organization.objects.filter(kind=Organization.Kind.OWNERS_COMMITTEE, compound=compound).first()
        waiting = services.draft_by_hand(
            actor=office,
            town=town,
            addressee=committee or company,
            level=Level.NOTICE,
            cause_text="本季度公共收益收支情况未按规定公示。",
            compound=compound,
        )
    return (
        f"3 warning letters ({fire.number_label} closed, {warning.number_label} 警示函 waiting for its answer, "
        f"one draft to approve) played through the services."
    )
