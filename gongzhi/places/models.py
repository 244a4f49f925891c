"""Places (R-ORG-4): Town → Neighborhood → Compound → Building → Unit.

Every row below the town stores its town (the tenant) and, below the compound, its compound, so
that scoping is one indexed condition (core.scope)."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.ids import new_invite_code
from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import ScopedQuerySet

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, '-', '_' or '.', starting with a letter or digit."),
)


class Town(PublicIdModel, VersionedModel):
    """A town or sub-district (镇/街道): the tenant. Its office and inspection groups work here."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    inspection_groups_may_overlap = models.BooleanField(
        _("inspection groups may cover the same place"),
        default=True,
        help_text=_("When off, a place covered by one inspection group cannot be added to another."),
    )
    staff_second_factor = models.BooleanField(
        _("staff confirm their sign-in with a code"),
        default=False,
        help_text=_("After the password, a one-time code is sent to the staff member's mobile number."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("town")
        verbose_name_plural = _("towns")

    def __str__(self) -> str:
        return self.name


class NeighborhoodQuerySet(ScopedQuerySet):
    def area_q(self, area, scope):
        if area.everything:
            return Q()
        q = Q(town_id__in=area.towns) if area.towns else Q()
        ids = area.neighborhoods | area.compound_neighborhoods
        if ids:
            q |= Q(id__in=ids)
        return q or Q(pk__in=[])


class Neighborhood(PublicIdModel, VersionedModel):
    """A neighborhood (居民区): one party organisation and one residents' committee."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="neighborhoods", verbose_name=_("town"))
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("office address"), max_length=200, blank=True)

    objects = NeighborhoodQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "code"],
                name="neighborhood_town_code_unique",
                violation_error_message=_("A neighborhood with this code already exists in the town."),
            ),
            models.UniqueConstraint(
                fields=["town", "name"],
                name="neighborhood_town_name_unique",
                violation_error_message=_("A neighborhood with this name already exists in the town."),
            ),
        ]
        verbose_name = _("neighborhood")
        verbose_name_plural = _("neighborhoods")

    def get_absolute_url(self) -> str:
        return reverse("places:neighborhood_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.name


class CompoundQuerySet(ScopedQuerySet):
    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="neighborhood", compound="id")


class Compound(PublicIdModel, VersionedModel):
    """A residential compound (小区): one owners' committee, served by a property company under
    contract. Its invite code (on the notice-board poster) lets residents join."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("town"))
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("neighborhood")
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    invite_code = models.CharField(
        _("invite code"), max_length=12, unique=True, default=new_invite_code, editable=False
    )

    objects = CompoundQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "code"],
                name="compound_town_code_unique",
                violation_error_message=_("A compound with this code already exists in the town."),
            )
        ]
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")

    def get_absolute_url(self) -> str:
        return reverse("places:compound_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.name


class BuildingQuerySet(ScopedQuerySet):
    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="compound__neighborhood", compound="compound")


class Building(PublicIdModel, VersionedModel):
    """A building (楼栋) of a compound."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("compound")
    )
    number = models.CharField(
        _("building number"), max_length=20, help_text=_("As written on the building, e.g. 12号楼.")
    )
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True, validators=[MinValueValidator(1)])

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["compound_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "number"],
                name="building_compound_number_unique",
                violation_error_message=_("This compound already has a building with this number."),
            )
        ]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def get_absolute_url(self) -> str:
        return reverse("places:building_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.number


class UnitQuerySet(ScopedQuerySet):
    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="compound__neighborhood", compound="compound")


class Unit(PublicIdModel, VersionedModel):
    """A household (户): a unit of a building, with its exclusive floor area (专有部分面积) in m²
    and its owners (orgs.Residency with relation 'owner')."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="units")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building"))
    number = models.CharField(_("unit number"), max_length=20, help_text=_("e.g. 1201 or 3单元402."))
    area = models.DecimalField(
        _("exclusive floor area (m²)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="unit_building_number_unique",
                violation_error_message=_("This building already has a unit with this number."),
            ),
            models.CheckConstraint(
                condition=Q(area__gt=0),
                name="unit_area_positive",
                violation_error_message=_("The floor area must be greater than zero."),
            ),
        ]
        indexes = [models.Index(fields=["compound", "building"], name="unit_compound_building_idx")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def get_absolute_url(self) -> str:
        return reverse("places:unit_detail", args=[self.uid])

    def __str__(self) -> str:
        return self.number
