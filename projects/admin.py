from django.contrib import admin

from .models import Organisation, OrganisationRole, Project, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone"]


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user", "role"]
    list_select_related = ["organisation", "user"]
    list_filter = ["role"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "method"]
    list_select_related = ["organisation"]
    list_filter = ["status", "method"]
    inlines = [StageInline]
