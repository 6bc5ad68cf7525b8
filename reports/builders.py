"""Write a report's file: a PDF, an export as CSV or XLSX written row by row, an evidence
report as PDF or Word, or a project's REFI-QDA file."""

import csv
import io

import xlsxwriter
from django.utils import timezone
from django.utils.text import slugify

from codesign.exports import csv_cell
from learning.refi.export import project_qdpx

from . import evidence, pdf
from .exports import DATASETS
from .models import EVIDENCE_KINDS, Report

EXPORT_KINDS = tuple(DATASETS)
# What may be asked for, for a project or a whole organisation: (kind, format).
OFFERED = (
    {("report", "pdf"), ("qdpx", "qdpx")}
    | {(kind, fmt) for kind in EXPORT_KINDS for fmt in ("csv", "xlsx")}
    | {(kind, fmt) for kind in EVIDENCE_KINDS for fmt in ("pdf", "docx")}
)
# Asked for a whole organisation only, or a project only.
ORGANISATION_ONLY = frozenset(EVIDENCE_KINDS)
PROJECT_ONLY = frozenset({"qdpx"})


def filename(report: Report) -> str:
    scope = report.project.title if report.project_id else report.organisation.name
    stamp = timezone.localdate().isoformat()
    name = "report" if report.kind == Report.Kind.REPORT else report.kind
    return f"{name}-{slugify(scope)[:60] or report.pk}-{stamp}.{report.file_format}"


def _write_csv(header, rows, handle) -> int:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([csv_cell(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
        count += 1
    text.flush()
    text.detach()  # leave the file open for the caller
    return count


def _write_xlsx(header, rows, handle, *, sheet: str) -> int:
    # constant_memory: each row goes to disk as it is written. Strings stay strings: never
    # read as formulas, numbers or links, and escaped as in the CSV for those who convert.
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for column, cell in enumerate(header):
        worksheet.write_string(0, column, csv_cell(cell), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, bool) or cell is None:
                worksheet.write_string(count, column, csv_cell(cell))
            elif isinstance(cell, int | float):
                worksheet.write_number(count, column, cell)
            elif hasattr(cell, "as_tuple"):  # Decimal
                worksheet.write_number(count, column, float(cell))
            else:
                worksheet.write_string(count, column, csv_cell(cell))
    workbook.close()
    return count


def _no_heartbeat() -> None:
    pass


def _beating(rows, heartbeat):
    for row in rows:
        heartbeat()
        yield row


def build(report: Report, handle, *, heartbeat=_no_heartbeat) -> int:
    """Write the report's file to ``handle`` (binary); returns how many rows it holds.

    ``heartbeat`` is called for each row (or PDF page) written: the worker's lease renews
    itself from it every few seconds, so a build that stops writing loses its lease.
    """
    if report.kind == Report.Kind.REPORT:
        return pdf.write(report, handle, heartbeat=heartbeat)
    if report.kind in EVIDENCE_KINDS:
        return evidence.write(report, handle, heartbeat=heartbeat)
    if report.kind == Report.Kind.QDPX:
        # Checked against the REFI-QDA schema as it is built (learning.refi.export).
        handle.write(project_qdpx(report.project))
        heartbeat()
        return 1
    header, rows = DATASETS[report.kind](report)
    rows = _beating(rows, heartbeat)
    if report.file_format == Report.Format.CSV:
        return _write_csv(header, rows, handle)
    return _write_xlsx(header, rows, handle, sheet=report.get_kind_display())
