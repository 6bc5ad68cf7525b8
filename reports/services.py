"""Requesting, building, retrying and expiring reports.

A request writes a queued ``Report`` and an outbox job in one transaction; the worker runs
``report_build`` through the outbox, which retries it with back-off. The report keeps its
attempts in step with the outbox: it shows as queued between attempts and as failed after the
last, with the type of the error only. The file is written whole before the report says done,
so a report is never half-built or reported as success when it failed.
"""

import hashlib
import json
import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from outbox.services import outbox_job

from . import builders
from .models import Report

logger = logging.getLogger(__name__)

BUILD_JOB = "reports.services.report_build"


class ReportNotAllowed(ValueError):
    """A kind or format this scope does not offer."""


def request_key(*, organisation, project, kind, file_format, with_names, parameters) -> str:
    """The same request from anyone for the same data: one report in progress at a time."""
    raw = json.dumps(
        [
            organisation.pk,
            project.pk if project else None,
            kind,
            file_format,
            with_names,
            parameters,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _enqueue(report: Report) -> None:
    outbox_job(
        job=BUILD_JOB,
        payload={"report_id": report.pk},
        project=report.project,
        dedupe_key=f"report:{report.pk}",
    )


def report_request(
    *,
    user,
    organisation,
    project=None,
    kind: str,
    file_format: str,
    with_names: bool = False,
    parameters: dict | None = None,
) -> tuple[Report, bool]:
    """Queue a report, or find the same one already queued or being built.

    Returns the report and whether it was created now.
    """
    if (kind, file_format) not in builders.OFFERED:
        raise ReportNotAllowed(f"{kind}/{file_format}")
    if project is None or kind == Report.Kind.REPORT:
        with_names = False
    parameters = parameters or {}
    key = request_key(
        organisation=organisation,
        project=project,
        kind=kind,
        file_format=file_format,
        with_names=with_names,
        parameters=parameters,
    )
    existing = Report.objects.filter(request_key=key, status__in=Report.IN_PROGRESS).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                organisation=organisation,
                project=project,
                kind=kind,
                file_format=file_format,
                with_names=with_names,
                parameters=parameters,
                request_key=key,
                requested_by=user,
            )
            _enqueue(report)
            audit_record(
                actor=user,
                action=AuditEntry.Action.REPORT_REQUESTED,
                target=report,
                project=project,
                details={"kind": kind, "format": file_format, "with_names": with_names},
            )
    except IntegrityError:
        # Someone asked for the same report a moment ago: theirs is the one.
        return Report.objects.get(request_key=key, status__in=Report.IN_PROGRESS), False
    return report, True


def report_build(*, report_id: int) -> None:
    """Build one report (the outbox job). Raises on failure, so the outbox retries it."""
    claimed = Report.objects.filter(
        pk=report_id, status__in=(Report.Status.QUEUED, Report.Status.RUNNING)
    ).update(status=Report.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return  # expired, done or failed meanwhile: nothing to do
    report = Report.objects.select_related("organisation", "project").get(pk=report_id)
    try:
        with tempfile.TemporaryFile() as handle:
            rows = builders.build(report, handle)
            size = handle.tell()
            handle.seek(0)
            filename = builders.filename(report)
            report.file.save(filename, File(handle, name=filename), save=False)
    except Exception as exc:
        _record_failure(report, exc)
        raise
    now = timezone.now()
    Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(
        status=Report.Status.DONE,
        file=report.file.name,
        filename=filename,
        size=size,
        rows=rows,
        error="",
        finished_at=now,
        expires_at=now + timedelta(days=settings.REPORTS_KEEP_DAYS),
    )


def _record_failure(report: Report, exc: Exception) -> None:
    """Queued again while the outbox will retry; failed after its last attempt."""
    report.refresh_from_db(fields=["attempts"])
    last = report.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(
        status=Report.Status.FAILED if last else Report.Status.QUEUED,
        error=type(exc).__name__[:100],
        finished_at=timezone.now() if last else None,
    )
    if report.file:
        report.file.delete(save=False)
    logger.warning(
        "Report %s attempt %s failed (%s)%s",
        report.pk,
        report.attempts,
        type(exc).__name__,
        "; giving up" if last else "; it will be retried",
    )


@transaction.atomic
def report_retry(*, report: Report, user) -> Report:
    """Queue a failed report again. If the same report is meanwhile in progress, that one."""
    if report.status != Report.Status.FAILED:
        return report
    existing = Report.objects.filter(
        request_key=report.request_key, status__in=Report.IN_PROGRESS
    ).first()
    if existing:
        return existing
    Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
        status=Report.Status.QUEUED, attempts=0, error="", finished_at=None, started_at=None
    )
    report.refresh_from_db()
    outbox_job(
        job=BUILD_JOB,
        payload={"report_id": report.pk},
        project=report.project,
        dedupe_key=f"report:{report.pk}:retry:{timezone.now().timestamp()}",
    )
    audit_record(
        actor=user,
        action=AuditEntry.Action.REPORT_REQUESTED,
        target=report,
        project=report.project,
        details={"kind": report.kind, "format": report.file_format, "retry": True},
    )
    return report


def report_downloaded(*, report: Report, user) -> None:
    audit_record(
        actor=user,
        action=AuditEntry.Action.REPORT_DOWNLOADED,
        target=report,
        project=report.project,
        details={"kind": report.kind, "format": report.file_format},
    )


def reports_expire(*, now=None) -> dict[str, int]:
    """Delete the files of reports past their expiry, and fail builds that never finished.

    A build still running long after the outbox gave up on its claim was interrupted (the
    worker stopped): it is shown as failed, with a retry.
    """
    from .selectors import reports_to_expire, stale_builds

    now = now or timezone.now()
    expired = 0
    for report in reports_to_expire(now=now).iterator():
        if report.file:
            report.file.delete(save=False)
        expired += Report.objects.filter(pk=report.pk, status=Report.Status.DONE).update(
            status=Report.Status.EXPIRED, file="", size=0
        )
    interrupted = stale_builds(now=now).update(
        status=Report.Status.FAILED, error="Interrupted", finished_at=now
    )
    return {"expired": expired, "interrupted": interrupted}
