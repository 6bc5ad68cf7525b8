"""Reminders: how long 10,000 take to go out, and that none goes twice.

In one transaction that is rolled back at the end (the database is left as it was): sessions of
the measured project starting in an hour, with a reminder two hours before (so due now), and a
"going" reply from each of its active participants and facilitators, until there are ``count``
replies. Then the reminder run (``session_reminders_send``, as the worker calls it) is timed,
and run again at once, which must write nothing.
"""

import math
import time
from datetime import timedelta

from .measure import counting_queries


class Rollback(Exception):
    pass


def measure_reminders(project, *, count: int = 10_000) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from sessions.models import Reminder
    from sessions.reminders.services import session_reminders_send

    result = {}
    try:
        with transaction.atomic():
            now = timezone.now()
            replies, sessions = _due_replies(project, count, now)
            with counting_queries() as counter:
                started = time.perf_counter()
                written = session_reminders_send(now=now)
                seconds = time.perf_counter() - started
            ours = Reminder.objects.filter(session__in=sessions, message__isnull=False).count()
            again = session_reminders_send(now=now + timedelta(minutes=1))
            result = {
                "replies": replies,
                # These sessions' reminders; the run also sends any others due in the data.
                "written": ours,
                "written_with_others_due": written,
                "seconds": round(seconds, 2),
                "queries": counter.count,
                "written_again": again,
            }
            raise Rollback
    except Rollback:
        pass
    return result


def _due_replies(project, count: int, now) -> tuple[int, list[int]]:
    from participants.models import Membership
    from sessions.models import Reply, WorkshopSession

    members = list(
        Membership.objects.filter(
            project=project,
            status=Membership.Status.ACTIVE,
            role__in=[Membership.Role.PARTICIPANT, Membership.Role.FACILITATOR],
            user__is_active=True,
        ).order_by("pk")
    )
    starts = now + timedelta(hours=1)
    sessions = WorkshopSession.objects.bulk_create(
        [
            WorkshopSession(
                project=project,
                title=f"Reminders benchmark ({number})",
                kind=WorkshopSession.Kind.WORKSHOP,
                audience=WorkshopSession.Audience.EVERYONE,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place="Education centre",
                status=WorkshopSession.Status.SCHEDULED,
                reminder_offsets=[2],
            )
            for number in range(math.ceil(count / max(len(members), 1)))
        ]
    )
    rows = [
        Reply(session=session, membership=member, answer="going")
        for session in sessions
        for member in members
    ][:count]
    Reply.objects.bulk_create(rows, batch_size=2000)
    return len(rows), [session.pk for session in sessions]
