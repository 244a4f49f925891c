"""Awards (评优): the year's 好当家 (neighborhood party organisations and residents' committees),
好管家 (property companies and compound managers) and the 优秀物业服务企业达标 check (property
companies meeting the town's standard), seed 三 and 七.2, R-MECH-2, R-MECH-5, R-ORG-1.

A round is one award of one year in one town. When it opens, every organisation (or manager) the
award can go to is listed as a candidate with what decides its eligibility — the year's published
assessments and the credit file on the reference day, and any warning-letter measure taking away
award eligibility — each exclusion with the records behind it (gongzhi.awards.eligibility). The
office and the inspection groups nominate eligible candidates with a reason (the standard check
needs no nomination: every candidate meeting it is proposed); the nominated are ranked like with
like on the year's assessment figure; the leadership group approves the proposal; the office
announces it on the public page, which writes a good credit record for each property company and
manager awarded. An announced round never changes.

Scope (`RoundQuerySet.for_user`, `CandidateQuerySet.for_user`): the office and the leadership
group read their town's rounds and candidates; an inspection group reads the rounds with a
candidate in the places it covers, and those candidates only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import NOTHING, Area, get_scope

from .workflow import RoundState


class AwardKind(models.TextChoices):
    GOOD_STEWARD = "good_steward", _("Good steward award (好当家)")
    GOOD_MANAGER = "good_manager", _("Good manager award (好管家)")
    EXCELLENT_COMPANY = "excellent_company", _("Excellent property company standard (优秀物业服务企业达标)")


WHO_OF = {
    AwardKind.GOOD_STEWARD: _("Neighborhood party organisations and residents' committees"),
    AwardKind.GOOD_MANAGER: _("Property companies and compound managers"),
    AwardKind.EXCELLENT_COMPANY: _("Property companies meeting the town's standard"),
}


class Group(models.TextChoices):
    """Like with like: candidates are ranked, and places given, within their group."""

    PARTY_ORG = "party_org", _("Party organisations")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committees")
    PROPERTY_COMPANY = "property_company", _("Property companies")
    MANAGER = "manager", _("Compound managers")


GROUPS_OF = {
    AwardKind.GOOD_STEWARD: (Group.PARTY_ORG, Group.RESIDENTS_COMMITTEE),
    AwardKind.GOOD_MANAGER: (Group.PROPERTY_COMPANY, Group.MANAGER),
    AwardKind.EXCELLENT_COMPANY: (Group.PROPERTY_COMPANY,),
}
# The standard check has no nominations and no places: every candidate meeting it is proposed.
STANDARD_CHECKS = frozenset({AwardKind.EXCELLENT_COMPANY})


class AwardSettings(VersionedModel):
    """The town's award settings; defaults in docs/decisions.md (awards)."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="award_settings")
    steward_min_score = models.PositiveSmallIntegerField(
        _("Good steward: the year's assessment score at least"), default=85
    )
    manager_min_score = models.PositiveSmallIntegerField(
        _("Good manager: the mean of the year's property-service scores at least"), default=85
    )
    excellent_min_score = models.PositiveSmallIntegerField(
        _("Standard check: the mean of the year's property-service scores at least"), default=90
    )
    excellent_min_quarters = models.PositiveSmallIntegerField(
        _("Standard check: quarters assessed in the year at least"), default=2
    )
    excellent_min_grade = models.CharField(
        _("Standard check: credit grade at least (grade mode)"),
        max_length=3,
        default="A",
        choices=[(g, g) for g in ("AAA", "AA", "A", "B")],
    )
    places = models.PositiveSmallIntegerField(_("places per group (good steward, good manager)"), default=2)

    class Meta:
        verbose_name = _("award settings")
        verbose_name_plural = _("award settings")

    def __str__(self) -> str:
        return f"{self.town_id}"

    @classmethod
    def for_town(cls, town_id: int) -> AwardSettings:
        return cls.objects.filter(town_id=town_id).first() or cls(town_id=town_id)


def _reach(user, permission: str) -> tuple[Area, bool]:
    scope = get_scope(user)
    if not scope.has(permission):
        return Area(), False
    if scope.is_platform_admin:
        return Area(everything=True), True
    return scope.area(permission), True


