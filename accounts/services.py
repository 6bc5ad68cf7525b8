"""Writes to a person's own account settings (allauth makes the rest)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from codesign.languages import known

from .models import User


def user_set_easy_read(*, user: User, easy_read: bool) -> User:
    """Record whether the person wants easy-read versions shown first."""
    user.prefers_easy_read = easy_read
    user.save(update_fields=["prefers_easy_read"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Record the language a person chose for the pages and for what is sent to them."""
    if not known(language):
        raise ValidationError(_("Choose one of the languages offered."))
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
