"""Five months of residents' cases for the demo town, played through the real services in time
order (the clock is set to each moment of the simulated history), so that every case, its
history, the counters and the three rates are exactly what the platform would have recorded.

Includes the issue's stories: a leaking pipe in 新城一村 fixed in time and rated 满意; cars blocking
the fire lane of 新城一村, explained with a commitment and escalated to the joint meeting; parking
complaints that keep coming back in 新城二村 (a hotspot). Deterministic (fixed seed); skipped when
the town already has cases. SMS of the simulated past are marked as not sent."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Case, Category
from gongzhi.cases.town_settings import settings_for
from gongzhi.core.models import User
from gongzhi.core.workdays import deadline_after
from gongzhi.notifications.models import Notification
from gongzhi.orgs.models import Membership, Organization, Person, Residency
from gongzhi.places.models import Compound

SEED = 20261127
DAYS = 150

DESCRIPTIONS = {
    "REPAIR": [
        "{b}楼道灯不亮，晚上看不清台阶",
        "{b}{u}室卫生间水管漏水，渗到楼下",
        "{b}单元门门禁坏了，关不上",
        "{b}电梯经常停在半层，老人不敢坐",
    ],
    "SANITATION": ["{b}门口垃圾堆了两天没人清运", "小区东门垃圾房异味很重", "{b}楼道里有人堆放杂物，影响通行"],
    "GREENERY": ["{b}旁边的树枝挡住了窗户", "中心花园的草坪好久没修剪了"],
    "SECURITY": ["小区北门晚上没人值守，陌生人随意进出", "{b}附近的监控坏了"],
    "PARKING": ["消防通道被私家车堵住", "{b}门口车辆乱停，救护车进不来", "非机动车停在楼道里充电，存在隐患"],
    "BUILDING": ["{b}顶楼有人在搭建阳光房", "一楼住户私自扩建院子"],
    "NEIGHBOURS": ["楼上装修噪音持续到晚上十点", "{b}{u}室养狗扰民"],
    "OWNERS": ["业委会换届的公告什么时候贴出来", "维修资金的使用情况希望公开"],
    "FACILITIES": ["儿童游乐设施的秋千坏了", "{b}门口的路灯不亮"],
    "OTHER": ["希望小区增设快递柜", "建议增加老年人活动场所"],
}
CHANNELS = ["qr"] * 10 + ["phone"] * 5 + ["visit"] * 2 + ["walk_in"] * 2 + ["api"]


ORDER = 10  # this app's demo story (see gongzhi.demo.stories): first after the town is built


def play(town) -> str:
    count = seed_cases(town)
    return f"{count} cases of the last five months played through the services." if count else ""


def seed_cases(town) -> int:

    install_default_categories(actor=None, town=town)
    if Case.objects.filter(town=town).exists():
        return 0
    return _History(town).play()


class _History:
    def __init__(self, town):

        self.town = town
        self.rng = random.Random(SEED)
        self.categories = {c.code: c for c in Category.objects.filter(town=town)}
        self.compounds = list(Compound.objects.filter(town=town).order_by("code"))
        self.owners = {}
        for r in Residency.objects.filter(town=town).select_related("person", "unit__building"):
            self.owners.setdefault(r.unit.compound_id, []).append(r)
        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in=["office", "secretary", "rcworker", "owners", "property", "13800138000"]
            )
        }
        self.events: list[tuple[datetime, int, str, dict]] = []
        self.cases: dict[int, int] = {}  # key → case id
        self.key = 0

    # --- planning ------------------------------------------------------------------------
    def at(self, day, hour, minute=0):
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    # Over 60 lines on purpose: one case's whole life read top to bottom, and its random draws must
    # stay in this order (the demo town's data depends on it).
    def plan(self, day, *, compound, category, story=None, reporter=None, channel=None, urgency="normal"):
        self.key += 1
        key = self.key
        rng = self.rng
        t = self.at(day, rng.randint(7, 20), rng.randint(0, 59))
        owners = self.owners.get(compound.pk) or []
        owner = rng.choice(owners) if owners else None
        unit = owner.unit if owner and rng.random() < 0.6 else None
        phone = reporter or (owner.person.phone if owner else "")
        self.events.append(
            (
                t,
                key,
                "submit",
                {
                    "compound": compound,
                    "category": category,
                    "owner": owner,
                    "unit": unit,
                    "phone": phone,
                    "channel": channel or rng.choice(CHANNELS),
                    "urgency": urgency,
                    "story": story,
                },
            )
        )
        # A reporter with an account answers on their own; the others are called back once the
        # callback is due (never earlier: the resident has until then to answer).
        answers_online = bool(phone) and phone in self.users
        fate = (
            story
            or rng.choices(
                ["normal", "late", "explain", "reopen", "callback", "unreachable", "escalate", "reject"],
                weights=[55, 10, 5, 6, 12, 4, 3, 5],
            )[0]
        )
        accept_after = timedelta(hours=rng.randint(2, 20)) if fate != "late" else timedelta(days=rng.randint(3, 6))
        t_accept = t + accept_after
        if fate == "stuck":  # never accepted: overdue
            return
        if fate == "open":  # accepted, being worked on
            self.events.append((t + timedelta(hours=1), key, "accept", {}))
            return
        if fate == "reject":
            self.events.append((t + timedelta(hours=5), key, "reject", {}))
            return
        self.events.append((t_accept, key, "accept", {}))
        if fate == "escalate":
            self.events.append((t_accept + timedelta(days=1), key, "explain", {"days": 20}))
            self.events.append((t_accept + timedelta(days=2), key, "escalate", {}))
            return
        if fate == "explain":
            self.events.append((t_accept + timedelta(days=1), key, "explain", {"days": 12}))
        work = (
            timedelta(days=rng.randint(1, 4)) if fate not in ("late", "explain") else timedelta(days=rng.randint(8, 14))
        )
        t_resolve = t_accept + work
        self.events.append((t_resolve, key, "resolve", {}))
        if fate in ("callback", "unreachable"):
            kind = "callback" if fate == "callback" else "unreachable"
            self.events.append((self.callback_time(t_resolve, 10), key, kind, {}))
            return
        hours = rng.randint(3, 40)
        answer = t_resolve + timedelta(hours=hours) if answers_online else self.callback_time(t_resolve, hours % 8)
        if fate == "reopen":
            self.events.append((answer, key, "feedback", {"fixed": False, "rating": "unsatisfied"}))
            t2 = answer + timedelta(days=rng.randint(1, 3))
            self.events.append((t2, key, "resolve", {}))
            again = t2 + timedelta(hours=20) if answers_online else self.callback_time(t2, 2)
            self.events.append((again, key, "feedback", {"fixed": True, "rating": "basic"}))
            return
        rating = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[72, 21, 7])[0]
        self.events.append((answer, key, "feedback", {"fixed": True, "rating": rating}))

    def callback_time(self, resolved: datetime, hour_offset: int) -> datetime:
        """A moment on the day the callback of a case resolved at `resolved` is due (the town's
        working days after resolution), during office hours."""
        day = timezone.localtime(resolved).date()
        due = deadline_after(day, settings_for(self.town.pk).callback_after_days, self.town.pk).date
        return self.at(due, 9 + hour_offset % 8, 15)

    def plan_all(self):
        today = timezone.localdate()
        rng = self.rng
        by_code = {c.code: c for c in self.compounds}
        for offset in range(DAYS, 0, -1):
            day = today - timedelta(days=offset)
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                compound = rng.choice(self.compounds)
                code = rng.choices(list(DESCRIPTIONS), weights=[30, 15, 6, 6, 12, 3, 8, 4, 8, 8])[0]
                self.plan(day, compound=compound, category=code, urgency="urgent" if rng.random() < 0.08 else "normal")
        # The stories, in 新城一村 (XC01) and 新城二村 (XC02).
        xc01, xc02 = by_code.get("XC01"), by_code.get("XC02")
        if xc01:
            self.plan(
                today - timedelta(days=9),
                compound=xc01,
                category="REPAIR",
                story="normal",
                reporter="13800138000",
                channel="qr",
            )
            self.plan(
                today - timedelta(days=6),
                compound=xc01,
                category="PARKING",
                story="escalate",
                reporter="13800138000",
                channel="qr",
            )
        if xc02:
            for back in (26, 17, 11, 4):
                self.plan(today - timedelta(days=back), compound=xc02, category="PARKING", story="normal")
        # Recent cases still being handled, and one left waiting past its deadline.
        for back in (1, 0, 0):
            self.plan(
                today - timedelta(days=back), compound=rng.choice(self.compounds), category="REPAIR", story="open"
            )
        self.plan(today - timedelta(days=8), compound=rng.choice(self.compounds), category="SANITATION", story="stuck")
        now = timezone.now()
        self.events = [e for e in self.events if e[0] < now - timedelta(minutes=5)]
        self.events.sort(key=lambda e: (e[0], e[1]))

    # --- playing -------------------------------------------------------------------------
    def play(self) -> int:
        self.plan_all()

        with transaction.atomic():
            for moment, key, kind, data in self.events:
                with mock.patch("django.utils.timezone.now", return_value=moment):
                    if kind == "submit":
                        case = self.submit(moment, data)
                        if case is not None:
                            self.cases[key] = case.pk
                        continue
                    if key not in self.cases:
                        continue
                    case = Case.objects.get(pk=self.cases[key])
                    self.act(case, kind, data, moment)
                with mock.patch("django.utils.timezone.now", return_value=moment):
                    services.sweep(timezone.localtime(moment).date())
            services.sweep()
            cutoff = timezone.now() - timedelta(days=2)
            Notification.objects.filter(phone__gt="", sms_sent_at__isnull=True).update(
                sms_sent_at=timezone.now(), sms_error="demo history: not sent"
            )
            Notification.objects.filter(created_at__lt=cutoff, read_at__isnull=True).update(read_at=timezone.now())
        return len(self.cases)

    def submit(self, moment, data):

        rng = self.rng
        compound, owner, unit, phone = data["compound"], data["owner"], data["unit"], data["phone"]
        text = rng.choice(DESCRIPTIONS[data["category"]]).format(
            b=unit.building.number if unit else "3号楼", u=unit.number if unit else "201"
        )
        reporter_user = self.users.get(phone) if phone else None
        channel = data["channel"]
        if channel in ("qr", "resident") and reporter_user is None:
            channel = "phone"
        report = services.Report(
            compound=compound,
            category=self.categories[data["category"]],
            description=text,
            urgency=data["urgency"],
            building=unit.building if unit else None,
            unit=unit,
            reporter_name=self.name_of(phone, owner),
            reporter_phone=phone,
            hide_identity=rng.random() < 0.05,
        )
        actor = None if channel in ("qr", "resident") else self.neighborhood_user(compound.neighborhood_id)
        if channel == "api":
            actor = self.users.get("office")
        return services.submit_case(actor=actor, report=report, channel=channel, reporter_user=reporter_user)

    def name_of(self, phone, owner) -> str:
        """The reporter's name: the person of the town with that number (the demo resident's own
        reports carry their name), else the sampled owner's."""

        person = Person.objects.filter(town=self.town, phone=phone).first() if phone else None
        return person.name if person else (owner.person.name if owner else "")

    def handler_user(self, case):

        membership = (
            Membership.objects.filter(organization_id=case.handler_id, person__user__isnull=False)
            .active()
            .select_related("person__user")
            .first()
        )
        return membership.person.user if membership else User.objects.get(username="rcworker")

    def act(self, case, kind, data, moment):

        rc = self.rc_user(case)
        caller = self.callback_user(case)
        handler = self.handler_user(case)
        v = case.version
        today = timezone.localtime(moment).date()
        if kind == "accept":
            services.accept_case(actor=handler, case=case, expected_version=v)
        elif kind == "reject":
            services.reject_case(actor=rc, case=case, reason="经核实为重复反映，已在其他诉求中处理", expected_version=v)
        elif kind == "explain":
            services.explain_case(
                actor=rc,
                case=case,
                explanation="需要协调相关单位共同处理，已向居民说明情况",
                committed_date=today + timedelta(days=data["days"]),
                expected_version=v,
            )
        elif kind == "escalate":
            services.escalate_case(
                actor=rc, case=case, reason="涉及物业、业委会和派出所三方，提交联席会议协商", expected_version=v
            )
        elif kind == "resolve":
            services.resolve_case(actor=handler, case=case, resolution="已安排人员现场处理完毕", expected_version=v)
        elif kind == "feedback":
            reporter = case.reporter_user or User.objects.filter(phone=case.reporter_phone).first()
            if reporter is None:
                services.record_feedback(
                    actor=caller,
                    case=case,
                    fixed=data["fixed"],
                    rating=data["rating"],
                    by_callback=True,
                    expected_version=v,
                )
            else:
                services.record_feedback(
                    actor=reporter, case=case, fixed=data["fixed"], rating=data["rating"], expected_version=v
                )
        elif kind == "callback":
            services.record_feedback(
                actor=caller,
                case=case,
                fixed=True,
                rating=self.rng.choice(["satisfied", "basic"]),
                comment="电话回访",
                by_callback=True,
                expected_version=v,
            )
        elif kind == "unreachable":
            services.close_unreachable(actor=caller, case=case, note="三次电话回访均未接通", expected_version=v)

    def rc_user(self, case):
        return self.neighborhood_user(case.neighborhood_id)

    def callback_user(self, case):
        """Who calls the resident back: the residents' committee, or — when the committee (or
        someone also seated in it) handles the case — the party organisation, else the office:
        never the handling organisation's own people."""
        for kind in (Organization.Kind.RESIDENTS_COMMITTEE, Organization.Kind.PARTY_ORG):
            memberships = (
                Membership.objects.filter(
                    organization__neighborhood_id=case.neighborhood_id,
                    organization__kind=kind,
                    person__user__isnull=False,
                )
                .active()
                .select_related("person__user")
                .order_by("-position", "pk")
            )
            for membership in memberships:
                user = membership.person.user
                if not services.belongs_to_handling(user, case):
                    return user
        return self.users["office"]

    def neighborhood_user(self, neighborhood_id):
        """A residents' committee worker of the neighborhood (enters calls, calls back)."""

        membership = (
            Membership.objects.filter(
                organization__neighborhood_id=neighborhood_id,
                organization__kind=Organization.Kind.RESIDENTS_COMMITTEE,
                person__user__isnull=False,
            )
            .active()
            .select_related("person__user")
            .order_by("-position")
            .first()
        )
        return membership.person.user if membership else User.objects.get(username="rcworker")
