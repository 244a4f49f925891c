from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are created by uploads and moved on by the background task."""

    list_display = ["file_name", "town", "uploaded_by", "status", "rows_total", "created_at", "finished_at"]
    list_filter = ["status", "town"]
    search_fields = ["file_name", "sha256", "uid"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
