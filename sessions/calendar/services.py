"""A person's private calendar address: created, replaced and stopped."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from participants.models import hash_token

from ..models import CalendarFeed


def _revoke_live(user) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def calendar_feed_create(*, user) -> str:
    """Give a person a new calendar address, stopping the old one; return its secret token.

    Only a hash of the token is stored, so this is the one moment it can be shown.
    """
    # Two requests at once queue on the person's row instead of both creating a live feed.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    _revoke_live(user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user=user, token_hash=hash_token(token))
    feed.full_clean()
    feed.save()
    return token


@transaction.atomic
def calendar_feed_revoke(*, user) -> int:
    """Stop a person's calendar address; return how many were stopped (0 or 1)."""
    return _revoke_live(user)
