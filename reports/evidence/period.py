"""The period an evidence report covers, and what was done in it."""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from changes.models import ServiceChange


class Period:
    """The report's dates (both included) and their bounds in the organisation's time zone."""

    def __init__(self, report, start, end):
        values = report.parameters
        self.date_from = (
            date.fromisoformat(values["date_from"]) if values.get("date_from") else None
        )
        self.date_to = date.fromisoformat(values["date_to"]) if values.get("date_to") else None
        self.start, self.end = start, end
        self._changes = {}

    def text(self) -> str:
        if not (self.date_from or self.date_to):
            return _("All dates")
        start = formats.date_format(self.date_from, "j F Y") if self.date_from else "…"
        end = formats.date_format(self.date_to, "j F Y") if self.date_to else "…"
        return _("%(start)s to %(end)s") % {"start": start, "end": end}

    def changes_done(self, project_ids) -> list[ServiceChange]:
        """The changes made (implemented or embedded) in the period, by project and date."""
        key = tuple(sorted(project_ids))
        if key not in self._changes:
            changes = ServiceChange.objects.done().filter(project__in=key)
            if self.date_from:
                changes = changes.filter(implemented_on__gte=self.date_from)
            if self.date_to:
                changes = changes.filter(implemented_on__lte=self.date_to)
            self._changes[key] = list(
                changes.select_related("project").order_by("project__title", "implemented_on", "pk")
            )
        return self._changes[key]
