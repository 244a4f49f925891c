"""Fixtures of the annual-report tests (test_annual_reports_*.py), on the personas' world with the
clock frozen on Friday 2026-11-27: the ad hoc meeting of 新城 on 2026-12-03 falls in the town's
report month (December, the default), so its agenda carries 新城一村's report of 2026. The
contract names property_manager the compound manager; 申江物业 also has a head (总经理), a
deputy-to-be and a colleague, each with a login."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.meetings import services
from gongzhi.meetings.models import AnnualReport
from gongzhi.orgs.models import Membership, ServiceContract
from gongzhi.testing import MembershipFactory, PersonFactory, login_for

# The fixtures, for `from .annual_reports_world import *` in the test modules.
__all__ = ["colleague", "december", "deputy", "head", "manager", "report"]

FROZEN = "2026-11-27 10:00"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECTIONS = {
    "service": "全年保洁、绿化、安保按合同执行，报修响应平均2小时。",
    "management": "完成电梯年检、消防设施维护。",
    "rectification": "针对停车难问题增设临时车位20个。",
    "other": "",
}


def pdf(name: str = "述职材料.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def company_person(world, name: str, username: str, position=Membership.Position.STAFF, title="物业员工"):
    person = PersonFactory(town=world.town, name=name)
    MembershipFactory(person=person, organization=world.orgs["pc"], title=title, position=position)
    login_for(person, username)
    return person


@pytest.fixture
def manager(world):
    """property_manager, named compound manager of 新城一村 on its contract."""
    ServiceContract.objects.filter(compound=world.c1).update(manager=world.people["property_manager"])
    return world.users["property_manager"]


@pytest.fixture
def head(world):
    return company_person(world, "赵总经理", "pc_head", Membership.Position.HEAD, "总经理")


@pytest.fixture
def deputy(world):
    return company_person(world, "王副经理", "pc_deputy", title="副经理")


@pytest.fixture
def colleague(world):
    return company_person(world, "钱客服", "pc_colleague", title="客服")


@pytest.fixture
def december(world, secretary):
    return services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城十二月联席会议",
        starts_at=timezone.make_aware(datetime(2026, 12, 3, 14, 0)),
        place="居委会",
    )


@pytest.fixture
def report(december, world, manager):
    return AnnualReport.objects.get(compound=world.c1, year=2026)


def fresh(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_related("contract").get(pk=report.pk)


def save(user, report, expected_version=None, files=(), **sections):
    return services.save_annual_report_draft(
        actor=user,
        report=report,
        sections={**SECTIONS, **sections},
        files=files,
        expected_version=fresh(report).version if expected_version is None else expected_version,
    )


def submit(user, report, expected_version=None, files=(), **sections):
    return services.submit_annual_report(
        actor=user,
        report=report,
        sections={**SECTIONS, **sections},
        files=files,
        expected_version=fresh(report).version if expected_version is None else expected_version,
    )


def delegate(user, report, person):
    return services.delegate_annual_report(
        actor=user, report=report, deputy=person, expected_version=fresh(report).version
    )
