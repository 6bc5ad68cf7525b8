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
        "unread": unread_count(user),
        "current": request.resolver_match is not None
        and request.resolver_match.view_name == "notifications:notification-list",
    }
