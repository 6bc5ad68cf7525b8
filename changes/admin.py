from django.contrib import admin

from .models import Evidence, FollowUpCheck, ServiceChange, TimelineEntry


class TimelineEntryInline(admin.TabularInline):
    """The timeline is a record of what happened: read-only here too."""

    model = TimelineEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "status", "progress", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class FollowUpCheckInline(admin.TabularInline):
    model = FollowUpCheck
    extra = 0
    fields = ["months", "due_on", "reminded_at", "outcome", "outcome_note", "recorded_at"]
    readonly_fields = ["reminded_at", "recorded_at"]


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    fields = ["kind", "note", "context", "mechanism", "outcome", "session"]
    raw_id_fields = ["session"]


@admin.register(ServiceChange)
class ServiceChangeAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "status", "progress", "target_date", "updated_at"]
    list_select_related = ["project"]
    list_filter = ["status", "scope"]
    search_fields = ["title"]
    raw_id_fields = ["project", "owner", "contributions", "created_by"]
    readonly_fields = ["implemented_on", "created_by", "created_at", "updated_at"]
    inlines = [TimelineEntryInline, FollowUpCheckInline, EvidenceInline]
