"""Telling people about a session by the channel each of them chose
(``participants.contact``): an email with their own calendar invitation, a text message, or a
letter. Nothing is sent to people a facilitator tells by phone or in person.

Each message carries what it is about (the session and the membership), so that a message that
cannot be delivered puts its person on the session's call list.
"""

from django.utils import translation

from codesign.languages import person_languages
from outbox.services import (
    email_render,
    letter_render,
    outbox_email,
    outbox_email_build,
    outbox_letter,
    outbox_text,
    outbox_text_build,
    text_render,
)
from participants.contact import Channel, contacts_for

from .calendar.ics import ics_attachment, session_invitation_ics


def about(session, membership) -> dict:
    return {"session": session.pk, "membership": membership.pk}


def tell(*, session, memberships, template: str, cancel: bool = False, context=None) -> int:
    """Tell each member about the session by their channel; returns how many were sent."""
    memberships = list(memberships)
    contacts = contacts_for([membership.user for membership in memberships])
    sent = 0
    for membership in memberships:
        contact = contacts[membership.user_id]
        values = {"session": session, "membership": membership, **(context or {})}
        common = {
            "project": session.project,
            "recipient": membership.user,
            "about": about(session, membership),
        }
        # In the person's language (codesign.languages), their calendar invitation too.
        languages = person_languages(membership.user, session.project.organisation)
        rendering = {"context": values, "project": session.project, "languages": languages}
        if contact.channel == Channel.TEXT and contact.mobile:
            body = text_render(template=template, **rendering)
            outbox_text(phone=contact.mobile, body=body, **common)
        elif contact.channel == Channel.LETTER and contact.address_lines:
            outbox_letter(
                address="\n".join(contact.address_lines),
                **letter_render(template=template, **rendering),
                **common,
            )
        elif contact.channel == Channel.EMAIL and contact.email:
            with translation.override(languages[0]):
                invitation = session_invitation_ics(session, email=contact.email, cancel=cancel)
            outbox_email(
                to=contact.email,
                template=template,
                context=values,
                languages=languages,
                attachments=[ics_attachment(invitation, method="CANCEL" if cancel else "REQUEST")],
                **common,
            )
        else:
            continue
        sent += 1
    return sent


def reminder_build(reply, *, template: str, context: dict, dedupe_key: str, contact):
    """A reminder by the person's channel, unsaved: an email with its .ics or a text. A letter
    would come too late, and people told by a facilitator are phoned: None for them."""
    session, membership = reply.session, reply.membership
    common = {
        "project": session.project,
        "dedupe_key": dedupe_key,
        "recipient": membership.user,
        "about": about(session, membership),
    }
    languages = person_languages(membership.user, session.project.organisation)
    rendering = {"context": context, "project": session.project, "languages": languages}
    if contact.channel == Channel.TEXT and contact.mobile:
        body = text_render(template=template, **rendering)
        return outbox_text_build(phone=contact.mobile, body=body, **common)
    if contact.channel == Channel.EMAIL and contact.email:
        with translation.override(languages[0]):
            invitation = session_invitation_ics(session, email=contact.email)
        return outbox_email_build(
            to=contact.email,
            attachments=[ics_attachment(invitation)],
            **email_render(template=template, **rendering),
            **common,
        )
    return None
