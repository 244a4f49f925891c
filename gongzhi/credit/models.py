"""Credit files (诚信档案, R-MECH-2): the town's credit settings, the credit records of property
companies and compound managers, one objection per record, one correction request per record, and
the evidence attached to them.

A record's subject is a property company, or a compound manager (`manager`, a Person) — the
manager's record follows the person across compounds and companies, and keeps the company and the
compound at the time. Records are written by rules (`gongzhi.credit.rules`, idempotent on
`source_key`) or by the office by hand; only `gongzhi.credit.services` writes them.

Scope (`CreditRecordQuerySet.for_user`): the office and the leadership group read their town; an
inspection group, a party organisation, a residents' committee and an owners' committee read the
files of the property companies serving a compound of their area (a contract, current or past) and
of those companies' compound managers; a property company reads its own file and its managers'."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import ObjectionFields, PublicIdModel, VersionedModel
from gongzhi.core.roles import Role
from gongzhi.core.scope import NOTHING, Area, get_scope
from gongzhi.orgs.models import Organization, Person, ServiceContract

from .workflow import RecordState

MAX_POINTS = 100  # a record's points are a whole number from 1 to MAX_POINTS


class Mode(models.TextChoices):
    GRADE = "grade", _("Score and grade bands (AAA … C, blacklist)")
    POINTS = "points", _("Demerit points (Shanghai)")


class CreditSettings(VersionedModel):
    """The town's credit settings. Defaults: DOMAIN-RULES "Property-company credit file" for the
    grade mode; the points mode's two levels and the rules' thresholds are ours (docs/decisions.md)."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="credit_settings")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.GRADE)
    basic_score = models.PositiveSmallIntegerField(_("basic score"), default=80)
    good_cap = models.PositiveSmallIntegerField(_("highest total of good records"), default=40)
    band_aaa = models.PositiveSmallIntegerField(_("AAA from score"), default=85)
    band_aa = models.PositiveSmallIntegerField(_("AA from score"), default=80)
    band_a = models.PositiveSmallIntegerField(_("A from score"), default=70)
    band_b = models.PositiveSmallIntegerField(_("B from score (below: C)"), default=60)
    watch_points = models.PositiveSmallIntegerField(_("watch list from (demerit points)"), default=6)
    blacklist_points = models.PositiveSmallIntegerField(_("blacklist from (demerit points)"), default=18)
    validity_days = models.PositiveSmallIntegerField(_("a record is valid for (days)"), default=365)
    objection_days = models.PositiveSmallIntegerField(_("objection window (days from the record)"), default=15)
    correction_days = models.PositiveSmallIntegerField(_("correction checked within (working days)"), default=5)
    complaints_per_month = models.PositiveSmallIntegerField(
        _("complaints rule: more cases in a month than"), default=10
    )
    report_poor_below = models.PositiveSmallIntegerField(_("annual report rated poor below (%)"), default=60)
    report_min_ratings = models.PositiveSmallIntegerField(_("annual report: at least this many ratings"), default=3)
    disabled_rules = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("credit settings")
        verbose_name_plural = _("credit settings")

    def __str__(self) -> str:
        return f"{self.town_id}"

    @classmethod
    def for_town(cls, town_id: int) -> CreditSettings:
        """The town's settings, or the defaults (unsaved) when the office has not set any."""
        return cls.objects.filter(town_id=town_id).first() or cls(town_id=town_id)

    def rule_enabled(self, code: str) -> bool:
        return code not in (self.disabled_rules or [])

    def valid_until(self, valid_from: date) -> date:
        """The last day a record starting on `valid_from` counts (validity_days days in all)."""
        return valid_from + timedelta(days=max(self.validity_days, 1) - 1)


# --- Scope ---------------------------------------------------------------------------------------


def _reach(user, permission: str) -> tuple[bool, Area, frozenset[int], bool]:
    """(everything, area of the non-company grants, own property companies, granted at all)."""
    scope = get_scope(user)
    if not scope.has(permission):
        return False, Area(), frozenset(), False
    if scope.is_platform_admin:
        return True, Area(everything=True), frozenset(), True
    area, own = Area(), set()
    for grant in scope.grants:
        if permission not in grant.permissions:
            continue
        if grant.role == Role.PROPERTY_COMPANY:
            if grant.organization_id:
                own.add(grant.organization_id)
        else:
            area = area | grant.area
    return False, area, frozenset(own), True


def visible_companies(user, permission: str = "credit.view"):
    """The property companies whose credit file `user` reads (or, for credit.object, objects in)."""
    companies = Organization.objects.filter(kind=Organization.Kind.PROPERTY_COMPANY)
    everything, area, own, granted = _reach(user, permission)
    if not granted:
        return companies.none()
    if everything:
        return companies
    q = Q(pk__in=own) if own else NOTHING
    if area.towns:
        q |= Q(town_id__in=area.towns)
    compounds_q = area.q(town=None, neighborhood="compound__neighborhood", compound="compound")
    if compounds_q != NOTHING:
        q |= Q(pk__in=ServiceContract.objects.filter(compounds_q).values("company_id"))
    return companies.filter(q)


