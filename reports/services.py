"""Requesting, building, retrying and expiring reports.

A request writes a queued ``Report`` and an outbox job in one transaction; the worker runs
``report_build`` through the outbox, which retries it with back-off. The build holds a lease
(``reports.leases``) that it renews as it writes; a build whose worker was killed loses it, and
``reports_reclaim`` (beat, every minute) queues it again or, after its last attempt, fails it.
The report shows as queued between attempts and as failed after the last, with the type of the
error only. The file is written whole before the report says done, so a report is never
half-built or reported as success when it failed.
"""

import hashlib
import json
import logging
import tempfile
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation

from audit.models import AuditEntry
from audit.services import audit_record
from codesign import events
from codesign.languages import person_languages
from outbox.services import outbox_job

from . import builders
from .leases import Lease, LeaseLost, report_claim
from .models import Report
from .rules import TEXT_KINDS

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


def _enqueue(report: Report, *, again: str = "") -> None:
    """The build job; ``again`` tells a rebuild's job from the first one's (its dedupe key)."""
    outbox_job(
        job=BUILD_JOB,
        payload={"report_id": report.pk},
        project=report.project,
        dedupe_key=f"report:{report.pk}:{again}" if again else f"report:{report.pk}",
    )


def max_attempts() -> int:
    """Builds a report gets, counting those whose worker stopped. Never more than the outbox
    runs one job, so a report always fails before its job gives up on it."""
    return min(settings.REPORTS_BUILD_ATTEMPTS, settings.OUTBOX_MAX_ATTEMPTS)


def _in_progress(key: str) -> Report | None:
    """The report in progress for this request. One whose build stalled is failed instead,
    so that asking again starts a new build rather than finding the stuck one."""
    report = Report.objects.filter(request_key=key, status__in=Report.IN_PROGRESS).first()
    if report is None or not report.stalled:
        return report
    Report.objects.stalled().filter(pk=report.pk, lease_token=report.lease_token).update(
        status=Report.Status.FAILED,
        error=Report.INTERRUPTED,
        finished_at=timezone.now(),
        lease_token=None,
        lease_expires_at=None,
    )
    # Whatever happened meanwhile (the sweep queued it again, or someone asked first) wins.
    return Report.objects.filter(request_key=key, status__in=Report.IN_PROGRESS).first()


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
    if kind in (builders.ORGANISATION_ONLY if project else builders.PROJECT_ONLY):
        raise ReportNotAllowed(f"{kind} is not offered for this scope")
    if kind in TEXT_KINDS and (
        project is None or not user.has_perm("reports.request_named_export", project)
    ):
        raise ReportNotAllowed(f"{kind} is for the project's team")
    if project is None or kind in (Report.Kind.REPORT, Report.Kind.QDPX):
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
    existing = _in_progress(key)
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
    """Build one report (the outbox job) if it is queued. Raises on failure, so the outbox
    retries it; a build taken over by another worker meanwhile is dropped quietly."""
    lease = report_claim(report_id=report_id)
    if lease is None:
        return  # another worker has it, or it is done, failed or expired: nothing to do
    report = Report.objects.select_related(
        "organisation", "project__organisation", "requested_by"
    ).get(pk=report_id)
    # In the language of the person who asked for it (codesign.languages).
    organisation = report.organisation or getattr(report.project, "organisation", None)
    language = person_languages(report.requested_by, organisation)[0]
    try:
        with tempfile.TemporaryFile() as handle, translation.override(language):
            rows = builders.build(report, handle, heartbeat=lease.heartbeat)
            size = handle.tell()
            handle.seek(0)
            filename = builders.filename(report)
            lease.heartbeat(force=True)
            report.file.save(filename, File(handle, name=filename), save=False)
    except LeaseLost:
        _drop_lost_build(report)
        return
    except Exception as exc:
        if _record_failure(report, lease, exc):
            raise
        return
    now = timezone.now()
    with transaction.atomic():
        done = lease.release(
            status=Report.Status.DONE,
            file=report.file.name,
            filename=filename,
            size=size,
            rows=rows,
            error="",
            finished_at=now,
            expires_at=now + timedelta(days=settings.REPORTS_KEEP_DAYS),
        )
        if done:
            _raise_ready(report)
    if not done:
        _drop_lost_build(report)


def _raise_ready(report: Report) -> None:
    """Tell the organisation's other systems a report is ready (its kind, format and status
    page: the file itself is downloaded after a fresh permission check)."""
    organisation_id = report.organisation_id or report.project.organisation_id
    events.event_raise(
        name=events.REPORT_READY,
        organisation_id=organisation_id,
        project_id=report.project_id,
        data={
            "report": {
                "id": report.pk,
                "kind": report.kind,
                "format": report.file_format,
                "url": events.site_link(report.status_url),
            }
        },
    )


def _drop_lost_build(report: Report) -> None:
    """This worker lost the build (its lease ran out or it was retried): another builds it."""
    if report.file:
        report.file.delete(save=False)
    logger.warning("Report %s: this build lost its lease and was dropped", report.pk)


