"""Reads about a person's notifications, email choices and the news in their projects."""

from .categories import DEFAULT_ENABLED, EmailCategory
from .models import EmailPreference, Notification


def notifications_of(user):
    """A person's own notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("project")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_count_sql(quote) -> str:
    """``unread_count`` as a scalar subquery of ``%(user)s``, read with a project's page
    (codesign/access.py; tests/notifications check the two agree)."""
    table, user, read_at = (
        quote(name)
        for name in (
            Notification._meta.db_table,
            Notification._meta.get_field("user").column,
            Notification._meta.get_field("read_at").column,
        )
    )
    return f"SELECT COUNT(*) FROM {table} WHERE {user} = %(user)s AND {read_at} IS NULL"  # noqa: S608


def email_preferences_of(user) -> dict[str, bool]:
    """{category: whether the person gets that email}, defaults filled in."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("category", "enabled"))
    return {category: chosen.get(category, DEFAULT_ENABLED[category]) for category in EmailCategory}
