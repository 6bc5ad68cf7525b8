"""Who builds a report: the worker holding its lease, for as long as it keeps renewing it.

A worker claims a queued report with one conditional UPDATE (queued → running, with a new
token), so two workers, a redelivered job or a second beat never both build it. It renews the
lease as it writes (``heartbeat``: from the rows and pages it writes, at most every
``REPORTS_HEARTBEAT_SECONDS``). A worker that is killed stops renewing; once its lease has run
out, ``reports.services.reports_reclaim`` takes the build back. Every later write of the old
worker is conditional on its token, so it can neither finish nor fail a build it lost.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import Report


class LeaseLost(Exception):
    """The build was taken back (its lease ran out) or retried: another worker owns it now."""


def lease_length() -> timedelta:
    return timedelta(seconds=settings.REPORTS_LEASE_SECONDS)


@dataclass
class Lease:
    report_id: int
    token: uuid.UUID
    renewed_at: datetime = field(default_factory=timezone.now)

    def _held(self):
        return Report.objects.filter(
            pk=self.report_id, status=Report.Status.RUNNING, lease_token=self.token
        )

    def heartbeat(self, *, force: bool = False) -> None:
        """Renew the lease if the last renewal is a heartbeat interval old; raise LeaseLost
        if the build is no longer this worker's."""
        now = timezone.now()
        since = now - self.renewed_at
        interval = timedelta(seconds=settings.REPORTS_HEARTBEAT_SECONDS)
        if not force and timedelta(0) <= since < interval:
            return
        if not self._held().update(heartbeat_at=now, lease_expires_at=now + lease_length()):
            raise LeaseLost(self.report_id)
        self.renewed_at = now

    def release(self, **fields) -> bool:
        """Write the build's outcome and give the lease up, if the build is still this worker's."""
        return bool(self._held().update(lease_token=None, lease_expires_at=None, **fields))


def report_claim(*, report_id: int) -> Lease | None:
    """Take a queued report to build. None if it is not queued: another worker has it, or it
    is done, failed or expired."""
    token = uuid.uuid4()
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING,
        lease_token=token,
        lease_expires_at=now + lease_length(),
        heartbeat_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    return Lease(report_id=report_id, token=token, renewed_at=now) if claimed else None