def _candidates_in(area: Area):
    """The candidates in the places of `area` (towns, neighborhoods, compounds)."""
    q = area.q(town="round__town", neighborhood="neighborhood", compound=None)
    served = area.q(town=None, neighborhood="compounds__neighborhood", compound="compounds")
    if served != NOTHING:
        q = served if q == NOTHING else q | Q(pk__in=Candidate.objects.filter(served).values("pk"))
    return q


class RoundQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        area, granted = _reach(user, permission or "awards.view")
        if not granted or area.empty:
            return self.none()
        if area.everything:
            return self.all()
        q = Q(town_id__in=area.towns) if area.towns else NOTHING
        if area.neighborhoods or area.compounds:
            covered = Q(pk__in=Candidate.objects.filter(_candidates_in(area)).values("round_id"))
            q = covered if q == NOTHING else q | covered
        return self.filter(q)


class Round(PublicIdModel, VersionedModel):
    """One award of one year in one town."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("award"), max_length=20, choices=AwardKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    reference_date = models.DateField(_("eligibility checked on"))
    places = models.PositiveSmallIntegerField(_("places per group"), null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("sent back because"), max_length=2000, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    announcement = models.TextField(_("announcement"), max_length=2000, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["town", "year", "kind"], name="award_round_once_a_year")]
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def title(self) -> str:
        return str(AwardKind(self.kind).label)

    @property
    def who(self) -> str:
        return str(WHO_OF[AwardKind(self.kind)])

    @property
    def standard_check(self) -> bool:
        return self.kind in STANDARD_CHECKS

    @property
    def groups(self) -> tuple:
        return GROUPS_OF[AwardKind(self.kind)]

    @property
    def frozen(self) -> bool:
        return self.state == RoundState.ANNOUNCED


class CandidateQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        area, granted = _reach(user, permission or "awards.view")
        if not granted or area.empty:
            return self.none()
        if area.everything:
            return self.all()
        return self.filter(_candidates_in(area))


class Candidate(PublicIdModel, VersionedModel):
    """One organisation or manager a round's award can go to, with what decided its eligibility
    (stored when checked, frozen once the round is submitted) and its nomination."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="candidates")
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # a manager's company (of the latest contract naming them in the year)
    neighborhood = models.ForeignKey(
        "places.Neighborhood", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    compounds = models.ManyToManyField("places.Compound", blank=True, related_name="+")
    figure = models.DecimalField(_("the year's assessment figure"), max_digits=5, decimal_places=1, null=True)
    assessed = models.PositiveSmallIntegerField(default=0)  # assessments behind the figure
    records = models.JSONField(default=list, blank=True)  # [[label, url], …] the assessments
    credit = models.JSONField(_("credit on the reference day"), default=dict, blank=True)  # the standing's fields
    credit_score = models.IntegerField(null=True, blank=True)
    exclusions = models.JSONField(default=list, blank=True)  # [[code, params, url], …]
    eligible = models.BooleanField(default=False)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(null=True, blank=True)
    nomination = models.TextField(_("why nominated"), max_length=2000, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    proposed = models.BooleanField(default=False)
    awarded = models.BooleanField(default=False)
    credit_record = models.ForeignKey(
        "credit.CreditRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["round", "group", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "group", "organization"],
                condition=Q(organization__isnull=False),
                name="award_candidate_once_per_organization",
            ),
            models.UniqueConstraint(
                fields=["round", "person"], condition=Q(person__isnull=False), name="award_candidate_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False, person__isnull=True)
                | Q(organization__isnull=True, person__isnull=False),
                name="award_candidate_one_subject",
            ),
        ]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.person_id:
            return f"{self.person.name}（{self.company.name}）" if self.company_id else self.person.name
        return self.organization.name

    @property
    def nominated(self) -> bool:
        return self.nominated_at is not None

    @property
    def exclusion_list(self) -> list[tuple[str, str, str]]:
        """(code, words in the reader's language, link) of each exclusion."""
        from .eligibility import exclusion_text

        return [(code, exclusion_text(code, params), url) for code, params, url in self.exclusions]

    @property
    def exclusion_texts(self) -> str:
        return "；".join(text for _code, text, _url in self.exclusion_list)

    @property
    def credit_text(self) -> str:
        """The credit standing on the reference day, as the credit pages say it ("" without a file)."""
        from gongzhi.credit.scoring import Standing

        if not self.credit:
            return ""
        fields = {k: self.credit.get(k) for k in ("mode", "score", "grade", "total", "level", "blacklisted")}
        return Standing(on=self.round.reference_date, **fields).summary
