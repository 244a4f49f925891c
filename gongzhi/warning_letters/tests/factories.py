"""The warning letters' test set-up on the shared `world`: letters drafted by the office and taken
through the services. 申江物业 (pc) serves 新城一村 (c1) and 世博家园 (c3); the property_manager
persona works for it."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.warning_letters import services
from gongzhi.warning_letters.models import Level


def photo(name="整改后.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def draft(world, addressee="pc", *, level=Level.NOTICE, text="消防通道堆放杂物未清理。", measures=(), compound=None):
    org = world.orgs[addressee] if isinstance(addressee, str) else addressee
    return services.draft_by_hand(
        actor=world.users["office"],
        town=world.town,
        addressee=org,
        level=level,
        cause_text=text,
        measures=measures,
        compound=compound,
    )


def sent(world, addressee="pc", **kwargs):
    letter = draft(world, addressee, **kwargs)
    return services.approve_and_send(actor=world.users["office"], letter=letter, version=letter.version)


def acknowledged(world, addressee="pc", who="property_manager", **kwargs):
    letter = sent(world, addressee, **kwargs)
    return services.acknowledge(actor=world.users[who], letter=letter, version=letter.version)


def answered(world, addressee="pc", who="property_manager", **kwargs):
    letter = acknowledged(world, addressee, who, **kwargs)
    return services.answer(
        actor=world.users[who],
        letter=letter,
        version=letter.version,
        text="杂物已清理，通道已划线。",
        evidence=[photo()],
    )


class Scenario:
    """A draft to 申江物业, a letter sent to it (about 新城一村), one acknowledged, one answered with a
    photo; a letter sent to 世博党总支 (po2, 世博: the inspector's coverage, the cross-appointed
    member's organisation) and one to 新城一村业委会 (oc1)."""

    def __init__(self, world):
        self.draft = draft(world)
        self.sent = sent(world, compound=world.c1)
        self.acknowledged = acknowledged(world)
        self.answered = answered(world)
        self.evidence = self.answered.evidence.get()
        self.po2 = sent(world, "po2", text="十一月联席会议未召开。")
        self.oc1 = sent(world, "oc1", text="未按规定公示维修资金使用情况。")


def scenario(world) -> Scenario:
    return Scenario(world)
