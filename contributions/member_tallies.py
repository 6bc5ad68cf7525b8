"""Each member's supports and comments, counted by constituency (``MemberTally``), for parity.

A member's tally is counted again from their rows, never added to, so it cannot drift: after
each support given or taken back and each comment made, withdrawn or deleted (cascades
included), inside the transaction that wrote it and under a lock on the member, so that two of
their writes at once are both counted (a statement after the lock sees what the other
committed). Bulk writes that send no signals rebuild the tallies afterwards
(``member_tallies_refresh``).
"""

from django.db import transaction
from django.db.models import Count, QuerySet

from participants.models import Membership

from .models import Comment, Contribution, MemberTally, Support


def member_recount(membership_id: int) -> None:
    """Count one member's supports and live comments again, by constituency."""
    with transaction.atomic():
        project_id = (
            Membership.objects.select_for_update()
            .filter(pk=membership_id)
            .values_list("project_id", flat=True)
            .first()
        )
        if project_id is None:
            return  # the member is being deleted: their tallies go with them
        counted: dict[str, dict[str, int]] = {}
        supports = Support.objects.filter(membership_id=membership_id)
        comments = Comment.objects.filter(author_id=membership_id, withdrawn_at__isnull=True)
        for name, rows in (("supports", supports), ("comments", comments)):
            by_constituency = rows.order_by().values_list("constituency").annotate(n=Count("*"))
            for constituency, n in by_constituency:
                counted.setdefault(constituency, {})[name] = n
        MemberTally.objects.filter(membership_id=membership_id).delete()
        MemberTally.objects.bulk_create(
            MemberTally(
                project_id=project_id, membership_id=membership_id, constituency=c, **numbers
            )
            for c, numbers in counted.items()
        )


def member_tallies_refresh(*, project_ids=None) -> None:
    """Rebuild the tallies of these projects' members (every project's: None) from their rows,
    after supports or comments were written in bulk. A member's rows are tallied in the
    member's project (which is always the rows' own: ``services.posting_check``)."""
    with transaction.atomic():
        tallies = MemberTally.objects.all()
        supports = Support.objects.all()
        comments = Comment.objects.filter(withdrawn_at__isnull=True)
        if project_ids is not None:
            tallies = tallies.filter(project_id__in=project_ids)
            supports = supports.filter(membership__project_id__in=project_ids)
            comments = comments.filter(author__project_id__in=project_ids)
        counted: dict[tuple, dict[str, int]] = {}
        for name, rows, member in (
            ("supports", supports, "membership"),
            ("comments", comments, "author"),
        ):
            grouped = (
                rows.order_by()
                .values_list(f"{member}__project_id", f"{member}_id", "constituency")
                .annotate(n=Count("*"))
            )
            for project_id, membership_id, constituency, n in grouped:
                counted.setdefault((project_id, membership_id, constituency), {})[name] = n
        tallies.delete()
        MemberTally.objects.bulk_create(
            (
                MemberTally(
                    project_id=project_id,
                    membership_id=membership_id,
                    constituency=constituency,
                    **numbers,
                )
                for (project_id, membership_id, constituency), numbers in counted.items()
            ),
            batch_size=2000,
        )


def _member_stays(origin) -> bool:
    """Whether a delete leaves the member: one of their rows, or a contribution with them,
    deleted. A member, project or account deleted takes the member's tallies with it, and
    counting them again then would write rows for a member about to go."""
    if origin is None:
        return True
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model in (Support, Comment, Contribution)


def support_changed(sender, instance, raw=False, origin=None, **kwargs) -> None:
    if not raw and _member_stays(origin):
        member_recount(instance.membership_id)


def comment_changed(sender, instance, raw=False, update_fields=None, origin=None, **kwargs):
    """A comment made, withdrawn or deleted; its words changing alone counts nothing."""
    if raw or (update_fields is not None and "withdrawn_at" not in update_fields):
        return
    if _member_stays(origin):
        member_recount(instance.author_id)
