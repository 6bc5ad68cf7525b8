from django.contrib import admin

from .models import Contribution, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "project"]
    list_select_related = ["project"]
    search_fields = ["name"]
    raw_id_fields = ["project"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    """Contributions without their authors in any list, filter or search: anonymity holds
    here too. The author of an anonymous one is left out of its form as well.

    Our rules own the names "contributions.view_contribution" and friends (and answer about
    one project's board), so the admin asks for a superuser instead.
    """

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    list_display = ["title", "project", "kind", "constituency", "status", "created_at"]
    list_select_related = ["project"]
    list_filter = ["kind", "status", "constituency"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    raw_id_fields = ["project", "author", "stage", "session", "sources"]
    filter_horizontal = ["tags"]
    readonly_fields = ["constituency", "added_by", "created_at", "updated_at"]

    def get_exclude(self, request, obj=None):
        if obj is not None and obj.is_anonymous:
            return ["author", "added_by"]
        return super().get_exclude(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_anonymous:
            return [f for f in fields if f != "added_by"]
        return fields
