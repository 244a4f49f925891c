from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import audit
from .admin_mixins import ReadOnlyAdmin
from .models import AuditChain, AuditEntry, CalendarDay, CalendarYear, User

AUDITED_USER_FIELDS = ("username", "display_name", "phone", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts in the admin, every change audited like the platform's own: who was made an
    administrator, whose number or password changed (issue 11)."""

    list_display = ("username", "display_name", "phone", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Gongzhi"), {"fields": ("display_name", "phone")}))

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            previous = User.objects.filter(pk=obj.pk).first() if change else None
            super().save_model(request, obj, form, change)
            fields = [f for f in AUDITED_USER_FIELDS if previous is None or getattr(previous, f) != getattr(obj, f)]
            after = audit.snapshot(obj, fields)
            if not change:
                after["password"] = obj.has_usable_password()  # whether one was set, never the hash
            if after:
                audit.record(
                    request.user,
                    "core.user.update" if change else "core.user.create",
                    obj,
                    before=audit.snapshot(previous, fields) if previous else None,
                    after=after,
                )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.record(request.user, "core.user.set_password", user, after={"by": request.user.get_username()})
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "chain", "seq", "actor_label", "action", "object_repr")
    list_filter = ("chain", "action")
    search_fields = ("object_repr", "actor_label", "action")
    date_hierarchy = "at"


@admin.register(AuditChain)
class AuditChainAdmin(ReadOnlyAdmin):
    list_display = ("key", "last_seq", "last_hash")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "town", "kind", "name")
    list_filter = ("kind",)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "confirmed_by", "confirmed_at")
