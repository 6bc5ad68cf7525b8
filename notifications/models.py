from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .categories import EmailCategory


class Notification(models.Model):
    """Something a person should know, shown under the bell until they mark it read."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("A reply to your comment")
        COMMENT = "comment", _("A comment on your contribution")
        STATUS = "status", _("News about your idea")
        ROUND = "round", _("A prioritisation round opened")
        CHANGE = "change", _("News about a change that came from your contribution")
        CONSENT = "consent", _("The consent statement changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Written for the reader, without naming anyone who posted anonymously.
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.message


class EmailPreference(models.Model):
    """A person's choice for one category of email; without a row, the category's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    category = models.CharField(max_length=30, choices=EmailCategory.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="one_email_preference")
        ]

    def __str__(self):
        state = "on" if self.enabled else "off"
        return f"{self.user_id}: {self.category} {state}"


class DigestSent(models.Model):
    """The claim on one person's digest for one day: the unique constraint lets only one run
    make it, and it is committed in the same transaction as the email (if there was news)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    # The digest told of activity up to this moment; the next one starts here.
    covered_until = models.DateTimeField()
    claimed_at = models.DateTimeField()
    message = models.ForeignKey(
        "outbox.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="one_digest_per_day")]

    def __str__(self):
        return f"Digest for {self.user_id} on {self.date}"
