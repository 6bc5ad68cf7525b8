"""Telling people about activity that concerns them, and their choices of email."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox.services import email_render, outbox_email_build, outbox_email_many

from .categories import EmailCategory
from .models import EmailPreference, Notification

# News about a person's own contribution or comment may concern something they posted
# anonymously. Its email says only that there is news: the outbox (which facilitators and the
# admin can read) must not pair their address with what they wrote.
DISCREET_KINDS = frozenset(
    {
        Notification.Kind.REPLY,
        Notification.Kind.COMMENT,
        Notification.Kind.STATUS,
        Notification.Kind.CHANGE,
    }
)


def _email(*, users: list, kind: str, project, message: str, url: str) -> None:
    """Email the notification to each person who wants this kind of news by email."""
    users = [user for user in users if user.email]
    if not users:
        return
    discreet = kind in DISCREET_KINDS
    if discreet:
        link = settings.CODESIGN_SITE_URL + reverse("notifications:notification-list")
    else:
        link = settings.CODESIGN_SITE_URL + url if url.startswith("/") else ""
    rendered = email_render(
        template="notification",
        context={
            "discreet": discreet,
            "message": message,
            "link": link,
            "kind_label": Notification.Kind(kind).label,
        },
        project=None if discreet else project,
    )
    outbox_email_many(
        [
            outbox_email_build(to=user.email, project=None if discreet else project, **rendered)
            for user in users
        ]
    )


@transaction.atomic
def notify(*, users: Iterable, kind: str, project, message: str, url: str = "") -> int:
    """Put a notification under each person's bell (once per person), and email it to those
    who keep that category of email on."""
    seen = set()
    people = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        people.append(user)
    Notification.objects.bulk_create(
        [
            Notification(user=user, kind=kind, project=project, message=message[:300], url=url)
            for user in people
        ]
    )
    _email(users=people, kind=kind, project=project, message=message[:300], url=url)
    return len(people)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    """Mark one of a person's notifications read."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of a person read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_preferences_update(*, user, choices: dict[str, bool]) -> None:
    """Save whether a person wants each category of email."""
    for category, enabled in choices.items():
        if category not in EmailCategory.values:
            raise ValueError(f"{category} is not an email category")
        EmailPreference.objects.update_or_create(
            user=user, category=category, defaults={"enabled": bool(enabled)}
        )


def email_category_switch_off(*, user, category: str) -> None:
    """Stop one category of email to a person (from an unsubscribe link)."""
    email_preferences_update(user=user, choices={category: False})
