"""Organisations and bodies (R-ORG-1..3), people, their memberships (R-IMPL-2: cross-appointment),
residents' ties to units, property-service contracts and the four parties' duty lists (R-DUTY-1)."""

from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.phones import phone_validator
from gongzhi.core.scope import NOTHING, ScopedQuerySet, get_scope
from gongzhi.places.models import code_validator


class PeriodQuerySet(models.QuerySet):
    """Rows with a start and an optional end date (`start`, `end`)."""

    def active(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on)))


def organization_area_q(area, scope) -> Q:
    """Organisations seen from an area: those of its places, the property companies serving its
    compounds, and the user's own."""
    q = Q(id__in=scope.organization_ids) if scope.organization_ids else Q()
    if area.towns:
        q |= Q(town_id__in=area.towns)
    neighborhoods = area.neighborhoods | area.compound_neighborhoods
    if neighborhoods:
        q |= Q(neighborhood_id__in=neighborhoods)
    if area.neighborhoods:
        q |= Q(compound__neighborhood_id__in=area.neighborhoods)
    if area.compounds:
        q |= Q(compound_id__in=area.compounds)
    compounds_q = area.q(town=None, neighborhood="compound__neighborhood", compound="compound")
    if compounds_q != NOTHING:
        q |= Q(id__in=ServiceContract.objects.filter(compounds_q).values("company_id"))
    return q or NOTHING


class OrganizationQuerySet(ScopedQuerySet):
    view_permission = "orgs.view"

    def area_q(self, area, scope):
        return organization_area_q(area, scope)


