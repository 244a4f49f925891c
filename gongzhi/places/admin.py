from django.contrib import admin

from gongzhi.core.admin_mixins import ReadOnlyAdmin

from . import services
from .models import Building, Compound, Neighborhood, Town, Unit


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    """A platform administrator adds towns here (through the audited service); everything inside
    a town is managed by its office on the platform's own pages."""

    list_display = ("name", "code", "district", "uid")
    search_fields = ("name", "code")
    fields = ("code", "name", "district")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.create_town(actor=request.user, code=obj.code, name=obj.name, district=obj.district)
        obj.pk = created.pk


@admin.register(Neighborhood)
class NeighborhoodAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "town")
    list_filter = ("town",)
    search_fields = ("name", "code")


@admin.register(Compound)
class CompoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "neighborhood", "town")
    list_filter = ("town",)
    search_fields = ("name", "code")


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ("number", "compound")
    search_fields = ("compound__name", "number")
    list_select_related = ("compound",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("number", "building", "compound", "area")
    search_fields = ("compound__name", "number")
    list_select_related = ("building", "compound")
