"""How a contribution's or comment's author appears: never identifying an anonymous one."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def author_name(item) -> str:
    """The author's display name, "Anonymous participant", or "Former participant"."""
    if item.is_anonymous:
        return _("Anonymous participant")
    if item.author.status == "withdrawn":
        return _("Former participant")
    return item.author.display_name


@register.filter
def is_by(item, user) -> bool:
    """Whether the signed-in person wrote it (used only to show them their own controls)."""
    return user.is_authenticated and item.author.user_id == user.pk
