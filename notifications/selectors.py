"""Reads about a person's notifications, email choices and the news in their projects."""

from .categories import DEFAULT_ENABLED, EmailCategory
from .models import EmailPreference, Notification


def notifications_of(user):
    """A person's own notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("project")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_preferences_of(user) -> dict[str, bool]:
    """{category: whether the person gets that email}, defaults filled in."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("category", "enabled"))
    return {category: chosen.get(category, DEFAULT_ENABLED[category]) for category in EmailCategory}
