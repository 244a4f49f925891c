"""Inspections in the demo town, played through the services with the clock set to each moment: the
office publishes the default checklist (日常检查表) at the start of the last quarter; each inspection
group visits every compound of its coverage 11, 7, 4 and 1 weeks ago (one compound per group not since 7 weeks); failed
items become findings with rectification orders to the organisation the item (or its duty) routes
to; the older orders are answered and closed by the group's re-check (one sent back first), the
recent ones are still open, and two are left unanswered past their due date — the overdue sweep
flags them. In the last round each group sees one resolved case fixed on site. Deterministic; skipped when the town has checklists."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from gongzhi.core.models import User
from gongzhi.orgs.models import Body, Duty, Membership
from gongzhi.orgs.pickers import serving

from . import services
from .models import Checklist, ChecklistItem, RectificationOrder
from .selectors import covered_compounds
from .services import FindingInput, ItemSpec, ResultInput, SectionSpec

ORDER = 30  # after the cases (10) and the meetings (20)

WEEKS = 12
ROUNDS = (11, 7, 4, 1)  # weeks ago
SCORE = ChecklistItem.Kind.SCORE

# (section, [(item, kind, weight, highest score, photo required, routed to)])
DEFAULT_CHECKLIST = [
    (
        "环境卫生",
        [
            ("楼道、公共部位无堆物", "pass_fail", 3, 0, True, "property_company"),
            ("生活垃圾分类投放、清运及时", SCORE, 5, 5, False, "property_company"),
            ("绿化养护，无黄土裸露", SCORE, 3, 5, False, "property_company"),
        ],
    ),
    (
        "安全消防",
        [
            ("消防通道畅通，无占用", "pass_fail", 5, 0, True, "property_company"),
            ("电动自行车不进楼道、不飞线充电", "pass_fail", 3, 0, False, "residents_committee"),
            ("门岗值守、来访登记", "pass_fail", 2, 0, False, "property_company"),
        ],
    ),
    (
        "设施与公示",
        [
            ("公共照明、门禁完好", "pass_fail", 2, 0, False, "property_company"),
            ("业委会公示公共收益收支（每季度）", "pass_fail", 2, 0, False, "owners_committee"),
            ("物业服务事项、收费标准公示", "pass_fail", 1, 0, False, "property_company"),
        ],
    ),
]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


_JPEG: list[bytes] = []


def photo(name: str) -> SimpleUploadedFile:
    if not _JPEG:
        out = io.BytesIO()
        Image.new("RGB", (160, 120), (150, 150, 140)).save(out, "JPEG", quality=70)
        _JPEG.append(out.getvalue())
    return SimpleUploadedFile(name, _JPEG[0], content_type="image/jpeg")


def play(town) -> str:
    if Checklist.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    if office is None:
        return ""
    inspections, orders = _Story(town, office).play()
    return (
        f"{inspections} inspections of the last quarter with {orders} rectification orders played through the services."
    )


def _user_of(membership_filter) -> User | None:
    membership = (
        Membership.objects.filter(**membership_filter, person__user__isnull=False)
        .active()
        .select_related("person__user")
        .order_by("-position", "pk")
        .first()
    )
    return membership.person.user if membership else None


def _routable(item, compound, moment) -> bool:
    """Whether exactly one organisation of the item's kind served the compound at that moment (else
    the inspector would choose one; the demo leaves such a finding without an order)."""
    with _clock(moment):
        return serving(compound.town_id, [compound.pk]).filter(kind=item.routed_kind).count() == 1


class _Story:
    def __init__(self, town, office):
        self.town, self.office = town, office
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.inspections = 0
        self.orders: list[RectificationOrder] = []
        self.confirmed: set[int] = set()  # groups that confirmed a case on site

    def checklist(self) -> Checklist:
        duty = (
            Duty.objects.filter(town=self.town, party="property_company", text__contains="环境卫生", retired=False)
            .order_by("order")
            .first()
        )
        sections = []
        for title, items in DEFAULT_CHECKLIST:
            specs = []
            for text, kind, weight, top, photo, routed in items:
                specs.append(
                    ItemSpec(
                        text,
                        kind,
                        weight,
                        top or 5,
                        photo,
                        routed,
                        duty.pk if duty and text.startswith("楼道") else None,
                    )
                )
            sections.append(SectionSpec(title, tuple(specs)))
        start = self.today - timedelta(weeks=WEEKS + 1)
        with _clock(_at(start, 9)):
            draft = services.create_checklist(actor=self.office, town=self.town, name="日常检查表", sections=sections)
            return services.publish_checklist(actor=self.office, checklist=draft, version=draft.version)

    def play(self):
        with transaction.atomic():
            checklist = self.checklist()
            items = list(checklist.items.all())
            groups = Body.objects.filter(town=self.town, kind=Body.Kind.INSPECTION_GROUP).order_by("number")
            for group in groups:
                inspector = _user_of({"body": group}) if group.number != 1 else User.objects.get(username="inspector")
                if inspector is None:
                    continue
                compounds = list(covered_compounds(group))
                for n, compound in enumerate(compounds):
                    # Four rounds, 11, 7, 4 and 1 weeks ago; the last compound of each group is
                    # not visited in the last two (it shows as "not inspected" on the home pages).
                    for round_, weeks in enumerate(ROUNDS):
                        if round_ >= 2 and n == len(compounds) - 1:
                            continue
                        day = self.today - timedelta(weeks=weeks, days=-(n % 4))
                        while day.weekday() >= 5:
                            day += timedelta(days=1)
                        if day >= self.today:
                            continue
                        self.visit(
                            group, inspector, compound, checklist, items, day, seed=n * 7 + round_ * 3 + group.number
                        )
            self.follow_up()
        services.flag_overdue_orders(self.today)
        return self.inspections, len(self.orders)

    def visit(self, group, inspector, compound, checklist, items, day, seed):
        with _clock(_at(day - timedelta(days=7), 10)):
            visit = services.plan_visit(
                actor=inspector,
                group=group,
                compound=compound,
                on=day,
                checklist=checklist,
                members=list(services.group_people(group)[:3]),
            )
        results, findings = {}, []
        for i, item in enumerate(items):
            failing = (seed + i * 5) % 11 == 0
            if item.kind == SCORE:
                results[item.uid] = ResultInput("scored", item.max_points - ((seed + i) % 3))
            elif "业委会" in item.text and (seed % 4 == 1):
                results[item.uid] = ResultInput("na")  # owner representatives, no committee
            else:
                results[item.uid] = ResultInput(
                    "fail" if failing else "pass",
                    photos=[photo(f"{item.pk}.jpg")] if item.photo_required else [],
                )
            if failing and item.kind != SCORE and results[item.uid].outcome == "fail":
                findings.append(
                    FindingInput(
                        text=f"{item.text}：不符合要求",
                        location=f"{(seed + i) % 12 + 1}号楼",
                        item_uid=item.uid,
                        photos=[],
                        rectify=_routable(item, compound, _at(day, 9)),
                    )
                )
        with _clock(_at(day, 9, 30 + seed % 25)):
            inspection = services.submit_inspection(
                actor=inspector,
                visit=visit,
                submission_key=f"demo-{visit.uid}",
                results=results,
                findings=findings,
            )
        self.inspections += 1
        if self.today - day <= timedelta(days=services.CONFIRM_WINDOW_DAYS) and group.pk not in self.confirmed:
            self.confirm_a_case(inspection, inspector, day)
        for finding in inspection.findings.all():
            order = getattr(finding, "rectification", None)
            if order is not None:
                self.orders.append(order)

    def confirm_a_case(self, inspection, inspector, day):
        """In the last round each group sees one resolved case of the compound fixed on site."""
        case = services.cases_awaiting_confirmation(inspection).filter(resolved_at__lt=inspection.submitted_at).first()
        if case is None:
            return
        with _clock(_at(day, 11)):
            services.confirm_case_on_site(
                actor=inspector, inspection=inspection, case=case, note="现场查看，问题已解决。"
            )
        self.confirmed.add(inspection.group_id)

    def follow_up(self):
        """Orders of the last ten days are still open (every other one answered, awaiting the
        re-check); two older ones stay unanswered past their due date (overdue); one is sent back
        once before it is closed; the rest are answered within a week and closed on re-check."""
        left_overdue, sent_back = 0, False
        for n, order in enumerate(sorted(self.orders, key=lambda o: o.issued_at, reverse=True)):
            answerer = _user_of({"organization_id": order.responsible_id})
            group_user = User.objects.get(pk=order.finding.inspection.inspector_id)
            issued = timezone.localtime(order.issued_at).date()
            if answerer is None:
                continue
            recent = issued > self.today - timedelta(days=10)
            if recent and n % 2 == 0:
                continue  # just issued
            if not recent and order.due_on < self.today and left_overdue < 2:
                left_overdue += 1
                continue
            answered_on = min(issued + timedelta(days=5), self.today - timedelta(days=1))
            order = self.answer(order, answerer, answered_on)
            if recent:
                continue  # awaiting the group's re-check
            if not sent_back:
                sent_back = True
                with _clock(_at(answered_on + timedelta(days=2), 10)):
                    order = services.send_back_order(
                        actor=group_user, order=order, version=order.version, note="复查仍未整改到位，请继续整改。"
                    )
                answered_on += timedelta(days=5)
                order = self.answer(order, answerer, answered_on)
            with _clock(_at(answered_on + timedelta(days=2), 10)):
                services.close_order(actor=group_user, order=order, version=order.version, note="复查合格。")

    def answer(self, order, answerer, on):
        with _clock(_at(on, 15)):
            return services.answer_order(
                actor=answerer,
                order=order,
                version=order.version,
                text="已按要求整改完毕。",
                photos=[photo("after.jpg")],
            )
