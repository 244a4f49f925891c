"""Joint meetings of the demo town, played through the real services with the clock set to each
moment (like the cases' history, gongzhi.cases.demo): the monthly meeting of every neighborhood
for the last four months and this month, held with attendance and minutes — except that one
neighborhood skipped a month and another left its minutes unapproved, so the compliance page has
something to show. In 新城 the issue's story: the owners' committee proposes repainting the
façades of 新城一村 (a major matter), each party gives its position, the meeting votes, the
resolution names the owners' committee to lead with the property company (the notices app's demo
adds its written notice to the compound's residents here: see follow_resolution); the property
company reports progress. An ad hoc meeting of 新城 next week has the escalated
fire-lane case on its drafted agenda. Deterministic; skipped when the town has meetings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone

from gongzhi.cases.workflow import State as CaseState
from gongzhi.core.models import User
from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, MatterKind, Meeting
from gongzhi.orgs.models import Membership, Organization
from gongzhi.places.models import Compound, Neighborhood

MONTHS = 4


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _month_start(day, back: int):
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return day.replace(year=year, month=month, day=1)


ORDER = 20  # this app's demo story (see gongzhi.demo.stories): after the cases (it takes up an escalated one)

# What the apps above meetings add to the story right after the façade resolution is adopted (the
# notices app: a written notice to the compound's residents), registered from their own demo.py with
# @follow_resolution: `follow_up(story, resolution, chair, moment)` plays its part at `moment`
# (`story.clock(moment)` sets the clock; `story.users` holds the persona logins).
_resolution_follow_ups: dict[str, Callable] = {}  # by name: a module imported again replaces, not adds


def follow_resolution(follow_up: Callable) -> Callable:
    _resolution_follow_ups[f"{follow_up.__module__}.{follow_up.__qualname__}"] = follow_up
    return follow_up


def play(town) -> str:
    count = seed_meetings(town)
    return f"{count} joint meetings of the last months played through the services." if count else ""


def seed_meetings(town) -> int:

    if Meeting.objects.filter(town=town).exists():
        return 0
    return _Story(town).play()


class _Story:
    def __init__(self, town):

        self.town = town
        self.now = timezone.now()  # the real moment (the story sets the clock to each of its moments)
        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in=["office", "secretary", "rcworker", "owners", "property", "13800138000"]
            )
        }
        membership = (
            Membership.objects.filter(person__user=self.users.get("secretary"), organization__isnull=False)
            .select_related("organization__neighborhood")
            .first()
        )
        self.xincheng = membership.organization.neighborhood if membership else None
        self.count = 0

    def clock(self, moment):
        return mock.patch("django.utils.timezone.now", return_value=moment)

    def play(self) -> int:

        today = timezone.localdate()
        neighborhoods = list(
            Neighborhood.objects.filter(town=self.town, organizations__kind="party_org").distinct().order_by("code")
        )
        rules = services.settings_for(self.town.pk)
        with transaction.atomic():
            for back in range(MONTHS, -1, -1):
                first = _month_start(today, back)
                day = services.nth_working_day(first.year, first.month, rules.regular_working_day, self.town.pk)
                starts = _at(day, 14)
                if starts > timezone.now() - timedelta(hours=3):
                    continue  # this month's meeting is still to come: the periodic sweep schedules it
                others = [n for n in neighborhoods if n != self.xincheng]
                skipped = others[-1] if back == 1 and others else None  # shows as missed
                unapproved = others[-2] if back == 1 and len(others) > 1 else None  # minutes left in draft
                for neighborhood in neighborhoods:
                    if neighborhood == skipped:
                        continue
                    story = back == 1 and neighborhood == self.xincheng
                    self.hold(neighborhood, starts, approve=neighborhood != unapproved, story=story)
            if self.xincheng is not None:
                self.upcoming()
                self.congress()
        return self.count

    def congress(self):
        """新城's residents' congress of last month set two tasks for its residents' committee:
        one reported carried out, one still open (seed 四㈡2)."""
        rc_user = self.users.get("rcworker")
        if rc_user is None:
            return
        held = _month_start(timezone.localdate(), 1) + timedelta(days=17)
        title = f"{held.year}年第四季度居民代表会议"
        with self.clock(_at(held, 16)):
            gas = services.record_congress_task(
                actor=rc_user,
                neighborhood=self.xincheng,
                held_on=held,
                title=title,
                text="排查辖区独居老人家中燃气安全隐患，建立台账",
                due=held + timedelta(days=30),
            )
            services.record_congress_task(
                actor=rc_user,
                neighborhood=self.xincheng,
                held_on=held,
                title=title,
                text="在居委会门口设置旧衣物回收箱并公示清运时间",
                due=timezone.localdate() + timedelta(days=20),
            )
        with self.clock(_at(held + timedelta(days=12), 10)):
            services.report_progress(
                actor=rc_user, resolution=gas, text="已走访独居老人42户，发现隐患3处，均已督促整改并建立台账", done=True
            )

    def chair_user(self, neighborhood):
        if neighborhood == self.xincheng and "secretary" in self.users:
            return self.users["secretary"]
        return self.users.get("office")

    def hold(self, neighborhood, starts, *, approve: bool, story: bool):

        chair = self.chair_user(neighborhood)
        with self.clock(starts - timedelta(days=7)):
            meeting = services._create_meeting(
                actor=None,
                neighborhood=neighborhood,
                kind=Meeting.Kind.REGULAR,
                title=f"{neighborhood.name}联席会议（{starts:%Y年%m月}）",
                starts_at=starts,
                place=f"{neighborhood.name}居委会会议室",
            )
            self.count += 1
            facade = self.propose_facade(meeting) if story else None
            services.send_invitations(actor=chair, meeting=meeting, expected_version=meeting.version)
        meeting = Meeting.objects.get(pk=meeting.pk)
        with self.clock(starts):
            meeting = services.open_meeting(actor=chair, meeting=meeting, expected_version=meeting.version)
            invitees = list(meeting.invitees.order_by("pk"))
            marks = {i.pk: ("present", "") for i in invitees}
            if len(invitees) > 4 and not story:
                marks[invitees[-1].pk] = ("absent", "")
            meeting = services.record_attendance(
                actor=chair, meeting=meeting, marks=marks, expected_version=meeting.version
            )
        for number, item in enumerate(meeting.items.order_by("order"), start=1):
            moment = starts + timedelta(minutes=15 * number)
            with self.clock(moment):
                item.refresh_from_db()
                if facade is not None and item.pk == facade.pk:
                    self.vote_facade(meeting, item, chair, moment)
                    continue
                if item.source == AgendaItem.Source.CASES and self.decide_case(meeting, item, chair, moment):
                    continue
                services.record_notes(
                    actor=chair, item=item, notes="各方通报情况，共同研究处理办法。", expected_version=item.version
                )
                item.refresh_from_db()
                services.conclude_item(
                    actor=chair,
                    item=item,
                    outcome="已研究，责成相关单位按职责抓紧处理，下次会议通报。",
                    expected_version=item.version,
                )
        with self.clock(starts + timedelta(hours=2)):
            meeting.refresh_from_db()
            meeting = services.end_meeting(actor=chair, meeting=meeting, expected_version=meeting.version)
        if approve:
            with self.clock(starts + timedelta(days=1, hours=3)):
                minutes = meeting.minutes.get()
                services.approve_minutes(actor=chair, minutes=minutes, expected_version=minutes.version)

    # --- the story of 新城 --------------------------------------------------------------
    def propose_facade(self, meeting):

        owners = self.users.get("owners")
        compound = Compound.objects.filter(neighborhood=meeting.neighborhood).order_by("code").first()
        if owners is None or compound is None:
            return None
        kind = MatterKind.objects.get(town=self.town, name="房屋维修")
        item = services.propose_item(
            actor=owners,
            meeting=meeting,
            title=f"{compound.name}外立面粉刷",
            description="外墙涂料大面积起皮脱落，业委会提议使用专项维修资金对全部楼栋外立面重新粉刷。",
            major_kind=kind,
            compound=compound,
        )
        stances = {
            "secretary": ("agree", ""),
            "rcworker": ("agree", ""),
            "owners": ("agree", ""),
            "property": ("conditional", "需先完成维修资金使用表决和施工方比选"),
        }
        for persona, (stance, text) in stances.items():
            user = self.users.get(persona)
            if user is None:
                continue
            for org in services.parties_of(user, meeting.neighborhood_id):
                if org in services.required_parties(item) and not item.positions.filter(organization=org).exists():
                    services.record_position(
                        actor=user, item=item, organization=org, stance=stance, text=text, expected_version=None
                    )
        return item

    def vote_facade(self, meeting, item, chair, moment):

        if services.missing_positions(item):
            item = services.waive_consultation(
                actor=chair, item=item, reason="其余各方已当面表态，会前未及录入。", expected_version=item.version
            )
        item = services.record_notes(
            actor=chair,
            item=item,
            notes="物业公司说明施工方比选安排；业委会说明维修资金使用表决计划；居委会负责居民告知。",
            expected_version=item.version,
        )
        item = self.vote_yes(meeting, item, chair)
        owners_committee = Organization.objects.filter(kind="owners_committee", compound=item.compound).first()
        company = (
            services.neighborhood_parties(meeting.neighborhood_id)
            .filter(kind="property_company", contracts__compound=item.compound)
            .first()
        )
        if owners_committee is None or not item.state == "passed":
            return
        due = timezone.localtime(moment).date() + timedelta(days=60)
        resolution = services.adopt_resolution(
            actor=chair,
            item=item,
            text=f"同意{item.compound.name}外立面粉刷：由业委会牵头组织维修资金使用表决，物业公司协助比选施工单位并组织施工。",
            lead=owners_committee,
            co_organizations=[company] if company else [],
            due=due,
        )
        for follow_up in _resolution_follow_ups.values():  # e.g. the notices app: a written notice two days later
            follow_up(self, resolution, chair, moment + timedelta(days=2))
        property_user = self.users.get("property")
        if property_user is not None and company is not None:
            with self.clock(moment + timedelta(days=12)):
                services.report_progress(
                    actor=property_user,
                    resolution=resolution,
                    text="已邀请三家施工单位报价，比选方案报业委会。",
                )

    def vote_yes(self, meeting, item, chair):
        """Every voting member present votes yes and the chair closes the ballot."""
        ballot = services.open_ballot(actor=chair, item=item, expected_version=item.version)
        for invitee in meeting.invitees.filter(voting=True, attendance__in=["present", "represented"]):
            services.cast_vote(actor=chair, ballot=ballot, invitee=invitee, choice="yes")
        services.close_ballot(actor=chair, ballot=ballot)
        item.refresh_from_db()
        return item

    def decide_case(self, meeting, item, chair, moment) -> bool:
        """An escalated case on the agenda: the meeting resolves that its handler leads, with the
        residents' committee, within two weeks; where that date has passed, the lead reported it
        carried out and the chair checked and closed it (which resolves the case). False when
        there is no escalated case to decide (the item is then discussed as the others)."""
        case = item.cases.filter(state=CaseState.ESCALATED).select_related("handler", "category").first()
        if case is None:
            return False
        item = self.vote_yes(meeting, item, chair)
        if item.state != "passed":
            return True  # voted down: the end of the meeting gives the case back to its handler
        lead = case.handler
        committee = Organization.objects.filter(neighborhood=meeting.neighborhood, kind="residents_committee").first()
        due = timezone.localtime(moment).date() + timedelta(days=14)
        resolution = services.adopt_resolution(
            actor=chair,
            item=item,
            text=f"{case.category.name}问题由{lead.name}牵头处理，居委会配合做好居民工作，{due:%m月%d日}前办结。",
            lead=lead,
            co_organizations=[committee] if committee and committee != lead else [],
            due=due,
        )
        reporter = self.member_user(lead)
        done_at = moment + timedelta(days=10)
        if reporter is None or done_at > self.now - timedelta(days=2):
            return True
        with self.clock(done_at):
            services.report_progress(
                actor=reporter, resolution=resolution, text="已按决议处理完毕，现场已恢复。", done=True
            )
        with self.clock(done_at + timedelta(days=1)):
            resolution.refresh_from_db()
            services.check_resolution(
                actor=chair,
                resolution=resolution,
                close=True,
                note="经现场检查，已落实。",
                expected_version=resolution.version,
            )
        return True

    def member_user(self, organization):
        membership = (
            Membership.objects.filter(organization=organization, person__user__isnull=False)
            .active()
            .select_related("person__user")
            .order_by("-position", "pk")
            .first()
        )
        return membership.person.user if membership else None

    def upcoming(self):

        chair = self.chair_user(self.xincheng)
        starts = _at(timezone.localdate() + timedelta(days=5), 14)
        services.schedule_meeting(
            actor=chair,
            neighborhood=self.xincheng,
            title=f"{self.xincheng.name}联席会议（临时）",
            starts_at=starts,
            place=f"{self.xincheng.name}居委会会议室",
        )
        self.count += 1
