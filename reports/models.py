import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def report_path(report, filename):
    # A random name: the file is only ever served through the download view, after a check.
    return f"reports/{uuid.uuid4().hex}/{filename}"


# The organisation's evidence reports, written for a board or a regulator, as PDF or Word.
EVIDENCE_KINDS = ("annual", "realist")
# Exports of rows, as CSV or XLSX.
TABLE_KINDS = ("contributions", "changes", "attendance", "payments", "rounds")


class ReportQuerySet(models.QuerySet):
    def stalled(self, now=None):
        """Builds whose worker stopped renewing its lease (killed, or stuck)."""
        now = now or timezone.now()
        return self.filter(
            models.Q(lease_expires_at__lt=now) | models.Q(lease_expires_at__isnull=True),
            status=Report.Status.RUNNING,
        )


class Report(models.Model):
    """A report or export the worker builds for a project or a whole organisation.

    One in progress per request: a double click while the first is queued or running finds
    it (``request_key`` is unique among reports in progress). The worker that builds it holds
    a lease it renews as it writes (``reports.leases``); a build whose lease ran out is taken
    back and built again. The file is stored privately, served only by the download view after
    a fresh permission check, and removed when the report expires.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        CONTRIBUTIONS = "contributions", _("Contributions")
        CHANGES = "changes", _("Service changes")
        ATTENDANCE = "attendance", _("Attendance")
        PAYMENTS = "payments", _("Involvement payments")
        ROUNDS = "rounds", _("Prioritisation rounds")
        ANNUAL = "annual", _("Annual involvement report")
        REALIST = "realist", _("Realist synthesis report")
        QDPX = "qdpx", _("REFI-QDA project")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")
        DOCX = "docx", _("Word (DOCX)")
        QDPX = "qdpx", _("REFI-QDA (QDPX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)
    EVIDENCE_KINDS = EVIDENCE_KINDS
    TABLE_KINDS = TABLE_KINDS
    # The error of a build whose worker stopped part-way (its lease ran out).
    INTERRUPTED = "Interrupted"
    # The error of a build stopped because someone it would name left or deleted their account.
    PERSON_REMOVED = "PersonRemoved"

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="reports"
    )
    # Empty: the report covers the organisation's projects.
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    # Exports for a project's facilitators may name people (never anonymous contributors);
    # exports for managers never do.
    with_names = models.BooleanField(default=False)
    # {"date_from": "YYYY-MM-DD", "date_to": "YYYY-MM-DD"}: the dashboard's filters.
    parameters = models.JSONField(default=dict, blank=True)
    request_key = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # The type of the last error only: a message could quote personal data.
    error = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # While running: which claim owns the build, and until when unless it renews.
    lease_token = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["lease_expires_at"],
                condition=models.Q(status="running"),
                name="report_running_lease",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request_key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_one_in_progress_per_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="report") | models.Q(file_format="pdf"),
                name="report_kind_report_is_pdf",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=TABLE_KINDS)
                | models.Q(file_format__in=["csv", "xlsx"]),
                name="report_table_exports_are_csv_or_xlsx",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=EVIDENCE_KINDS)
                | models.Q(file_format__in=["pdf", "docx"]),
                name="report_evidence_is_pdf_or_docx",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="qdpx") | models.Q(file_format="qdpx"),
                name="report_qdpx_is_qdpx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_file_format_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def stalled(self) -> bool:
        """Being built by a worker that stopped renewing its lease."""
        return self.status == self.Status.RUNNING and (
            self.lease_expires_at is None or self.lease_expires_at < timezone.now()
        )

    @property
    def title(self) -> str:
        scope = self.project.title if self.project_id else self.organisation.name
        if self.kind == self.Kind.REPORT:
            return _("Report: %(scope)s") % {"scope": scope}
        if self.kind in self.EVIDENCE_KINDS:
            return f"{self.get_kind_display()}: {scope}"
        return _("%(kind)s export: %(scope)s") % {"kind": self.get_kind_display(), "scope": scope}

    def _url(self, name: str) -> str:
        from django.urls import reverse

        if self.project_id:
            return reverse(
                f"reports:project-report-{name}",
                kwargs={"project_pk": self.project_id, "generated_report_pk": self.pk},
            )
        return reverse(
            f"reports:organisation-report-{name}",
            kwargs={"organisation_pk": self.organisation_id, "generated_report_pk": self.pk},
        )

    @property
    def status_url(self) -> str:
        return self._url("status")

    @property
    def download_url(self) -> str:
        return self._url("download")

    @property
    def retry_url(self) -> str:
        return self._url("retry")
