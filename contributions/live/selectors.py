"""Reads for a session's live board: its items, what changed since the last poll, its rounds."""

import xml.etree.ElementTree as ET

import qrcode
import qrcode.image.svg
from django.db.models import Q

from ..models import Contribution, LiveBoard, PrioritisationRound
from ..rounds import selectors as rounds_selectors


def board_by_code(code: str):
    """The board with this code (open or not), or None."""
    if not code:
        return None
    return (
        LiveBoard.objects.select_related("session__project__organisation", "session__stage")
        .filter(code=code)
        .first()
    )


def _items(session):
    return (
        Contribution.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("author")
        .order_by("-pk")
    )


def board_items(session, *, after: int = 0):
    """The session's contributions newer than `after` (an id), newest first, authors loaded."""
    return _items(session).filter(pk__gt=after)


def changed_items(session, *, after: int, since):
    """Items already on the screen that were edited, hidden or withdrawn since the last poll."""
    return (
        Contribution.objects.filter(session=session, pk__lte=after)
        .filter(Q(updated_at__gte=since) | Q(hidden_at__gte=since) | Q(withdrawn_at__gte=since))
        .select_related("author")
        .order_by("-pk")
    )


def item_count(session) -> int:
    return _items(session).count()


def screen_rounds(session) -> dict:
    """The session's open rounds (with how many voted) and its latest closed one.

    The signature changes whenever a round opens or closes, so a poll can tell whether the
    screen's dot-vote section needs drawing again or only its counts.
    """
    rounds = list(rounds_selectors.rounds_for_session(session))
    open_rounds = [r for r in rounds if r.status == PrioritisationRound.Status.OPEN]
    closed_round = next((r for r in rounds if r.status == PrioritisationRound.Status.CLOSED), None)
    signature = "-".join(
        [f"o{r.pk}" for r in open_rounds] + ([f"c{closed_round.pk}"] if closed_round else [])
    )
    return {"open_rounds": open_rounds, "closed_round": closed_round, "signature": signature}


def qr_svg(url: str, *, label: str) -> str:
    """A QR code of the URL as inline SVG: no style attributes (the CSP refuses them), scaled
    by its container, and named for screen readers."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    root = image.get_image()
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("class", "w-100 h-auto bg-white")
    root.set("role", "img")
    root.set("aria-label", label)
    return ET.tostring(root, encoding="unicode")
