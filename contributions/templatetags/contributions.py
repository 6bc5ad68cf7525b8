"""How a contribution's or comment's author appears: never identifying an anonymous one."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def author_label(*, is_anonymous: bool, status: str, display_name: str) -> str:
    """ "Anonymous participant", "Former participant" (a member who left), or the display name:
    the one rule for pages, mail and exports, which may hold the parts without the objects."""
    if is_anonymous:
        return _("Anonymous participant")
    if status == "withdrawn":
        return _("Former participant")
    return display_name


@register.filter
def author_name(item) -> str:
    """The label of a contribution's or comment's author (``author_label``)."""
    return author_label(
        is_anonymous=item.is_anonymous,
        status=item.author.status,
        display_name=item.author.display_name,
    )


@register.filter
def is_by(item, user) -> bool:
    """Whether the signed-in person wrote it (used only to show them their own controls)."""
    return user.is_authenticated and item.author.user_id == user.pk


@register.simple_tag
def support(c, can_support, marks=True):
    """An idea's support (``contributions.tallies``): between marks, drawn again as it stands
    each time the page is served; without them for an answer swapped in by htmx."""
    from contributions import tallies

    return tallies.support_marked(c, can_support) if marks else tallies.support_html(c, can_support)


@register.simple_tag
def comments_link(c):
    """A card's link to the contribution's comments, drawn again as it stands each time the
    page is served (``contributions.tallies``)."""
    from contributions import tallies

    return tallies.comments_marked(c)


@register.simple_tag
def kind_badge(c):
    """What kind of contribution it is (``contributions.cards``)."""
    from contributions import cards

    return cards.kind_badge(c)


@register.simple_tag
def emotion(c):
    """How the person felt at a touchpoint (``contributions.cards``)."""
    from contributions import cards

    return cards.emotion_badge(c)


@register.simple_tag(takes_context=True)
def card(context, c):
    """The card of ``c`` on the board, as the signed-in person sees it (``contributions.cards``)."""
    from contributions import cards

    return cards.card_html(c, context["user"])
