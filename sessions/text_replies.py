"""Answering a session invitation by text: YES, NO or MAYBE (or IE, NA, EFALLAI in Welsh),
matched to the latest invitation texted to that number (registered with the outbox, which
receives the texts). The reply is recorded as the person's answer, marked "by text", and
confirmed by a text back. A text we cannot read gets one helpful answer and stays listed for
the project's facilitators; one from a number we never texted is kept too.
"""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError

from codesign.languages import person_languages
from outbox.models import InboundText, OutboxMessage
from outbox.services import text_render
from participants.models import Membership

from .models import Reply, WorkshopSession

ANSWERS = {
    "yes": Reply.Answer.GOING,
    "y": Reply.Answer.GOING,
    "ie": Reply.Answer.GOING,
    "do": Reply.Answer.GOING,
    "no": Reply.Answer.NOT_GOING,
    "n": Reply.Answer.NOT_GOING,
    "na": Reply.Answer.NOT_GOING,
    "nage": Reply.Answer.NOT_GOING,
    "maybe": Reply.Answer.MAYBE,
    "efallai": Reply.Answer.MAYBE,
}
# One "we did not understand" per number a day: an auto-reply cannot start a conversation.
QUIET_FOR = timedelta(days=1)


def answer_read(content: str) -> str | None:
    """The answer a text gives, if it is plainly one: "Yes", " yes! ", "MAYBE." ..."""
    words = re.sub(r"[^\w\s]", " ", content.lower()).split()
    if len(words) != 1:
        return None
    return ANSWERS.get(words[0])


def _latest_invitation(number: str) -> OutboxMessage | None:
    """The latest text about a session sent to this number."""
    return (
        OutboxMessage.objects.filter(
            kind=OutboxMessage.Kind.TEXT, phone=number, payload__has_key="session"
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _answered_lately(inbound: InboundText) -> bool:
    return (
        InboundText.objects.filter(
            source_number=inbound.source_number,
            received_at__gte=inbound.received_at - QUIET_FOR,
            outcome__in=[InboundText.Outcome.UNCLEAR, InboundText.Outcome.UNKNOWN],
        )
        .exclude(pk=inbound.pk)
        .exists()
    )


def _unclear(inbound: InboundText, outcome: str, session=None) -> str | None:
    inbound.outcome = outcome
    if _answered_lately(inbound):
        return ""  # kept and listed, but not answered again today
    organisation = session.project.organisation if session else None
    return text_render(
        template="reply_unclear",
        context={"session": session},
        project=session.project if session else None,
        languages=person_languages(inbound.sender, organisation),
    )


def inbound_text_read(inbound: InboundText) -> str | None:
    """Record the answer an inbound text gives and return the text to send back."""
    invitation = _latest_invitation(inbound.source_number)
    if invitation is None:
        return _unclear(inbound, InboundText.Outcome.UNKNOWN)
    session = (
        WorkshopSession.objects.select_related("project__organisation")
        .filter(pk=invitation.payload["session"])
        .first()
    )
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=invitation.payload.get("membership"))
        .first()
    )
    if session is None or membership is None:
        return _unclear(inbound, InboundText.Outcome.UNKNOWN)
    inbound.project, inbound.sender = session.project, membership.user
    answer = answer_read(inbound.content)
    if answer is None:
        return _unclear(inbound, InboundText.Outcome.UNCLEAR, session)
    from .services import session_reply

    try:
        reply = session_reply(
            session=session,
            membership=membership,
            answer=answer,
            replied_by=membership.user,
            by_text=True,
        )
    except ValidationError:
        return _unclear(inbound, InboundText.Outcome.UNCLEAR, session)
    inbound.outcome = InboundText.Outcome.ANSWERED
    return text_render(
        template="reply_recorded",
        context={"session": session, "answer": reply.answer},
        project=session.project,
        languages=person_languages(membership.user, session.project.organisation),
    )
