"""Writing contributions: add, edit, withdraw, status, tags and support."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.content import project_content_changed
from notifications.models import Notification
from notifications.services import notify
from participants.models import Membership

from .models import Comment, Contribution, Support, Tag


def posting_check(membership: Membership, project) -> None:
    """Refuse (ValidationError) a post to a project that is not open, or by someone who may
    not post there: contributions and comments alike."""
    if project.status != "active":
        raise ValidationError(_("The project is not open for contributions."))
    if membership.project_id != project.pk or membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only people taking part in the project can contribute."))
    if membership.role == Membership.Role.OBSERVER:
        raise ValidationError(_("Observers follow the project without contributing."))


@transaction.atomic
def contribution_add(
    *,
    project,
    author: Membership,
    kind: str,
    title: str,
    body: str = "",
    stage=None,
    journey_step=None,
    session=None,
    emotion: str = "",
    is_anonymous: bool = False,
    sources=(),
    added_by=None,
    submission_key=None,
) -> Contribution:
    """Add a contribution; a facilitator may add one for someone they manage or who gave it
    on paper, recorded with that person and their constituency.

    With a submission key, a second call with the same author and key (a double click, a
    resent form) returns the contribution the first one made instead of adding another.
    """
    if submission_key is not None:
        earlier = Contribution.objects.filter(author=author, submission_key=submission_key)
        if existing := earlier.first():
            return existing
    posting_check(author, project)
    if is_anonymous and not project.allow_anonymous:
        raise ValidationError({"is_anonymous": _("This project does not take anonymous posts.")})
    contribution = Contribution(
        project=project,
        author=author,
        constituency=author.constituency,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        stage=stage,
        journey_step=journey_step,
        session=session,
        emotion=emotion,
        is_anonymous=is_anonymous,
        added_by=added_by if added_by is not None and added_by != author.user else None,
        submission_key=submission_key,
    )
    try:
        contribution.full_clean()
    except ValidationError:
        # The same form's other POST may have committed between the check above and here.
        if submission_key is not None and (existing := earlier.first()):
            return existing
        raise
    try:
        with transaction.atomic():
            contribution.save()
    except IntegrityError:
        if submission_key is None:
            raise
        # The same form's other POST committed it while this one was checking.
        return Contribution.objects.get(author=author, submission_key=submission_key)
    if kind == Contribution.Kind.IDEA and sources:
        contribution.sources.set(
            [s for s in sources if s.project_id == project.pk and s.kind != Contribution.Kind.IDEA]
        )
    return contribution


@transaction.atomic
def contribution_update(*, contribution: Contribution, sources=None, **fields) -> Contribution:
    """Change one's own contribution (its kind and author stay)."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.withdrawn_at:
        raise ValidationError(_("This contribution was withdrawn."))
    if fields.get("is_anonymous") and not contribution.project.allow_anonymous:
        raise ValidationError({"is_anonymous": _("This project does not take anonymous posts.")})
    for name, value in fields.items():
        setattr(contribution, name, value.strip() if isinstance(value, str) else value)
    contribution.full_clean()
    contribution.save()
    if sources is not None and contribution.kind == Contribution.Kind.IDEA:
        contribution.sources.set(
            [
                s
                for s in sources
                if s.project_id == contribution.project_id and s.kind != Contribution.Kind.IDEA
            ]
        )
    return contribution


@transaction.atomic
def contribution_withdraw(*, contribution: Contribution) -> Contribution:
    """Take one's own contribution off the board."""
    Contribution.objects.filter(pk=contribution.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    project_content_changed([contribution.project_id])
    contribution.refresh_from_db()
    return contribution


@transaction.atomic
def contribution_set_status(
    *, contribution: Contribution, status: str, note: str, changed_by
) -> Contribution:
    """Set an idea's status with a short public note; its author is told (even if anonymous,
    without revealing them to anyone)."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status == status and contribution.status_note == note:
        return contribution
    contribution.status = status
    contribution.status_note = note.strip()
    contribution.status_changed_at = timezone.now()
    contribution.full_clean()
    contribution.save()
    audit_record(
        action=AuditEntry.Action.IDEA_STATUS,
        actor=changed_by,
        project=contribution.project,
        target=contribution,
        details={"status": status},
    )
    notify(
        users=[contribution.author.user],
        kind=Notification.Kind.STATUS,
        project=contribution.project,
        message=gettext_lazy("Your idea “%(title)s” is now: %(status)s."),
        params={"title": contribution.title, "status": contribution.get_status_display},
        url=contribution.get_absolute_url(),
        discreet_for=[contribution.author.user_id] if contribution.is_anonymous else [],
    )
    return contribution


@transaction.atomic
def contribution_set_tags(*, contribution: Contribution, tags) -> None:
    """Tag a contribution with tags from its project's list."""
    contribution.tags.set([t for t in tags if t.project_id == contribution.project_id])


@transaction.atomic
def tag_add(*, project, name: str) -> Tag:
    """Add a tag to the project's list (once)."""
    tag, _created = Tag.objects.get_or_create(project=project, name=name.strip())
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    """Remove a tag from the project's list and from everything it was on."""
    tag.delete()


def support_toggle(
    *, contribution: Contribution, membership: Membership, support: bool | None = None
) -> bool:
    """Support an idea, or take the support back; one support per person per idea.

    Returns whether the person now supports it. The button says which it asks for
    (``support``), so a double click or a resent POST asks for the same thing twice and makes
    one row: the unique constraint refuses the second. Without it, the support flips.
    """
    posting_check(membership, contribution.project)
    if contribution.kind != Contribution.Kind.IDEA or contribution.withdrawn_at:
        raise ValidationError(_("Only ideas can be supported."))
    if support is not True:
        with transaction.atomic():
            deleted, _rows = Support.objects.filter(
                contribution=contribution, membership=membership
            ).delete()
            if deleted:
                contribution_recount(contribution_id=contribution.pk)
        if deleted or support is False:
            return False
    try:
        with transaction.atomic():
            Support.objects.create(
                contribution=contribution,
                project_id=contribution.project_id,
                membership=membership,
                constituency=membership.constituency,
            )
            contribution_recount(contribution_id=contribution.pk)
    except IntegrityError:
        pass  # the same person's other click got there first
    return True


def contribution_recount(*, contribution_id: int) -> None:
    """Count again one contribution's supports and comments, inside the transaction that
    just changed one of them. The row is locked first, so the count (a statement after the
    lock is granted) sees what another transaction committed while this one waited: two
    people supporting at once make 2, and a row written past the services is counted too."""
    rows = Contribution.objects.filter(pk=contribution_id)
    list(rows.select_for_update().values_list("pk", flat=True))
    contribution_counts_refresh(contributions=rows)


def contribution_counts_refresh(*, contributions) -> None:
    """Count again the supports and comments (not withdrawn) of these contributions (a
    queryset), after rows were written in bulk without the services that keep the counts."""
    contributions.update(
        support_count=_counted(Support.objects.all()),
        comment_count=_counted(Comment.objects.filter(withdrawn_at__isnull=True)),
    )


def _counted(rows):
    of_one = rows.filter(contribution=OuterRef("pk")).order_by().values("contribution")
    return Coalesce(Subquery(of_one.annotate(n=Count("pk")).values("n")[:1]), 0)


def experiences_withdraw_for_leaver(*, membership, now) -> None:
    """Leaving a project takes back the person's experiences (their stories); ideas, comments
    and supports stay, shown as a former participant's (registered with participants)."""
    Contribution.objects.filter(
        author=membership, kind=Contribution.Kind.EXPERIENCE, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