def visible_managers(user, permission: str = "credit.view"):
    """The compound managers whose credit file `user` reads: those named on a contract of a visible
    company, or with a record from a time they worked for one."""
    companies = visible_companies(user, permission)
    return Person.objects.filter(
        Q(pk__in=ServiceContract.objects.filter(company__in=companies, manager__isnull=False).values("manager_id"))
        | Q(pk__in=CreditRecord.objects.filter(company__in=companies, manager__isnull=False).values("manager_id"))
    )


class CreditRecordQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """The records `user` may read (credit.view), object to (credit.object) or decide on
        (credit.manage: the town's office)."""
        permission = permission or "credit.view"
        everything, area, own, granted = _reach(user, permission)
        if not granted:
            return self.none()
        if everything:
            return self.all()
        if permission == "credit.manage":
            return self.filter(town_id__in=area.towns) if area.towns else self.none()
        if permission == "credit.object":
            return self.filter(company_id__in=own) if own else self.none()
        companies = visible_companies(user, permission)
        managers = ServiceContract.objects.filter(company__in=companies, manager__isnull=False).values("manager_id")
        return self.filter(Q(company__in=companies) | Q(manager_id__in=managers))

    def of_company(self, company):
        return self.filter(company=company, manager__isnull=True)

    def of_manager(self, person):
        return self.filter(manager=person)

    def counting(self, on: date):
        """The records that may count on day `on`: valid that day and not withdrawn
        (gongzhi.credit.scoring decides, a corrected one by its correction day)."""
        return self.filter(valid_from__lte=on, valid_until__gte=on).exclude(state=RecordState.WITHDRAWN)


class CreditRecord(PublicIdModel, VersionedModel):
    """One credit record (信用记录) about a property company, or about a compound manager (with the
    company and compound at the time)."""

    class Kind(models.TextChoices):
        GOOD = "good", _("Good record")
        BAD = "bad", _("Bad record")
        SERIOUS = "serious", _("Serious breach (blacklist)")

    MANUAL = "manual"

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("property company"),
        limit_choices_to={"kind": Organization.Kind.PROPERTY_COMPANY},
    )
    manager = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("compound manager"),
    )
    compound = models.ForeignKey(
        "places.Compound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compound"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    points = models.PositiveSmallIntegerField(_("points"))
    category = models.CharField(pgettext_lazy("credit record", "category"), max_length=40, default=MANUAL)
    text = models.TextField(_("what happened"), max_length=2000)
    source_key = models.CharField(_("cause"), max_length=120, blank=True)
    source_url = models.CharField(_("link to the cause"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(
        _("state"), max_length=16, choices=RecordState.choices, default=RecordState.ACTIVE, db_index=True
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the record stopped counting after a correction (corrected state only).
    corrected_on = models.DateField(null=True, blank=True)

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["town", "company"], name="credit_record_town_company")]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "source_key"],
                condition=~Q(source_key=""),
                name="credit_record_once_per_cause",
                violation_error_message=_("This cause has already been recorded."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=MAX_POINTS),
                name="credit_record_points_in_range",
                violation_error_message=_("Points are a whole number from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="credit_record_valid_until_after_from"
            ),
            models.CheckConstraint(
                condition=Q(state="corrected", corrected_on__isnull=False) | (~Q(state="corrected")),
                name="credit_record_corrected_has_day",
            ),
        ]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self) -> str:
        subject = self.manager.name if self.manager_id else self.company.name
        return f"{subject} · {self.get_kind_display()} {self.points}"

    @property
    def is_manual(self) -> bool:
        return self.category == self.MANUAL

    @property
    def subject_name(self) -> str:
        return self.manager.name if self.manager_id else self.company.name

    def expired_on(self, day: date) -> bool:
        return day > self.valid_until

    def objection_closes(self, days: int) -> date:
        """The last day the company may object (`days` from the day the record was written)."""
        return self.recorded_at.date() + timedelta(days=days) if self.recorded_at else self.valid_from


class Objection(ObjectionFields):
    """The company's one objection to a record (异议): `record` is unique, so a second one cannot
    be stored, whatever the service checks."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("Record upheld")
        WITHDRAWN = "withdrawn", _("Record withdrawn")

    record = models.OneToOneField(CreditRecord, on_delete=models.CASCADE, related_name="objection")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.record_id}"


class Correction(models.Model):
    """The company's request to correct a record after rectification (修正), checked by the office
    within the town's working days; one per record."""

    class Outcome(models.TextChoices):
        CORRECTED = "corrected", _("Corrected")
        REFUSED = "refused", _("Correction refused")

    record = models.OneToOneField(CreditRecord, on_delete=models.CASCADE, related_name="correction")
    reason = models.TextField(_("what was rectified"), max_length=2000)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    due_on = models.DateField(_("to be checked by"))
    due_provisional = models.BooleanField(default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    check_reason = models.TextField(_("reason for the outcome"), max_length=2000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self) -> str:
        return f"{self.record_id}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"credit/{evidence.record.town_id}/{evidence.uid}.{extension}"


class Evidence(PublicIdModel):
    """A file supporting a record written by hand, an objection or a correction request (checked
    by gongzhi.core.uploads.clean_files)."""

    class Purpose(models.TextChoices):
        RECORD = "record", _("Evidence of the record")
        OBJECTION = "objection", _("Evidence of the objection")
        CORRECTION = "correction", _("Evidence of the rectification")

    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="evidence")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
