"""督办 (supervision): the leadership group or the office urges an overdue record — a case, a
rectification order, a resolution, a warning letter (gongzhi.supervision.kinds). The organisations
responsible are notified, the urging is on the record's own timeline, and the urged record is
listed until it moves: when it is no longer overdue (done, answered, closed — or given a later
date), the sweep marks the urging "moved" with the state it reached.

One urging per record while it waits (`supervision_one_waiting_per_record`); urging it again
counts (`times`) and notifies again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import get_scope

KIND_CHOICES = [
    ("case", _("Case")),
    ("order", _("Rectification order")),
    ("resolution", _("Resolution")),
    ("letter", _("Warning letter")),
]


class UrgingQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """The urgings of the towns where the user holds the permission (the office, the
        leadership group); nobody else reads the list — the organisations urged see the urging
        on their record and in their notifications."""
        scope = get_scope(user)
        permission = permission or "supervision.view"
        if not scope.has(permission):
            return self.none()
        area = scope.area(permission)
        if area.everything:
            return self.all()
        return self.filter(town_id__in=area.towns) if area.towns else self.none()

    def waiting(self):
        return self.filter(moved_at__isnull=True)


class Urging(PublicIdModel, VersionedModel):
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=KIND_CHOICES)
    object_id = models.PositiveBigIntegerField()
    object_uid = models.CharField(max_length=12)
    title = models.CharField(_("record"), max_length=200)
    url = models.CharField(max_length=200)
    organizations = models.ManyToManyField("orgs.Organization", related_name="+", verbose_name=_("responsible"))
    due = models.DateField(_("was due"), null=True, blank=True)
    state_when_urged = models.CharField(_("state when urged"), max_length=60)
    note = models.TextField(_("what is asked"), max_length=1000)
    urged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_urged_at = models.DateTimeField()
    last_urged_at = models.DateTimeField()
    times = models.PositiveSmallIntegerField(default=1)
    moved_at = models.DateTimeField(_("moved"), null=True, blank=True)
    moved_to = models.CharField(_("state reached"), max_length=60, blank=True)

    objects = UrgingQuerySet.as_manager()

    class Meta:
        ordering = ["-last_urged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(moved_at__isnull=True),
                name="supervision_one_waiting_per_record",
            )
        ]
        indexes = [models.Index(fields=["town", "moved_at"], name="urging_town_moved")]
        verbose_name = _("urging")
        verbose_name_plural = _("urgings")

    def __str__(self) -> str:
        return self.title

    @property
    def waiting(self) -> bool:
        return self.moved_at is None
