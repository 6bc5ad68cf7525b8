"""The organisation's evidence reports, written for its board and its regulators: the annual
involvement report and the realist synthesis of its learning view, each as PDF or Word."""

from zoneinfo import ZoneInfo

from django.utils import formats, timezone

from .annual import write_annual
from .document import DOCUMENTS
from .realist import write_realist

WRITERS = {"annual": write_annual, "realist": write_realist}


def write(report, handle, *, heartbeat=lambda: None) -> int:
    """Write the report to ``handle`` as its format says; returns its pages (PDF) or sections
    (Word)."""
    organisation = report.organisation
    document = DOCUMENTS[report.file_format](organisation)
    with timezone.override(ZoneInfo(organisation.time_zone)):
        WRITERS[report.kind](document, report, heartbeat)
        footer = f"{organisation.name} · {formats.date_format(timezone.localdate(), 'j F Y')}"
    return document.save(handle, author=organisation.name, footer=footer, heartbeat=heartbeat)
