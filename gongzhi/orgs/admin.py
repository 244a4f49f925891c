"""The orgs models in the Django admin: lists with search and filters for platform support.
Read-only: every change goes through the services (and thus the audit log), on the pages of the
app or by spreadsheet import."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Body,
    BodyCoverage,
    BodyMemberUnit,
    Duty,
    Membership,
    Organization,
    Person,
    Residency,
    ServiceContract,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberUnitInline(admin.TabularInline):
    model = BodyMemberUnit
    fields = ["order", "label", "organization"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CoverageInline(admin.TabularInline):
    model = BodyCoverage
    fields = ["neighborhood", "compound"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "town", "neighborhood", "compound", "uid"]
    list_filter = ["kind", "town"]
    search_fields = ["name", "code", "uid"]
    list_select_related = ["town", "neighborhood", "compound"]


@admin.register(ServiceContract)
class ServiceContractAdmin(ReadOnlyAdmin):
    list_display = ["compound", "company", "start", "end", "manager", "town", "uid"]
    list_filter = ["town"]
    search_fields = ["compound__name", "company__name", "uid"]
    list_select_related = ["compound", "company", "manager", "town"]
    date_hierarchy = "start"


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "number", "town", "seat", "uid"]
    list_filter = ["kind", "town"]
    search_fields = ["name", "uid"]
    list_select_related = ["town"]
    inlines = [MemberUnitInline, CoverageInline]


@admin.register(BodyMemberUnit)
class BodyMemberUnitAdmin(ReadOnlyAdmin):
    list_display = ["label", "body", "organization", "order"]
    list_filter = ["body__town"]
    search_fields = ["label", "body__name", "organization__name"]
    list_select_related = ["body", "organization"]


@admin.register(BodyCoverage)
class BodyCoverageAdmin(ReadOnlyAdmin):
    list_display = ["body", "neighborhood", "compound"]
    list_filter = ["body__town"]
    search_fields = ["body__name", "neighborhood__name", "compound__name"]
    list_select_related = ["body", "neighborhood", "compound"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "town", "is_party_member", "user", "uid"]
    list_filter = ["is_party_member", "town"]
    search_fields = ["name", "phone", "uid", "user__username"]
    list_select_related = ["town", "user"]
    exclude = ["phone"]  # personal data: searchable by support, not listed


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "organization", "body", "position", "title", "start", "end", "uid"]
    list_filter = ["position", "town"]
    search_fields = ["person__name", "organization__name", "body__name", "title", "uid"]
    list_select_related = ["person", "organization", "body"]
    date_hierarchy = "start"


@admin.register(Residency)
class ResidencyAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "relation", "status", "source", "decided_at", "uid"]
    list_filter = ["status", "relation", "source", "town"]
    search_fields = ["person__name", "unit__number", "unit__compound__name", "uid"]
    list_select_related = ["person", "unit"]


@admin.register(Duty)
class DutyAdmin(ReadOnlyAdmin):
    list_display = ["party", "order", "short_text", "retired", "town", "uid"]
    list_filter = ["party", "retired", "town"]
    search_fields = ["text", "uid"]
    list_select_related = ["town"]

    @admin.display(description=_("duty"))
    def short_text(self, obj):
        return obj.text[:60]
