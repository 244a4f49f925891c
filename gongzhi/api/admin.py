"""The admin is a read-only window on API tokens and the intakes of hotline calls; tokens are created with
`manage.py create_api_token` (the secret is printed once) and revoked here or with --revoke."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin_mixins import ReadOnlyAdmin

from . import services
from .models import ApiToken, Intake


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "town", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("town", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username")
    exclude = ("secret_hash",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_token(actor=request.user, token=token)
        messages.success(request, _("The selected tokens no longer work."))


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdmin):
    list_display = ("key", "token", "status", "case", "external_ref", "created_at", "processed_at")
    list_filter = ("token", "status")
    search_fields = ("key", "external_ref", "case__number")
    raw_id_fields = ("case",)
