"""Prioritisation rounds: opening one, placing dots, closing it."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from notifications.models import Notification
from notifications.services import notify
from participants.models import Membership

from ..models import Contribution, Dot, PrioritisationRound

MIN_IDEAS = 2


@transaction.atomic
def round_open(
    *,
    project,
    title: str,
    dots_per_person: int,
    ideas: Iterable[Contribution],
    session=None,
    in_the_open: bool = False,
    opened_by,
) -> PrioritisationRound:
    """Open a dot-vote over chosen ideas of the project and tell its people."""
    if project.status != "active":
        raise ValidationError(_("Rounds open only while the project is active."))
    ideas = list(ideas)
    if any(
        idea.project_id != project.pk
        or idea.kind != Contribution.Kind.IDEA
        or idea.withdrawn_at
        or idea.hidden_at
        for idea in ideas
    ):
        raise ValidationError({"ideas": _("Choose ideas of this project that are on its board.")})
    if len({idea.pk for idea in ideas}) < MIN_IDEAS:
        raise ValidationError({"ideas": _("Choose at least two ideas to compare.")})
    prioritisation_round = PrioritisationRound(
        project=project,
        session=session,
        title=title.strip(),
        dots_per_person=dots_per_person,
        in_the_open=in_the_open,
        opened_by=opened_by,
    )
    prioritisation_round.full_clean()
    if session is not None and (
        session.project_id != project.pk or session.status == session.Status.CANCELLED
    ):
        raise ValidationError({"session": _("Choose a session of this project that goes ahead.")})
    prioritisation_round.save()
    prioritisation_round.ideas.set(ideas)
    voters = (
        Membership.objects.active()
        .filter(
            project=project,
            role__in=[Membership.Role.PARTICIPANT, Membership.Role.FACILITATOR],
        )
        .exclude(user=opened_by)
        .select_related("user")
    )
    notify(
        users=[m.user for m in voters],
        kind=Notification.Kind.ROUND,
        project=project,
        message=ngettext_lazy(
            "Prioritisation round “%(title)s” is open: you have %(dots)d dot to place.",
            "Prioritisation round “%(title)s” is open: you have %(dots)d dots to place.",
            dots_per_person,
        ),
        params={"title": prioritisation_round.title, "dots": dots_per_person},
        url=prioritisation_round.get_absolute_url(),
    )
    return prioritisation_round


def round_vote(
    *, prioritisation_round: PrioritisationRound, membership: Membership, dots: Mapping[int, int]
) -> list[Dot]:
    """Place (or move) one person's dots: any split over the round's ideas, at most N in all.

    The round's row is locked for the length of the write, so two submits at once by the same
    person (two tabs, a double tap) are applied one after the other and never add up past N,
    and no dot lands after the round is closed.
    """
    if (
        membership.project_id != prioritisation_round.project_id
        or membership.status != Membership.Status.ACTIVE
        or membership.role == Membership.Role.OBSERVER
    ):
        raise ValidationError(_("Only people taking part in the project can place dots."))
    counts = {int(idea_pk): int(count) for idea_pk, count in dots.items() if count}
    if any(count < 0 for count in counts.values()):
        raise ValidationError(_("A number of dots cannot be negative."))
    with transaction.atomic():
        locked = PrioritisationRound.objects.select_for_update().get(pk=prioritisation_round.pk)
        if locked.status != PrioritisationRound.Status.OPEN:
            raise ValidationError(_("This round is closed: its results are out."))
        if locked.project.status != "active":
            raise ValidationError(_("The project is not open for contributions."))
        if not set(counts) <= set(locked.ideas.values_list("pk", flat=True)):
            raise ValidationError(_("Place dots only on the ideas in this round."))
        if sum(counts.values()) > locked.dots_per_person:
            raise ValidationError(
                ngettext(
                    "You have %(dots)d dot to place.",
                    "You have %(dots)d dots to place.",
                    locked.dots_per_person,
                )
                % {"dots": locked.dots_per_person}
            )
        Dot.objects.filter(round=locked, membership=membership).delete()
        return Dot.objects.bulk_create(
            Dot(
                round=locked,
                idea_id=idea_pk,
                membership=membership,
                constituency=membership.constituency,
                count=count,
            )
            for idea_pk, count in counts.items()
        )


@transaction.atomic
def round_close(*, prioritisation_round: PrioritisationRound) -> PrioritisationRound:
    """Close a round: no more dots, and its results are shown."""
    locked = PrioritisationRound.objects.select_for_update().get(pk=prioritisation_round.pk)
    if locked.status == PrioritisationRound.Status.OPEN:
        locked.status = PrioritisationRound.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    prioritisation_round.refresh_from_db(fields=["status", "closed_at"])
    return prioritisation_round


def round_declare_open(*, prioritisation_round: PrioritisationRound) -> PrioritisationRound:
    """Declare that a round's votes were placed in the open, so its split is always shown."""
    PrioritisationRound.objects.filter(pk=prioritisation_round.pk).update(in_the_open=True)
    prioritisation_round.in_the_open = True
    return prioritisation_round
