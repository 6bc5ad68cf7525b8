from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["display_name", "project", "role", "constituency", "status"]
    list_select_related = ["project"]
    list_filter = ["role", "constituency", "status"]
    raw_id_fields = ["user", "project"]

    def has_delete_permission(self, request, obj=None):
        # The delete page would list what a membership wrote, anonymous posts included.
        # People leave through withdrawal in the app.
        return False
