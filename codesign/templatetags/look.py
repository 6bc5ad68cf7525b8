"""The organisation's look on its pages: ``{% look_stylesheet %}`` in the head loads its
colours, ``{% look_banner %}`` shows its name and logo under the site's header. Both read the
page's ``organisation``, or its ``project``'s."""

from django import template
from django.utils.html import format_html

from codesign.look import look_of

register = template.Library()


def _page_look(context):
    organisation = context.get("organisation")
    if organisation is None or not hasattr(organisation, "look_background"):
        organisation = getattr(context.get("project"), "organisation", None)
    if organisation is None or not hasattr(organisation, "look_background"):
        return None
    return look_of(organisation)


@register.simple_tag(takes_context=True)
def look_stylesheet(context) -> str:
    look = _page_look(context)
    if look is None or not look.stylesheet_url:
        return ""
    return format_html('<link rel="stylesheet" href="{}">', look.stylesheet_url)


@register.inclusion_tag("includes/organisation_look.html", takes_context=True)
def look_banner(context) -> dict:
    return {"look": _page_look(context)}
