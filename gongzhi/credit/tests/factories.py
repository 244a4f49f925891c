"""The credit files' test set-up on the shared `world`: 申江物业 (pc) serves 新城一村 (c1, its
compound manager is the property_manager persona) and 世博家园 (c3); 浦东物业 (pc2) serves 新城二村
(c2) with 李经理 as its manager. Records are written through the services."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.credit import services
from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.testing import ContractFactory, OrganizationFactory, PersonFactory


def pdf(name="evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test evidence\n%%EOF\n", content_type="application/pdf")


def name_manager(world):
    """The property_manager persona is the compound manager of 新城一村 (c1) for 申江物业."""
    ServiceContract.objects.filter(company=world.orgs["pc"], compound=world.c1).update(
        manager=world.people["property_manager"]
    )
    return world.people["property_manager"]


def second_company(world):
    pc2 = OrganizationFactory(town=world.town, kind=Organization.Kind.PROPERTY_COMPANY, code="pc2", name="浦东物业")
    manager = PersonFactory(town=world.town, name="李经理")
    ContractFactory(company=pc2, compound=world.c2, start=timezone.localdate() - timedelta(days=5), manager=manager)
    world.orgs["pc2"] = pc2
    world.people["pc2_manager"] = manager
    return pc2


def by_hand(world, company=None, *, kind="bad", points=5, manager=None, compound=None, text="未按约定清运垃圾"):
    return services.record_by_hand(
        actor=world.users["office"],
        company=company or world.orgs["pc"],
        manager=manager,
        compound=compound,
        kind=kind,
        points=points,
        text=text,
        evidence=[pdf()],
    )


class Scenario:
    def __init__(self, world):
        self.manager = name_manager(world)
        self.pc2 = second_company(world)
        self.pc = world.orgs["pc"]
        self.record = by_hand(world, compound=world.c1)
        self.manager_record = by_hand(world, manager=self.manager, compound=world.c1, text="小区经理未到岗")
        self.pc2_record = by_hand(world, self.pc2, compound=world.c2)
        objected = by_hand(world, text="消防通道堵塞")
        self.objected = services.object_to_record(
            actor=world.users["property_manager"],
            record=objected,
            version=objected.version,
            reason="已在规定时间内整改",
        )
        asked = by_hand(world, text="绿化未养护")
        self.asked = services.ask_correction(
            actor=world.users["property_manager"],
            record=asked,
            version=asked.version,
            reason="已补种",
            evidence=[pdf("after.pdf")],
        )
        self.evidence = self.record.evidence.get()


def scenario(world) -> Scenario:
    return Scenario(world)
