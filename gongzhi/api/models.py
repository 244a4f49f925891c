"""The HTTP API's data: tokens that let a machine (the 12345 hotline bridge) act as one account of
a town, and the intakes of its calls (one per idempotency key), which the worker turns into cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel
from gongzhi.core.scope import NOTHING, ScopedQuerySet


class ApiTokenQuerySet(ScopedQuerySet):
    """Tokens are managed by the town's office (town.manage)."""

    view_permission = "town.manage"

    def area_q(self, area, scope):
        return Q(town_id__in=area.towns) if area.towns else NOTHING

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(PublicIdModel):
    """A secret that lets a machine call the API as `user`, within `town`. Only the SHA-256 of
    the secret is stored; the secret itself is shown once, when the token is created. `prefix`
    (the secret's first characters) tells people which token is which."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses it, e.g. 12345 hotline bridge."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("acts as"),
        help_text=_("The API acts with this account's permissions and scope."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the whole secret
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Intake(PublicIdModel):
    """A call taken in from the hotline bridge (`POST /api/v1/cases`), one per token and
    `Idempotency-Key`: the same key with the same body is answered with this intake again, with
    another body refused. The call is checked and stored at once (one INSERT); the worker turns
    pending intakes into cases in batches (gongzhi.api.services.process_intakes). Its uid is the
    receipt the bridge asks about; it also keeps the hotline's own reference (`external_ref`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be taken in")
        CREATED = "created", _("Case created")
        FAILED = "failed", _("Not taken in")

    # No index of its own: the unique (token, key) serves lookups by token.
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="intakes", db_index=False)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)  # hex SHA-256 of the request body, normalised
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    payload = models.JSONField()  # the report, with the ids of its places and category
    errors = models.JSONField(default=dict, blank=True)  # why it was not taken in (field → messages)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_intake_token_key_unique")]
        # Every index costs each call's INSERT: only the pending ones are indexed for the worker.
        indexes = [models.Index(fields=["id"], condition=Q(status="pending"), name="api_intake_pending_idx")]
        verbose_name = _("hotline intake")
        verbose_name_plural = _("hotline intakes")

    def __str__(self) -> str:
        return f"{self.token_id}:{self.key}"
