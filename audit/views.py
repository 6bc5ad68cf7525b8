from django.core.paginator import Paginator
from django.utils.http import urlencode
from django.views.generic import TemplateView

from codesign.mixins import PermissionMixin

from .models import AuditEntry


class AuditEntryListView(PermissionMixin, TemplateView):
    """The audit log, newest first, for superusers. Read-only by design."""

    permission_required = "audit.view_auditentry"
    template_name = "audit/entry_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action", "")
        entries = AuditEntry.objects.select_related("actor", "project", "burst")
        if action in AuditEntry.Action.values:
            entries = entries.filter(action=action)
        context.update(
            page_obj=Paginator(entries, 50).get_page(self.request.GET.get("page")),
            action=action,
            filter_query=urlencode({"action": action}) if action else "",
            actions=AuditEntry.Action.choices,
        )
        return context
