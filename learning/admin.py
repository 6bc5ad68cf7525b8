from django.contrib import admin

from .models import CatalogueItem, ProgrammeTheoryVersion


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["name", "lens", "organisation"]
    list_filter = ["lens"]
    list_select_related = ["organisation"]


@admin.register(ProgrammeTheoryVersion)
class ProgrammeTheoryVersionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "number", "created_at"]
    list_select_related = ["organisation"]
    readonly_fields = ["changed_by"]