class Organization(PublicIdModel, VersionedModel):
    """One of the four parties, or a government unit (职能部门, 派出所 …)."""

    class Kind(models.TextChoices):
        PARTY_ORG = "party_org", _("Party organisation")
        RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
        PROPERTY_COMPANY = "property_company", _("Property company")
        GOVERNMENT_UNIT = "government_unit", _("Government unit")
        DEVELOPER = "developer", _("Developer")

    NEIGHBORHOOD_KINDS = (Kind.PARTY_ORG, Kind.RESIDENTS_COMMITTEE)
    FOUR_PARTIES = (Kind.PARTY_ORG, Kind.RESIDENTS_COMMITTEE, Kind.OWNERS_COMMITTEE, Kind.PROPERTY_COMPANY)

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="organizations")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    neighborhood = models.ForeignKey(
        "places.Neighborhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("neighborhood"),
    )
    compound = models.ForeignKey(
        "places.Compound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("compound"),
    )
    owner_representatives = models.BooleanField(
        _("owner representatives"),
        default=False,
        help_text=_(
            "The compound has no owners' committee yet: these are the owner representatives who sit for "
            "the owners in the joint meeting (业委会(业主代表))."
        ),
    )
    phone = models.CharField(_("office telephone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "code"],
                name="organization_town_code_unique",
                violation_error_message=_("An organisation with this code already exists in the town."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["party_org", "residents_committee"])
                | Q(neighborhood__isnull=False, compound__isnull=True),
                name="organization_neighborhood_kinds_have_neighborhood",
                violation_error_message=_(
                    "A party organisation or residents' committee belongs to a neighborhood, not to a compound."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="owners_committee") | Q(compound__isnull=False, neighborhood__isnull=True),
                name="organization_owners_committee_has_compound",
                violation_error_message=_("An owners' committee belongs to a compound, not to a neighborhood."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["party_org", "residents_committee", "owners_committee"])
                | Q(compound__isnull=True, neighborhood__isnull=True),
                name="organization_other_kinds_have_no_place",
                violation_error_message=_(
                    "A property company, government unit or developer belongs to no neighborhood or compound."
                ),
            ),
            models.CheckConstraint(
                condition=Q(owner_representatives=False) | Q(kind="owners_committee"),
                name="organization_owner_representatives_sit_for_owners",
                violation_error_message=_("Only the owners' party can be owner representatives."),
            ),
            models.UniqueConstraint(
                fields=["neighborhood", "kind"],
                condition=Q(neighborhood__isnull=False),
                name="organization_one_per_kind_per_neighborhood",
                violation_error_message=_("This neighborhood already has an organisation of this kind."),
            ),
            models.UniqueConstraint(
                fields=["compound"],
                condition=Q(kind="owners_committee"),
                name="organization_one_owners_committee_per_compound",
                violation_error_message=_("This compound already has an owners' committee."),
            ),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def get_absolute_url(self) -> str:
        return reverse("orgs:organization_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.name

    @property
    def place(self):
        return self.compound or self.neighborhood

    @property
    def kind_label(self) -> str:
        """The kind as people say it: owner representatives are not an owners' committee."""
        if self.owner_representatives:
            return str(_("Owner representatives"))
        return self.get_kind_display()


class ServiceContractQuerySet(ScopedQuerySet, PeriodQuerySet):
    view_permission = "orgs.view"

    def area_q(self, area, scope):
        q = area.q(town="town", neighborhood="compound__neighborhood", compound="compound")
        if scope.organization_ids:
            q = (Q() if q == NOTHING else q) | Q(company_id__in=scope.organization_ids)
        return q


class ServiceContract(PublicIdModel, VersionedModel):
    """A property-service contract: a property company serves a compound for a period, with a
    compound manager (小区经理)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("property company"),
        limit_choices_to={"kind": Organization.Kind.PROPERTY_COMPANY},
    )
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("compound")
    )
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True, help_text=_("Leave empty if open-ended."))
    manager = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_contracts",
        verbose_name=_("compound manager"),
    )

    objects = ServiceContractQuerySet.as_manager()

    class Meta:
        ordering = ["compound_id", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="contract_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")

    def get_absolute_url(self) -> str:
        return reverse("orgs:contract_detail", args=[self.uid])

    def __str__(self) -> str:
        return f"{self.company} — {self.compound}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)


class BodyQuerySet(ScopedQuerySet):
    view_permission = "orgs.view"

    def area_q(self, area, scope):
        q = Q(id__in=scope.body_ids) if scope.body_ids else Q()
        if area.towns:
            q |= Q(town_id__in=area.towns)
        nbs = area.neighborhoods | area.compound_neighborhoods
        covering = Q()
        if nbs:
            covering |= Q(neighborhood_id__in=nbs) | Q(compound__neighborhood_id__in=nbs)
        if area.compounds:
            covering |= Q(compound_id__in=area.compounds)
        if covering:
            q |= Exists(BodyCoverage.objects.filter(covering, body=OuterRef("pk")))
        return q or NOTHING


class Body(PublicIdModel, VersionedModel):
    """A town-level body: the leadership group (领导小组), its office (社区事务管理办公室), or an
    inspection group (日常工作检查组) with its coverage."""

    class Kind(models.TextChoices):
        LEADERSHIP_GROUP = "leadership_group", _("Leadership group")
        OFFICE = "office", _("Community affairs office")
        INSPECTION_GROUP = "inspection_group", _("Inspection group")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    number = models.PositiveSmallIntegerField(_("order"), default=1)
    seat = models.CharField(_("seated at"), max_length=100, blank=True)
    tasks = models.TextField(_("main tasks"), blank=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "kind", "number"],
                name="body_town_kind_number_unique",
                violation_error_message=_("The town already has a body of this kind with this number."),
            ),
        ]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def get_absolute_url(self) -> str:
        return reverse("orgs:body_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.name


class BodyMemberUnit(models.Model):
    """A member unit of a body, named as the founding document names it (e.g. 区房地局房管办),
    linked to the organisation it stands for when there is one."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="member_units")
    label = models.CharField(_("member unit"), max_length=100)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["body_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "label"],
                name="body_member_unit_unique",
                violation_error_message=_("This member unit is already listed."),
            )
        ]

    def __str__(self) -> str:
        return self.label


class BodyCoverage(models.Model):
    """A neighborhood or a compound that an inspection group covers."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="coverage")
    neighborhood = models.ForeignKey(
        "places.Neighborhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("neighborhood"),
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(neighborhood__isnull=False, compound__isnull=True)
                | Q(neighborhood__isnull=True, compound__isnull=False),
                name="body_coverage_exactly_one_place",
                violation_error_message=_("Choose either a neighborhood or a compound."),
            ),
            models.UniqueConstraint(
                fields=["body", "neighborhood"],
                name="body_coverage_neighborhood_unique",
                violation_error_message=_("This place is already covered by the group."),
            ),
            models.UniqueConstraint(
                fields=["body", "compound"],
                name="body_coverage_compound_unique",
                violation_error_message=_("This place is already covered by the group."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.neighborhood or self.compound)


def person_area_q(area, scope) -> Q:
    """People seen from an area: the members of the organisations seen from it and of the user's
    own bodies, the residents of its units, and the user."""
    q = Q(id=scope.person_id) if scope.person_id else Q()
    if area.towns:
        q |= Q(town_id__in=area.towns)
    visible_orgs = Organization.objects.filter(organization_area_q(area, scope))
    q |= Exists(Membership.objects.filter(person=OuterRef("pk"), organization__in=visible_orgs))
    if scope.body_ids:
        q |= Exists(Membership.objects.filter(person=OuterRef("pk"), body_id__in=scope.body_ids))
    unit_q = area.q(town=None, neighborhood="unit__compound__neighborhood", compound="unit__compound")
    if unit_q != NOTHING:
        q |= Exists(Residency.objects.filter(unit_q, person=OuterRef("pk")))
    return q


class PersonQuerySet(ScopedQuerySet):
    view_permission = "people.view"

    def area_q(self, area, scope):
        return person_area_q(area, scope)


class Person(PublicIdModel, VersionedModel):
    """A person: staff of the four parties, a member of a body, an owner or a resident. One
    person may hold several memberships at once (交叉任职)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="people")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True, validators=[phone_validator])
    is_party_member = models.BooleanField(_("party member"), default=False)
    user = models.OneToOneField(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="person", verbose_name=_("login")
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "phone"],
                condition=~Q(phone=""),
                name="person_town_phone_unique",
                violation_error_message=_("A person with this mobile number is already recorded in the town."),
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def get_absolute_url(self) -> str:
        return reverse("orgs:person_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ScopedQuerySet, PeriodQuerySet):
    view_permission = "people.view"

    def area_q(self, area, scope):
        return Q(person__in=Person.objects.filter(person_area_q(area, scope)))


class Membership(PublicIdModel, VersionedModel):
    """A person's role (任职) in an organisation or a body, for a term."""

    class Position(models.TextChoices):
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy")
        MEMBER = "member", _("Member")
        STAFF = "staff", _("Staff")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("body")
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices, default=Position.MEMBER)
    title = models.CharField(_("title"), max_length=50, help_text=_("As used locally, e.g. 党总支书记, 小区经理."))
    start = models.DateField(_("term start"))
    end = models.DateField(_("term end"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["person_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, body__isnull=True)
                | Q(organization__isnull=True, body__isnull=False),
                name="membership_organization_or_body",
                violation_error_message=_("Choose either an organisation or a body."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.person} · {self.holder} · {self.title}"

    @property
    def holder(self):
        return self.organization or self.body

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)


class ResidencyQuerySet(ScopedQuerySet):
    view_permission = "people.view"

    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="unit__compound__neighborhood", compound="unit__compound")

    def for_user(self, user, permission: str | None = None):
        """Besides the area: one's own ties to units, for viewing only (never for binding or
        confirming — nobody confirms their own claim)."""
        permission = permission or self.view_permission
        scoped = super().for_user(user, permission)
        person_id = get_scope(user).person_id
        if permission == self.view_permission and person_id:
            return scoped | self.filter(person_id=person_id)
        return scoped

    def active(self):
        return self.filter(status__in=[Residency.Status.CLAIMED, Residency.Status.VERIFIED])


class Residency(PublicIdModel, VersionedModel):
    """A person's tie to a unit: owner, tenant or family member. Staff bind it (verified), or a
    resident claims it with the compound's invite code (claimed, until staff confirm)."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, awaiting confirmation")
        VERIFIED = "verified", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        ENDED = "ended", _("Ended")

    class Source(models.TextChoices):
        STAFF = "staff", _("Bound by staff")
        INVITE = "invite", _("Joined with invite code")
        IMPORT = "import", _("Imported")

    # The steps between the statuses: gongzhi.orgs.workflow (DESIGN.md convention 3).

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="residencies", verbose_name=_("person"))
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="residencies", verbose_name=_("unit")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    decided_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "relation"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(status__in=["claimed", "verified"]),
                name="residency_one_open_per_person_unit",
                violation_error_message=_("This person is already recorded for this unit."),
            ),
        ]
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")

    def __str__(self) -> str:
        return f"{self.person} · {self.unit} · {self.get_relation_display()}"


class DutyQuerySet(ScopedQuerySet):
    view_permission = "orgs.view"

    def area_q(self, area, scope):
        return Q(town_id__in=scope.town_ids) if scope.town_ids else NOTHING


class Duty(PublicIdModel, VersionedModel):
    """One item of a party's written duty list (seed 四㈠–㈣), kept as data: routing and
    assessment refer to it. The office edits the list."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="duties")
    party = models.CharField(_("party"), max_length=24, choices=[(k.value, k.label) for k in Organization.FOUR_PARTIES])
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("duty"))
    retired = models.BooleanField(_("retired"), default=False)

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "party", "order"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.order}"
