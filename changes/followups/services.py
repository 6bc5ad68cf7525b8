"""Reminders of follow-up checks ("has it stuck?"), sent by the daily beat task: each check
claimed once, then mailed.

The claim is the check's ``reminded_at``: a conditional UPDATE stamps only checks that no other
run has stamped, and the outbox emails are written in the same transaction, so a second or
concurrent run finds them claimed and writes nothing. Sending is the outbox's job.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from codesign.languages import person_languages
from outbox.services import email_render, outbox_email_build, outbox_email_many
from participants.models import Membership

from ..models import FollowUpCheck, ServiceChange

TEMPLATE = "follow_up_due"


def _due(today: date, batch_size: int) -> list[FollowUpCheck]:
    return list(
        FollowUpCheck.objects.filter(
            due_on__lte=today,
            reminded_at__isnull=True,
            outcome="",
            change__status__in=[ServiceChange.Status.IMPLEMENTED, ServiceChange.Status.EMBEDDED],
        )
        .select_related("change__project__organisation", "change__owner__user")
        .order_by("due_on", "pk")[:batch_size]
    )


def _facilitators(project_ids) -> dict[int, list]:
    """{project id: [user]} of each project's active facilitators who have an email address."""
    facilitators = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            project_id__in=project_ids,
            role=Membership.Role.FACILITATOR,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(user__email__isnull=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    ):
        facilitators[membership.project_id].append(membership.user)
    return facilitators


def _recipients(check: FollowUpCheck, facilitators: dict) -> list:
    """The change's owner (if a current member with an email address) and the facilitators."""
    people = {}
    owner = check.change.owner
    if (
        owner is not None
        and owner.status == Membership.Status.ACTIVE
        and owner.user.is_active
        and owner.user.email
    ):
        people[owner.user.pk] = (owner.user, True)
    for user in facilitators.get(check.change.project_id, []):
        people.setdefault(user.pk, (user, False))
    return list(people.values())


def dedupe_key(*, check_id: int, user_id: int) -> str:
    return f"follow-up:{check_id}:{user_id}"


def _build(check: FollowUpCheck, user, is_owner: bool):
    change = check.change
    return outbox_email_build(
        to=user.email,
        project=change.project,
        dedupe_key=dedupe_key(check_id=check.pk, user_id=user.pk),
        **email_render(
            template=TEMPLATE,
            project=change.project,
            languages=person_languages(user, change.project.organisation),
            context={
                "check": check,
                "change": change,
                "is_owner": is_owner,
                "link": settings.CODESIGN_SITE_URL
                + reverse(
                    "changes:follow-up-record",
                    kwargs={"project_pk": change.project_id, "follow_up_pk": check.pk},
                ),
            },
        ),
    )


@transaction.atomic
def _claim_and_write(checks: list[FollowUpCheck]) -> int:
    """Claim a batch of checks and write their reminders, in one transaction."""
    stamp = timezone.now()
    ids = [check.pk for check in checks]
    FollowUpCheck.objects.filter(pk__in=ids, reminded_at__isnull=True).update(reminded_at=stamp)
    # A check another run stamped first is left to that run, which writes its emails.
    ours = set(
        FollowUpCheck.objects.filter(pk__in=ids, reminded_at=stamp).values_list("pk", flat=True)
    )
    checks = [check for check in checks if check.pk in ours]
    if not checks:
        return 0
    facilitators = _facilitators({check.change.project_id for check in checks})
    messages = [
        _build(check, user, is_owner)
        for check in checks
        for user, is_owner in _recipients(check, facilitators)
    ]
    if messages:
        outbox_email_many(messages)
    return len(checks)


def follow_ups_remind(*, today: date | None = None, batch_size: int = 200) -> int:
    """Remind the owner and the facilitators of each follow-up check that is due, has no
    outcome and was not reminded yet; return how many checks were claimed.

    Each check is reminded at most once, however often or concurrently this runs, and each
    batch costs the same few queries however many checks and people it covers.
    """
    today = today or timezone.localdate()
    claimed = 0
    while True:
        checks = _due(today, batch_size)
        if not checks:
            break
        written = _claim_and_write(checks)
        claimed += written
        if len(checks) < batch_size or not written:
            break
    return claimed
