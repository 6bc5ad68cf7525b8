from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    """An email or job written in the same transaction as the action that caused it.

    The worker claims a row (pending -> sending) in the database before it sends, so a
    message is never sent twice; a claim that never reports back becomes "unconfirmed"
    and is shown, not resent.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        JOB = "job", _("Background job")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Not confirmed")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    to = models.EmailField(blank=True)
    subject = models.CharField(max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # The kind of email a person may switch off (notifications.categories); empty: always sent.
    category = models.CharField(max_length=30, blank=True)
    # [{"filename": ..., "content": <text>, "mimetype": ...}], e.g. a calendar invitation.
    attachments = models.JSONField(default=list, blank=True)
    job = models.CharField(max_length=120, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="email") | ~models.Q(to=""),
                name="outbox_email_has_recipient",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="job") | ~models.Q(job=""),
                name="outbox_job_has_name",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.EMAIL:
            return f"{self.subject} → {self.to}"
        return f"{self.job}({self.payload})"
