"""The kernel's data: user accounts, the hash-chained audit log, the working-day calendar's
overrides, and the abstract bases every scoped record uses."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ids import new_uid


class PublicIdModel(models.Model):
    """A record reachable by URL: the URL carries `uid`, an unguessable code, never the pk."""

    uid = models.CharField(_("code"), max_length=12, unique=True, default=new_uid, editable=False)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record people edit in forms: `version` guards against silent overwrites
    (see core.records.update_record)."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ObjectionFields(models.Model):
    """What every objection holds (an organisation objects once to something written about it, and
    the office decides): who raised it and why, and the office's decision with its reason. The
    concrete model adds what it objects to and its `decision` field with its own choices."""

    reason = models.TextField(_("reason"), max_length=2000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    decision_reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A login. Staff log in with a username and password; residents with their mobile number
    and a one-time code. What a user may see and do comes from the memberships of the Person
    linked to the account (orgs.Person.user), never from flags on the account itself."""

    phone = models.CharField(_("mobile number"), max_length=11, unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class AuditChain(models.Model):
    """The head of one hash chain: one per town, plus one for platform-wide records (the
    calendar). Appending locks this row, so entries of one chain are strictly sequential."""

    key = models.CharField(max_length=40, unique=True)
    town = models.OneToOneField("places.Town", null=True, blank=True, on_delete=models.PROTECT)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return self.key


class AuditEntry(models.Model):
    """One state change. Append-only: saving an existing entry or deleting one raises; each
    entry's hash covers its content and the previous entry's hash (core.audit)."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="entries")
    seq = models.BigIntegerField()
    town = models.ForeignKey("places.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_chain_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object_idx")]
        ordering = ["chain_id", "seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only and cannot be deleted.")


class CalendarDay(VersionedModel):
    """An override of the official working-day schedule: platform-wide (no town), entered by
    the platform administrator — a statutory holiday, or a make-up working day (调休上班) on a
    weekend; or one town's own exception, entered by its office, which wins over the
    platform-wide schedule in that town."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Make-up working day")

    town = models.ForeignKey(
        "places.Town",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_days",
        verbose_name=_("town"),
        help_text=_("Empty for the national schedule, which applies in every town."),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("For example 春节 or 国庆节."))

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(town__isnull=True), name="calendar_day_platform_date_unique"
            ),
            models.UniqueConstraint(
                fields=["town", "date"], condition=Q(town__isnull=False), name="calendar_day_town_date_unique"
            ),
        ]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """The platform administrator's confirmation that a year's national schedule (holidays and
    make-up days) has been entered in full. A year is 'known' when the official package covers it
    or it is confirmed here; deadlines in an unknown year are provisional."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=200, help_text=_("The official notice, e.g. 国办发明电〔2026〕号.")
    )
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class PeriodicStep(models.Model):
    """How the last run of one step of the periodic command (`manage.py periodic`) went: when it
    started and how long it took. An operational figure for the monitoring (/metrics), written by
    the command alone and overwritten by each run; not a record of the town's work, so not audited."""

    name = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField()
    seconds = models.FloatField()
    failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.seconds:.3f} s"
