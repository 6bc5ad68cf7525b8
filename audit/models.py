from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One sensitive action, recorded once and never changed."""

    class Action(models.TextChoices):
        INVITATION_SENT = "invitation.sent", _("Invitation sent")
        INVITATION_RESENT = "invitation.resent", _("Invitation resent")
        INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
        MEMBER_ADDED = "member.added", _("Participant added by facilitator")
        MEMBER_CHANGED = "member.changed", _("Role or constituency changed")
        MEMBER_WITHDRAWN = "member.withdrawn", _("Participant withdrawn")
        CONSENT_GIVEN = "consent.given", _("Consent given")
        CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
        ORG_ROLE_GRANTED = "org_role.granted", _("Organisation role granted")
        ORG_ROLE_REVOKED = "org_role.revoked", _("Organisation role revoked")
        SIGN_IN = "auth.sign_in", _("Signed in")
        PERMISSION_DENIED = "permission.denied", _("Permission denied")
        PROJECT_STATUS = "project.status", _("Project status changed")
        SESSION_CLOSED = "session.closed", _("Session attendance recorded")
        PAYMENT_CHANGED = "payment.changed", _("Payment or expense status changed")
        IDEA_STATUS = "idea.status", _("Idea status changed")
        MODERATION = "moderation", _("Contribution or comment moderated")
        REPORT = "report", _("Contribution or comment reported")
        REPORT_REQUESTED = "report.requested", _("Report or export requested")
        REPORT_DOWNLOADED = "report.downloaded", _("Report or export downloaded")
        REPORTS_REMOVED = "reports.removed", _("Reports that may name a person removed")
        DATA_EXPORTED = "data.exported", _("Personal data downloaded")
        ACCOUNT_DELETED = "account.deleted", _("Account deleted")
        RETENTION_PURGED = "retention.purged", _("Data purged after its retention period")
        LETTERS_POSTED = "letters.posted", _("Letters marked as posted")
        CALL_TOLD = "call.told", _("Told about a session by a facilitator")
        CONTACT_CHANGED = "contact.changed", _("Contact preferences changed")
        API_TOKEN_CREATED = "api_token.created", _("API token made")
        API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
        API_CALLS = "api.calls", _("API calls with a token")
        SSO_CHANGED = "sso.changed", _("Single sign-on settings changed")
        SSO_REFUSED = "sso.refused", _("Sign-in through the organisation's provider refused")
        WEBHOOK_CHANGED = "webhook.changed", _("Webhook added, changed, paused or removed")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whose log it is in: the project's organisation, or the one an organisation-wide action
    # concerns. Its admins read it there.
    organisation = models.ForeignKey(
        "projects.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    details = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")

    @property
    def tally(self):
        """The row that counts this entry's repeats (audit.counts), or None."""
        from .counts import COUNTED_RELATIONS

        for name in COUNTED_RELATIONS:
            counted = getattr(self, name, None)
            if counted is not None:
                return counted
        return None


class RefusalBurst(models.Model):
    """Refusals of one person close together, counted on the audit entry of the first.

    A scan of hundreds of ids is one entry with its count, not hundreds of rows; the entry
    itself stays append-only, only this counter moves.
    """

    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="burst")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20)
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField()
    last_path = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["actor", "outcome", "-last_at"])]

    def __str__(self):
        return f"{self.outcome} ×{self.count}"
