"""The credit files in the demo town, played through the services: the rules' sweep turns the
inspections' overdue rectification orders into bad records; the office writes records by hand with
their evidence about the property persona's company (佳园物业 in the demo town; the persona is
新城一村's compound manager) — three bad records, a good one, and a good one about the manager; the
property persona objects to one record (waiting for the office's decision) and asks for the
correction of another after rectification (waiting for the office's check). Deterministic; skipped
when the town has credit records."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.core.models import User
from gongzhi.orgs.models import ServiceContract

from . import services, sweeps
from .models import CreditRecord

ORDER = 60  # after the inspections (30): their overdue orders become records

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def play(town) -> str:
    if CreditRecord.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    property_user = User.objects.filter(username="property").first()
    if office is None or property_user is None:
        return ""
    today = timezone.localdate()
    by_rule = sweeps.overdue_orders(today)
    contract = (
        ServiceContract.objects.filter(town=town, manager__user=property_user)
        .select_related("company", "compound", "manager")
        .order_by("start", "pk")
        .first()
    )
    if contract is None:
        return ""
    company, compound, manager = contract.company, contract.compound, contract.manager

    def write(subject, kind, points, text, days_ago, *, person=None, where=None):
        return services.record_by_hand(
            actor=office,
            company=subject,
            manager=person,
            compound=where,
            kind=kind,
            points=points,
            text=text,
            evidence=[_pdf("检查记录.pdf")],
            valid_from=today - timedelta(days=days_ago),
        )

    fire = write(company, "bad", 5, "消防通道堆放杂物，经约谈后仍未清理", 40, where=compound)
    fees = write(company, "bad", 3, "未在小区显著位置公示物业服务收费标准", 6, where=compound)
    write(company, "good", 5, "小区经理获评镇级“好管家”", 100, person=manager, where=compound)
    write(company, "bad", 6, "电梯年度检验逾期两个月", 60, where=compound)
    write(company, "good", 3, "垃圾分类示范小区创建达标", 120, where=compound)
    written = 5
    services.ask_correction(
        actor=property_user,
        record=fire,
        version=fire.version,
        reason="杂物已全部清理，消防通道已划线并设置禁停标识",
        evidence=[_pdf("整改照片说明.pdf")],
    )
    services.object_to_record(
        actor=property_user,
        record=fees,
        version=fees.version,
        reason="收费标准已于大门公告栏公示，检查时公告栏正在更换",
        evidence=[_pdf("公示照片.pdf")],
    )
    return (
        f"{by_rule + written} credit records (one objection waiting, one correction asked) played through the services."
    )
