"""Reads of the call list: who to tell about a session, and how many are not told yet."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from participants.contact import Contact, contacts_for

from ..models import WorkshopSession
from .models import CallListEntry


@dataclass
class PersonToCall:
    """One person on a session's call list, with every reason to call them."""

    membership: object
    contact: Contact
    entries: list = field(default_factory=list)

    @property
    def open_entries(self) -> list:
        return [entry for entry in self.entries if entry.told_at is None]

    @property
    def told(self) -> bool:
        return not self.open_entries

    @property
    def last_told(self):
        """The latest entry ticked, for who told them and when."""
        told = [entry for entry in self.entries if entry.told_at is not None]
        return max(told, key=lambda entry: entry.told_at) if told else None


def call_list_for(session) -> list[PersonToCall]:
    """The session's call list, people not yet told first, each with their number (in the
    way people write it) and access needs. Three queries however long the list."""
    entries = (
        CallListEntry.objects.filter(session=session)
        .select_related("membership__user", "membership__access_needs", "told_by")
        .order_by("membership__display_name", "membership_id", "created_at", "pk")
    )
    people: dict[int, PersonToCall] = {}
    for entry in entries:
        person = people.get(entry.membership_id)
        if person is None:
            person = people[entry.membership_id] = PersonToCall(entry.membership, None)
        person.entries.append(entry)
    contacts = contacts_for([person.membership.user for person in people.values()])
    for person in people.values():
        person.contact = contacts[person.membership.user_id]
    return sorted(people.values(), key=lambda person: person.told)


def next_session_not_told(project) -> tuple[WorkshopSession | None, int]:
    """The project's next scheduled session and how many people on its call list are not yet
    told; (None, 0) without one. Two queries."""
    session = (
        WorkshopSession.objects.filter(
            project=project,
            status=WorkshopSession.Status.SCHEDULED,
            ends_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if session is None:
        return None, 0
    counted = CallListEntry.objects.filter(session=session).aggregate(
        people=Count("membership", filter=Q(told_at__isnull=True), distinct=True)
    )
    return session, counted["people"]
