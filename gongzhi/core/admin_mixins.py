"""Admin classes for domain records: the admin is a read-only window on them. Changes go through
the platform's pages and services, so that every change is validated, scoped and audited."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