def _record_failure(report: Report, lease: Lease, exc: Exception) -> bool:
    """Queued again while the outbox will retry; failed after its last attempt. False if the
    build was no longer this worker's."""
    report.refresh_from_db(fields=["attempts"])
    last = report.attempts >= max_attempts()
    recorded = lease.release(
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
        ("; giving up" if last else "; it will be retried") if recorded else "; lease lost",
    )
    return recorded


def reports_reclaim(*, now=None) -> dict[str, int]:
    """Take back builds whose lease ran out (their worker was killed or stuck): queue each again
    with a new job, or after its last attempt, fail it. A second sweep finds nothing to do."""
    now = now or timezone.now()
    requeued = failed = 0
    for report in Report.objects.stalled(now=now).select_related("project"):
        last = report.attempts >= max_attempts()
        with transaction.atomic():
            # Conditional on what was read: a worker that renewed, another sweep or a retry
            # that got there first leaves nothing to update.
            taken = (
                Report.objects.stalled(now=now)
                .filter(pk=report.pk, lease_token=report.lease_token, attempts=report.attempts)
                .update(
                    status=Report.Status.FAILED if last else Report.Status.QUEUED,
                    error=Report.INTERRUPTED,
                    finished_at=now if last else None,
                    lease_token=None,
                    lease_expires_at=None,
                )
            )
            if taken and not last:
                _enqueue(report, again=f"lease:{report.lease_token or uuid.uuid4()}")
        if taken:
            failed += last
            requeued += not last
            logger.warning(
                "Report %s attempt %s stopped part-way (its lease ran out)%s",
                report.pk,
                report.attempts,
                "; giving up" if last else "; it will be built again",
            )
    return {"requeued": requeued, "failed": failed}


@transaction.atomic
def report_retry(*, report: Report, user) -> Report:
    """Build a failed or stalled report again, afresh. If the same report is meanwhile in
    progress, that one."""
    if report.stalled:
        # Its worker stopped: the build is taken from it (its later writes are refused).
        retried = Report.objects.stalled().filter(pk=report.pk, lease_token=report.lease_token)
    elif report.status == Report.Status.FAILED:
        existing = _in_progress(report.request_key)
        if existing:
            return existing
        retried = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED)
    else:
        return report
    retried = retried.update(
        status=Report.Status.QUEUED,
        attempts=0,
        error="",
        finished_at=None,
        started_at=None,
        lease_token=None,
        lease_expires_at=None,
    )
    report.refresh_from_db()
    if not retried:
        return report  # someone else retried it, or it moved on, meanwhile
    _enqueue(report, again=f"retry:{uuid.uuid4().hex}")
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
    """Delete the files of reports past their expiry."""
    from .selectors import reports_to_expire

    now = now or timezone.now()
    expired = 0
    for report in reports_to_expire(now=now).iterator():
        if report.file:
            report.file.delete(save=False)
        expired += Report.objects.filter(pk=report.pk, status=Report.Status.DONE).update(
            status=Report.Status.EXPIRED, file="", size=0
        )
    return {"expired": expired}


def reports_naming_person_remove(*, project_ids, organisation_ids=(), actor=None) -> int:
    """Remove every stored report and export that may name a person who has just left these
    projects or deleted their account: exports with names and payments exports (they carry
    payment references), of these projects and of these organisations as a whole. Files are
    deleted and the reports shown as expired; builds under way are stopped (their worker loses
    its lease and writes nothing). Asking again builds them without the person. Returns how
    many, and the audit log says so."""
    naming = Report.objects.filter(
        models.Q(with_names=True) | models.Q(kind=Report.Kind.PAYMENTS),
        models.Q(project_id__in=list(project_ids))
        | models.Q(project__isnull=True, organisation_id__in=list(organisation_ids)),
    )
    done = list(naming.filter(status=Report.Status.DONE).only("pk", "file"))
    removed = Report.objects.filter(
        pk__in=[report.pk for report in done], status=Report.Status.DONE
    ).update(status=Report.Status.EXPIRED, file="", size=0)

    def delete_files():
        # Once the rows say so: a rolled-back withdrawal keeps its reports and their files.
        for report in done:
            if report.file:
                report.file.storage.delete(report.file.name)

    transaction.on_commit(delete_files)
    removed += naming.filter(status__in=Report.IN_PROGRESS).update(
        status=Report.Status.FAILED,
        error=Report.PERSON_REMOVED,
        lease_token=None,
        lease_expires_at=None,
        finished_at=timezone.now(),
    )
    if removed:
        audit_record(
            action=AuditEntry.Action.REPORTS_REMOVED,
            actor=actor,
            details={"reports": removed, "projects": sorted(project_ids)},
        )
    return removed


def reports_remove_for_leaver(*, membership, now) -> None:
    """Leaving a project removes the stored reports that may name the person (registered with
    participants)."""
    reports_naming_person_remove(
        project_ids=[membership.project_id],
        organisation_ids=[membership.project.organisation_id],
    )
