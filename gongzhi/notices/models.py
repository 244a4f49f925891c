"""Written notices of major matters (书面通报 / 公示, R-MTG-6): published on the compounds' public
pages with a comment period; residents bound to a unit give their opinions, the responsible
organisation replies, and at the end of the period the opinions and replies go onto the next
joint meeting's agenda. Workflow fields change only through gongzhi.notices.services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel
from gongzhi.core.querysets import NeighborhoodScopedQuerySet

from .workflow import NoticeState


class NoticeQuerySet(NeighborhoodScopedQuerySet):
    view_permission = "meetings.view"

    def public(self):
        return self.filter(state__in=[NoticeState.PUBLISHED, NoticeState.CLOSED, NoticeState.SUMMARISED])


class Notice(PublicIdModel):
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="+", verbose_name=_("neighborhood")
    )
    compounds = models.ManyToManyField("places.Compound", related_name="notices", verbose_name=_("compounds"))
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=100)
    body = models.TextField(_("text"), max_length=20000)
    responsible = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replies from"),
        help_text=_("The organisation that answers residents' opinions."),
    )
    comment_days = models.PositiveSmallIntegerField(
        _("comment period (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    resolution = models.ForeignKey(
        "meetings.Resolution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("resolution"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=NoticeState.choices, default=NoticeState.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("comments close at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("written notice")
        verbose_name_plural = _("written notices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.uid])

    @property
    def last_day(self):
        """The last day residents may comment (comments close at the start of the next day)."""
        if self.closes_at is None:
            return None
        return (timezone.localtime(self.closes_at) - timedelta(microseconds=1)).date()

    def public_url(self) -> str:
        return reverse("notices:public", args=[self.uid])


class NoticeAttachment(PublicIdModel):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="notices/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class Opinion(PublicIdModel):
    """A resident's opinion on a notice, and the responsible organisation's reply."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    text = models.TextField(_("opinion"), max_length=2000)
    created_at = models.DateTimeField()
    reply = models.TextField(_("reply"), blank=True, max_length=5000)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["notice_id", "created_at"]
        indexes = [models.Index(fields=["author", "created_at"], name="opinion_author_time_idx")]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return self.text[:30]
