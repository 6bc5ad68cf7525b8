"""Writes to a person's own account settings."""

from .models import User


def user_set_easy_read(*, user: User, easy_read: bool) -> User:
    """Record whether the person wants easy-read versions shown first."""
    user.prefers_easy_read = easy_read
    user.save(update_fields=["prefers_easy_read"])
    return user
