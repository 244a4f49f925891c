"""Inspections' test set-up: a published checklist, a visit planned for the inspector's group and
small pictures. Built through the services (they are short), except where a test needs a state."""

from __future__ import annotations

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.inspections import services
from gongzhi.inspections.models import ChecklistItem
from gongzhi.inspections.services import FindingInput, ItemSpec, ResultInput, SectionSpec

SECTIONS = (
    SectionSpec(
        "环境卫生",
        (
            ItemSpec("楼道无堆物", weight=2, responsible_kind="property_company", photo_required=True),
            ItemSpec(
                "垃圾分类规范",
                kind=ChecklistItem.Kind.SCORE,
                weight=3,
                max_points=5,
                responsible_kind="property_company",
            ),  # fmt: skip
        ),
    ),
    SectionSpec("公示", (ItemSpec("业委会公示收支", weight=1, responsible_kind="owners_committee"),)),
)


def photo(name="photo.jpg", size=(64, 48), colour=(90, 140, 60)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def noisy_photo(name="huge.jpg", size=(300, 300)) -> SimpleUploadedFile:
    """A picture whose file is tens of kilobytes (random pixels do not compress)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "JPEG", quality=95)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def not_a_picture(name="notes.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"this is text, not a picture" * 10, content_type="image/jpeg")


def published_checklist(world, name="日常检查表", sections=SECTIONS, **kwargs):
    office = world.users["office"]
    checklist = services.create_checklist(actor=office, town=world.town, name=name, sections=sections, **kwargs)
    return services.publish_checklist(actor=office, checklist=checklist, version=checklist.version)


def planned_visit(world, checklist=None, compound=None, group="g1", actor="inspector", on=None):
    checklist = checklist or published_checklist(world)
    return services.plan_visit(
        actor=world.users[actor],
        group=world.bodies[group],
        compound=compound or world.c3,
        on=on or timezone.localdate(),
        checklist=checklist,
        members=[world.people["inspector"]] if group == "g1" else [],
    )


def all_passed(checklist, **overrides) -> dict[str, ResultInput]:
    """Every item passed (scored items full marks, the photo-required one with a photo)."""
    out = {}
    for item in checklist.items.all():
        if item.kind == ChecklistItem.Kind.SCORE:
            out[item.uid] = ResultInput("scored", item.max_points)
        else:
            out[item.uid] = ResultInput("pass", photos=[photo()] if item.photo_required else [])
    out.update(overrides)
    return out


def item(checklist, text) -> ChecklistItem:
    return checklist.items.get(text=text)


def submit(world, visit, key="key-0000000001", results=None, findings=(), actor="inspector"):
    return services.submit_inspection(
        actor=world.users[actor],
        visit=visit,
        submission_key=key,
        results=results if results is not None else all_passed(visit.checklist),
        findings=list(findings),
    )


def inspected_with_order(world, responsible=None, checklist=None):
    """An inspection of 世博家园 (c3) by g1 with one finding on 楼道无堆物 and its order."""
    visit = planned_visit(world, checklist)
    checklist = visit.checklist
    stairs = item(checklist, "楼道无堆物")
    results = all_passed(checklist, **{stairs.uid: ResultInput("fail")})
    finding = FindingInput("3号楼楼道堆放杂物", "3号楼2单元", stairs.uid, [photo()], True, responsible)
    inspection = submit(world, visit, results=results, findings=[finding])
    return inspection, inspection.findings.get().rectification


class Scenario:
    """For the pages: a published checklist and a draft; in 世博家园 (c3, group g1's coverage) one
    visit inspected with a finding and its order to 申江物业, one visit still planned; in 新城二村
    (c2) a visit of group g3, outside the inspector's coverage."""

    def __init__(self, world):
        self.checklist = published_checklist(world)
        self.draft = services.create_checklist(
            actor=world.users["office"], town=world.town, name="消防专项检查表", sections=SECTIONS
        )
        self.inspection, self.order = inspected_with_order(world, checklist=self.checklist)
        self.done_visit = self.inspection.visit
        self.finding = self.order.finding
        self.finding_photo = self.finding.photos.get()
        self.planned = planned_visit(world, self.checklist)
        self.foreign = planned_visit(world, self.checklist, group="g3", compound=world.c2, actor="office")


def scenario(world) -> Scenario:
    return Scenario(world)
