from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/partials/bell.html", takes_context=True)
def notification_bell(context):
    """The bell in the navigation with the person's unread count (one query, only where shown)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "unread": _unread(request, user),
        "current": request.resolver_match is not None
        and request.resolver_match.view_name == "notifications:notification-list",
    }


def _unread(request, user) -> int:
    """The unread count, read once a request: a kept page's key may have it already
    (``codesign.access.person_states``)."""
    states = getattr(request, "person_states", None) or {}
    if "unread_notifications" in states:
        return states["unread_notifications"]
    return unread_count(user)
