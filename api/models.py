"""API tokens: made by an organisation's admins, scoped to it and to read scopes, kept hashed."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PROJECTS = "projects", _("Projects and their stages")
    SESSIONS = "sessions", _("Sessions (counts only, nobody named)")
    CHANGES = "changes", _("Service changes and “you said, we did”")
    DASHBOARDS = "dashboards", _("Dashboard figures")
    LEARNING = "learning", _("Themes and CMO records")


def secret_hash(secret: str) -> str:
    """The SHA-256 of a token's secret, as kept at rest."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        """Tokens not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """One system's read access to one organisation. The secret is shown once and only its hash
    is kept; the prefix (the secret's first characters) tells tokens apart on the page."""

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def scope_labels(self) -> list[str]:
        return [Scope(scope).label for scope in self.scopes if scope in Scope.values]


class ApiCallBurst(models.Model):
    """A token's calls within one window: one audit entry, whose count moves as calls come.

    The entry stays append-only; this row is updated atomically (``F("count") + 1``)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="bursts")
    # Goes with its entry when the audit log's retention period removes it.
    entry = models.OneToOneField(
        "audit.AuditEntry", on_delete=models.CASCADE, related_name="api_burst"
    )
    started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField()
    last_path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["token", "-started_at"])]

    def __str__(self):
        return f"{self.token} ×{self.count}"
