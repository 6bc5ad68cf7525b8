"""Writes of the API: making and revoking tokens, and counting each token's calls in bursts."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record

from .models import ApiCallBurst, ApiToken, Scope, secret_hash

# Every secret starts so, which lets secret scanners (and people) recognise it.
SECRET_START = "csk_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(SECRET_START) + 8


def _new_secret() -> str:
    # 32 random bytes: 256 bits, far beyond guessing; URL-safe, so it fits in a header.
    return SECRET_START + secrets.token_urlsafe(32)


@transaction.atomic
def token_create(*, organisation, name: str, scopes: list[str], expires_at, created_by):
    """Make a token for an organisation; return it with its secret, which is never kept."""
    now = timezone.now()
    longest = now + timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_at <= now:
        raise ValidationError({"expires_on": _("Choose a day after today.")})
    if expires_at > longest:
        raise ValidationError(
            {"expires_on": _("A token may last at most %(days)s days.")}
            % {"days": settings.API_TOKEN_MAX_DAYS}
        )
    if not scopes or set(scopes) - set(Scope.values):
        raise ValidationError({"scopes": _("Choose what the token may read.")})
    secret = _new_secret()
    token = ApiToken(
        organisation=organisation,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=secret_hash(secret),
        scopes=sorted(scopes),
        expires_at=expires_at,
        created_by=created_by,
    )
    token.full_clean()
    token.save()
    audit_record(
        action=AuditEntry.Action.API_TOKEN_CREATED,
        actor=created_by,
        organisation=organisation,
        target=token,
        details={"name": name, "prefix": token.prefix, "scopes": token.scopes},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, revoked_by) -> bool:
    """Revoke a token at once; return False if it was revoked already."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by
    )
    if updated:
        token.refresh_from_db()
        audit_record(
            action=AuditEntry.Action.API_TOKEN_REVOKED,
            actor=revoked_by,
            organisation=token.organisation,
            target=token,
            details={"name": token.name, "prefix": token.prefix},
        )
    return bool(updated)


def token_find(secret: str) -> ApiToken | None:
    """The token with this secret, whatever its state, or None."""
    if not secret.startswith(SECRET_START):
        return None
    return (
        ApiToken.objects.select_related("organisation")
        .filter(secret_hash=secret_hash(secret))
        .first()
    )


@transaction.atomic
def token_call_record(*, token: ApiToken, path: str) -> None:
    """Count one call: in the token's open burst (started less than the window ago), or in a
    new burst with its own audit entry. Two calls at once never both open one: the token's
    row is locked first."""
    now = timezone.now()
    window = timedelta(seconds=settings.API_AUDIT_BURST_SECONDS)
    ApiToken.objects.select_for_update().filter(pk=token.pk).update(last_used_at=now)
    path = path[:300]
    updated = ApiCallBurst.objects.filter(token=token, started_at__gt=now - window).update(
        count=F("count") + 1, last_at=now, last_path=path
    )
    if updated:
        return
    entry = audit_record(
        action=AuditEntry.Action.API_CALLS,
        organisation=token.organisation,
        target=token,
        details={"name": token.name, "prefix": token.prefix},
        path=path,
    )
    ApiCallBurst.objects.create(
        token=token, entry=entry, started_at=now, last_at=now, last_path=path
    )
