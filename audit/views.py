from django.views.generic import ListView

from codesign.filters import FilteredListMixin
from codesign.mixins import PermissionMixin

from .filters import AuditEntryFilter
from .models import AuditEntry


class AuditEntryListView(FilteredListMixin, PermissionMixin, ListView):
    """The audit log, newest first, for superusers. Read-only by design."""

    permission_required = "audit.view_auditentry"
    template_name = "audit/entry_list.html"
    filterset_class = AuditEntryFilter
    paginate_by = 50

    def get_unfiltered_queryset(self):
        return AuditEntry.objects.select_related("actor", "project")
