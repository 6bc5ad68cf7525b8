from django.contrib import admin

from .models import InboundText, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "phone", "subject", "status", "delivery"]
    list_filter = ["status", "kind", "route", "delivery"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(InboundText)
class InboundTextAdmin(admin.ModelAdmin):
    """Every text people sent, texts from numbers nobody was texted among them."""

    list_display = ["received_at", "source_number", "content", "outcome", "project"]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in InboundText._meta.fields]

    def has_add_permission(self, request):
        return False
