"""Reflection: ladder of co-production ratings, and the facilitators' reflective log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Membership

from ..models import Evidence, LadderRating, LadderVote, ReflectiveLogEntry, ServiceChange


@transaction.atomic
def ladder_open(*, project, opened_by) -> LadderRating:
    """Open a ladder rating on the project, unless one is open already."""
    # The project's row is locked so that two facilitators opening at once make one rating.
    locked = type(project).objects.select_for_update().get(pk=project.pk)
    if locked.status == project.Status.CLOSED:
        raise ValidationError(_("The project is closed."))
    if LadderRating.objects.filter(project=locked, closed_at__isnull=True).exists():
        raise ValidationError(_("A rating is already open: close it before opening another."))
    rating = LadderRating(project=locked, opened_by=opened_by)
    rating.full_clean()
    rating.save()
    return rating


def ladder_vote(
    *, rating: LadderRating, membership: Membership, rung: int, comment: str = ""
) -> LadderVote:
    """Place the project on a rung, or move one's earlier choice while the rating is open.

    The rating's row is locked for the write, so a vote never lands after the rating closed,
    and two submits at once by one person end as one vote (the later one).
    """
    if (
        membership.project_id != rating.project_id
        or membership.status != Membership.Status.ACTIVE
        or membership.role not in (Membership.Role.PARTICIPANT, Membership.Role.FACILITATOR)
    ):
        raise ValidationError(_("Only participants and facilitators of the project can rate."))
    fields = {
        "is_facilitator": membership.role == Membership.Role.FACILITATOR,
        "constituency": membership.constituency,
        "rung": rung,
        "comment": comment.strip(),
    }
    LadderVote(rating=rating, membership=membership, **fields).full_clean(
        validate_unique=False, validate_constraints=False
    )
    with transaction.atomic():
        locked = LadderRating.objects.select_for_update().get(pk=rating.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This rating is closed."))
        # update_or_create falls back to the existing row if an insert meets the unique
        # constraint, so even without the lock there would be one row per person.
        vote, _created = LadderVote.objects.update_or_create(
            rating=locked, membership=membership, defaults=fields
        )
    return vote


@transaction.atomic
def ladder_close(*, rating: LadderRating) -> LadderRating:
    """Close a ladder rating: no more votes, and its results are shown."""
    locked = LadderRating.objects.select_for_update().get(pk=rating.pk)
    if locked.closed_at is None:
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
    rating.refresh_from_db(fields=["closed_at"])
    return rating


def reflection_add(
    *,
    session,
    author,
    who_spoke: str = "",
    who_dominated: str = "",
    tensions: str = "",
    conceded: str = "",
) -> ReflectiveLogEntry:
    """Add a facilitator's reflection to a session's private log."""
    entry = ReflectiveLogEntry(
        session=session,
        author=author,
        who_spoke=who_spoke.strip(),
        who_dominated=who_dominated.strip(),
        tensions=tensions.strip(),
        conceded=conceded.strip(),
    )
    if not any((entry.who_spoke, entry.who_dominated, entry.tensions, entry.conceded)):
        raise ValidationError(_("Write something in at least one of the boxes."))
    entry.full_clean()
    entry.save()
    return entry


def reflection_to_cmo(
    *,
    entry: ReflectiveLogEntry,
    change: ServiceChange,
    context: str,
    mechanism: str,
    outcome: str,
    created_by,
) -> Evidence:
    """Record a reflection as context–mechanism–outcome evidence on a change of its project."""
    if change.project_id != entry.session.project_id:
        raise ValidationError({"change": _("Choose a change of this project.")})
    evidence = Evidence(
        change=change,
        kind=Evidence.Kind.CMO,
        context=context.strip(),
        mechanism=mechanism.strip(),
        outcome=outcome.strip(),
        session=entry.session,
        created_by=created_by,
    )
    evidence.full_clean()
    evidence.save()
    return evidence
