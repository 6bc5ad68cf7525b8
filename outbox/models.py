from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform
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
        TEXT = "text", _("Text message")
        LETTER = "letter", _("Letter")
        JOB = "job", _("Background job")

    class Route(models.TextChoices):
        """How a message left (outbox.channels)."""

        SMTP = "smtp", _("Email server")
        NOTIFY = "notify", _("GOV.UK Notify")
        CONSOLE = "console", _("Worker's console")
        PRINT = "print", _("Print queue")

    class Delivery(models.TextChoices):
        """What the provider reported after sending (GOV.UK Notify's receipts)."""

        DELIVERED = "delivered", _("Delivered")
        TEMPORARY_FAILURE = "temporary-failure", _("Not delivered yet: phone off or inbox full")
        PERMANENT_FAILURE = "permanent-failure", _("Could not be delivered")

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
    # A text's mobile number (E.164) and a letter's address (one line each, postcode last).
    phone = models.CharField(max_length=20, blank=True)
    address = models.TextField(blank=True)
    # Whom it is for, where known: shown beside the person, and told of a failure.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # The kind of email a person may switch off (notifications.categories); empty: always sent.
    category = models.CharField(max_length=30, blank=True)
    # [{"filename": ..., "content": <text>, "mimetype": ...}], e.g. a calendar invitation.
    attachments = models.JSONField(default=list, blank=True)
    job = models.CharField(max_length=120, blank=True)
    # A job's arguments; for a message, what it is about ({"session": id, "membership": id}).
    payload = models.JSONField(default=dict, blank=True)
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    # GOV.UK Notify's id once it accepted the message: a row with one is never sent again.
    notify_id = models.CharField(max_length=64, blank=True, db_index=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, blank=True)
    delivery_at = models.DateTimeField(null=True, blank=True)
    # Letters from the print queue: when and by whom they were put in the post.
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
        indexes = [
            # A session's messages, on its page: a project's thousands of messages are
            # found by the session named in their payload.
            models.Index(
                models.F("project"), KeyTransform("session", "payload"), name="outbox_session"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="email") | ~models.Q(to=""),
                name="outbox_email_has_recipient",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="job") | ~models.Q(job=""),
                name="outbox_job_has_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="text") | ~models.Q(phone=""),
                name="outbox_text_has_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="letter") | ~models.Q(address=""),
                name="outbox_letter_has_address",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.JOB:
            return f"{self.job}({self.payload})"
        return f"{self.subject or self.get_kind_display()} → {self.addressee}"

    @property
    def addressee(self) -> str:
        """Where it went: the address, number or first line of the postal address."""
        if self.kind == self.Kind.TEXT:
            return self.phone
        if self.kind == self.Kind.LETTER:
            return self.address.split("\n", 1)[0]
        return self.to

    @property
    def waiting_to_post(self) -> bool:
        return self.route == self.Route.PRINT and self.posted_at is None


class InboundText(models.Model):
    """A text message someone sent us (GOV.UK Notify's inbound callback), kept whatever became
    of it: each is received once (Notify's id), and those nobody could match stay listed."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Recorded as a reply")
        UNCLEAR = "unclear", _("Answer not understood")
        UNKNOWN = "unknown", _("Number not known")

    notify_id = models.CharField(max_length=64, unique=True)
    source_number = models.CharField(max_length=20)
    destination_number = models.CharField(max_length=20, blank=True)
    content = models.TextField(blank=True)
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.source_number}: {self.content[:40]}"
