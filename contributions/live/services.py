"""A session's live board: opening it with a short code, adding to it, closing it."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Membership

from ..models import Contribution, LiveBoard
from ..services import contribution_add

# No 0/O, 1/I/L: a code read off a projector must not be mistyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_ATTEMPTS = 10


def normalise_code(text: str) -> str:
    """The code as stored, from what a person typed ("abc 23x" -> "ABC23X")."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:16]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def live_board_open(*, session) -> LiveBoard:
    """Open the session's live board (a closed one reopens with a fresh code)."""
    if session.status != session.Status.IN_PROGRESS:
        raise ValidationError(_("Start the session first: the live board runs while it is on."))
    if session.project.status != "active":
        raise ValidationError(_("The project is not open for contributions."))
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                board = LiveBoard.objects.select_for_update().filter(session=session).first()
                if board is None:
                    return LiveBoard.objects.create(session=session, code=_new_code())
                if not board.is_open:
                    # A new code, so an old photo of the screen does not let anyone back in.
                    board.code = _new_code()
                    board.closed_at = None
                    board.opened_at = timezone.now()
                    board.save(update_fields=["code", "closed_at", "opened_at"])
                return board
        except IntegrityError:
            continue  # the code was taken, or the board was opened in another tab just now
    raise RuntimeError("No free live board code after several attempts.")


@transaction.atomic
def live_board_close(*, board: LiveBoard) -> LiveBoard:
    """Close the board: nobody can join or add to it any more."""
    LiveBoard.objects.filter(pk=board.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    board.refresh_from_db()
    return board


def live_contribution_add(
    *,
    board: LiveBoard,
    author: Membership,
    added_by,
    kind: str,
    title: str,
    body: str = "",
    emotion: str = "",
    journey_step=None,
    is_anonymous: bool = False,
    submission_key=None,
) -> Contribution:
    """Add a contribution from the room: an ordinary one of the project, linked to the session.

    A second call with the same author and submission key returns the first one's contribution.
    """
    session = board.session
    if not board.is_open or session.status != session.Status.IN_PROGRESS:
        raise ValidationError(_("This live board is closed."))
    if not session.is_for_member(author):
        raise ValidationError(_("This session is not for that person."))
    return contribution_add(
        project=session.project,
        author=author,
        kind=kind,
        title=title,
        body=body,
        stage=session.stage,
        session=session,
        emotion=emotion,
        journey_step=journey_step,
        is_anonymous=is_anonymous,
        added_by=added_by,
        submission_key=submission_key,
    )
