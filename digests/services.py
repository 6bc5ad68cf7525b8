"""The daily digest, sent by the beat task: at most one per person per day.

A digest is one (person, day). Its ``DigestSent`` row is the claim: the unique constraint lets
only one run create it, and it is committed in the same transaction as the outbox email it links
to. A person with no news that day gets a claim and no email. The next digest starts where the
last one's window ended.
"""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from codesign.languages import person_languages
from notifications.categories import EmailCategory
from notifications.models import DigestSent
from outbox.services import email_render, outbox_email_build, outbox_email_many

from .selectors import ProjectNews, digest_news

TEMPLATE = "digest"
# A first digest covers the day before; after a long gap, only the last week.
FIRST_WINDOW = timedelta(days=1)
LONGEST_WINDOW = timedelta(days=7)


def dedupe_key(*, user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def _unclaimed_people(day: date, batch_size: int) -> list:
    """Active people with an address who asked for the digest and have no claim for the day."""
    claimed = DigestSent.objects.filter(user_id=OuterRef("pk"), date=day)
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            email_preferences__category=EmailCategory.DIGEST,
            email_preferences__enabled=True,
        )
        .exclude(email__isnull=True)
        .exclude(email="")
        .exclude(Exists(claimed))
        .order_by("pk")[:batch_size]
    )


def _build(person, news: list[ProjectNews], day: date):
    return outbox_email_build(
        to=person.email,
        dedupe_key=dedupe_key(user_id=person.pk, day=day),
        **email_render(
            template=TEMPLATE, context={"news": news}, languages=person_languages(person)
        ),
    )


@transaction.atomic
def _claim_and_write(people: list, *, now: datetime, day: date) -> tuple[int, int]:
    """Claim a batch of digests and write those with news, in one transaction.

    Returns (claimed, written).
    """
    last = dict(
        DigestSent.objects.filter(user__in=people)
        .values("user_id")
        .annotate(until=Max("covered_until"))
        .values_list("user_id", "until")
    )
    DigestSent.objects.bulk_create(
        [DigestSent(user=p, date=day, covered_until=now, claimed_at=now) for p in people],
        ignore_conflicts=True,
    )
    # A conflicting row was claimed by another run, committed with its message; the rows stamped
    # with this run's time and without a message are this run's.
    ours = {
        claim.user_id: claim
        for claim in DigestSent.objects.filter(
            user__in=people, date=day, claimed_at=now, message__isnull=True
        )
    }
    people = [p for p in people if p.pk in ours]
    if not people:
        return 0, 0
    since = {p.pk: max(last.get(p.pk) or now - FIRST_WINDOW, now - LONGEST_WINDOW) for p in people}
    news = digest_news(people, since=since, until=now)
    written = outbox_email_many([_build(p, news[p.pk], day) for p in people if news.get(p.pk)])
    claims = {dedupe_key(user_id=user_id, day=day): claim for user_id, claim in ours.items()}
    for message in written:
        claims[message.dedupe_key].message_id = message.pk
    DigestSent.objects.bulk_update([claims[m.dedupe_key] for m in written], ["message"])
    return len(people), len(written)


def digest_send(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Write today's digest for each person who asked for one and has news; return how many.

    A second run the same day writes nothing. Each batch costs the same few queries however
    many people it covers.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    written = 0
    while True:
        people = _unclaimed_people(day, batch_size)
        if not people:
            break
        claimed, sent = _claim_and_write(people, now=now, day=day)
        written += sent
        if len(people) < batch_size or not claimed:
            # The last batch, or another run claimed this whole batch and carries on from here.
            break
    return written
