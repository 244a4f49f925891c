from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_mixins import ReadOnlyAdmin
from .models import AuditChain, AuditEntry, CalendarDay, CalendarYear, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "phone", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Gongzhi"), {"fields": ("display_name", "phone")}))


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
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "confirmed_by", "confirmed_at")
