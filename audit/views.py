import csv

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from codesign.exports import Echo, csv_cell
from codesign.filters import FilteredListMixin
from codesign.mixins import OrganisationMixin, PermissionMixin

from .counts import COUNTED_RELATIONS
from .filters import AuditEntryFilter
from .models import AuditEntry


class AuditEntryListView(FilteredListMixin, PermissionMixin, ListView):
    """The audit log, newest first, for superusers. Read-only by design."""

    permission_required = "audit.view_auditentry"
    template_name = "audit/entry_list.html"
    filterset_class = AuditEntryFilter
    paginate_by = 50

    def get_unfiltered_queryset(self):
        return AuditEntry.objects.select_related("actor", "project", *COUNTED_RELATIONS)


class OrganisationEntriesMixin(FilteredListMixin, OrganisationMixin):
    """An organisation's own log: what was done in its projects and to its roles. Refusals stay
    in the superusers' log: whoever was turned away may belong to another organisation."""

    permission_required = "audit.view_organisation_audit"
    filterset_class = AuditEntryFilter

    def get_unfiltered_queryset(self):
        return (
            AuditEntry.objects.filter(organisation=self.organisation)
            .exclude(action=AuditEntry.Action.PERMISSION_DENIED)
            .select_related("actor", "project", *COUNTED_RELATIONS)
        )


class OrganisationAuditEntryListView(OrganisationEntriesMixin, ListView):
    template_name = "audit/entry_list.html"
    paginate_by = 50


class OrganisationAuditCsvView(OrganisationEntriesMixin, View):
    """The organisation's log as CSV, with the page's filters; cells cannot run as formulas."""

    def get(self, request, *args, **kwargs):
        header = [
            _("When"),
            _("Who"),
            _("Action"),
            _("Project"),
            _("Object"),
            _("Details"),
            # An entry that counts its repeats (a token's API calls in a burst): how many, and
            # when the last was.
            _("Times"),
            _("Last time"),
        ]
        rows = (
            [
                entry.created_at.isoformat(),
                entry.actor.email if entry.actor else "",
                entry.get_action_display(),
                entry.project.title if entry.project else "",
                f"{entry.target_type} {entry.target_id}".strip(),
                str(entry.details),
                *_times(entry.tally),
            ]
            for entry in self.filterset.qs.iterator(chunk_size=500)
        )
        writer = csv.writer(Echo())

        def stream():
            for row in (header, *rows):
                yield writer.writerow([csv_cell(cell) for cell in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response


def _times(tally) -> list:
    """How many times an entry happened and when the last was (once: then, and blank)."""
    if tally is None:
        return [1, ""]
    return [tally.count, tally.last_at.isoformat()]
