from django.contrib import admin

from gongzhi.core.admin_mixins import ReadOnlyAdmin

from .models import PhoneCode


@admin.register(PhoneCode)
class PhoneCodeAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "address", "created_at", "expires_at", "attempts", "used_at")
    search_fields = ("phone",)
