"""How to reach a person: the one place other apps read it from.

``contact_for(person)`` answers for one person and ``contacts_for(people)`` for many in one
query. Both always answer, also for people who never set their preferences:

- someone with an email address and no preferences is reached by email;
- someone without email and no preferences (added by a facilitator before preferences
  existed) is phoned by a facilitator, so they land on the call list rather than nowhere;
- a deleted account is reached by nothing (``Contact.channel`` is ``None``).

A ``Contact`` carries only what its channel needs and what a facilitator needs to call:
``email``, ``mobile`` and ``phone`` in E.164 (``+447400123456``), and ``address_lines``, the
lines a letter is addressed with, the postcode last (3 to 7 lines, each at most 35 characters:
GOV.UK Notify's ``address_line_1`` ... ``address_line_7``). The channel is always consistent
with what is given: ``text`` has a mobile, ``letter`` an address, ``email`` an email.

    from participants.contact import Channel, contact_for

    contact = contact_for(membership.user)
    if contact.channel == Channel.TEXT:
        send_text(contact.mobile, ...)
    elif contact.told_by_facilitator:
        ...  # phone call or in person: the session's call list, not a message
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import TOLD_BY_A_FACILITATOR, Channel, ContactPreferences
from .validation import address_lines, display_phone

__all__ = ["Channel", "Contact", "contact_for", "contacts_for"]


@dataclass(frozen=True)
class Contact:
    """The way to reach one person (see the module's docstring)."""

    person_id: int
    channel: Channel | None
    email: str = ""
    mobile: str = ""
    phone: str = ""
    address_lines: tuple[str, ...] = ()

    @property
    def told_by_facilitator(self) -> bool:
        """Nothing is sent: a facilitator phones them or tells them in person."""
        return self.channel in TOLD_BY_A_FACILITATOR

    @property
    def mobile_display(self) -> str:
        """The mobile number written the way people read it, or empty."""
        return display_phone(self.mobile)

    @property
    def number_to_call(self) -> str:
        """The number a facilitator calls, written the way people read it, or empty."""
        return display_phone(self.phone or self.mobile)


def _contact(person, preferences: ContactPreferences | None) -> Contact:
    if getattr(person, "deleted_at", None):
        return Contact(person_id=person.pk, channel=None)
    email = person.email or ""
    if preferences is None:
        channel = Channel.EMAIL if email else Channel.PHONE_CALL
        return Contact(person_id=person.pk, channel=channel, email=email)
    lines = ()
    if preferences.address_lines and preferences.postcode:
        lines = (*address_lines(preferences.address_lines), preferences.postcode)
    return Contact(
        person_id=person.pk,
        channel=Channel(preferences.channel),
        email=email,
        mobile=preferences.mobile,
        phone=preferences.phone,
        address_lines=lines,
    )


def contact_for(person) -> Contact:
    """How to reach this person (a user), by their channel; one query at most."""
    preferences = ContactPreferences.objects.filter(person_id=person.pk).first()
    return _contact(person, preferences)


def contacts_for(people: Iterable) -> dict[int, Contact]:
    """How to reach each of these people (users), by user id, in one query."""
    people = list(people)
    preferences = {
        p.person_id: p
        for p in ContactPreferences.objects.filter(person_id__in=[person.pk for person in people])
    }
    return {person.pk: _contact(person, preferences.get(person.pk)) for person in people}
