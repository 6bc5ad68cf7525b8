"""Reads for conversation and moderation."""

from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery

from codesign import rows
from participants.models import Membership

from ..models import Comment, Report


def comment_thread(contribution) -> list:
    """The contribution's comments, each with its replies that were not withdrawn
    (``visible_replies``, oldest first), in one query written once a process
    (``codesign.rows``): every comment of the contribution with its author, put in threads
    here. A withdrawn comment stays only to hold its replies.

    Each comment and reply knows its contribution and its project, so asking the rules
    about it costs no query.
    """
    return comment_thread_read(contribution).run()


def comment_thread_read(contribution) -> rows.Read:
    """``comment_thread`` as a read, to run with the page's others."""
    found = rows.many_read(
        Comment,
        related=("author",),
        order_by=("created_at", "id"),
        contribution_id=contribution.pk,
    )
    return rows.Read(
        found.connection,
        found.sql,
        found.params,
        lambda rows_: _threaded(found.take(rows_), contribution),
    )


def _threaded(found, contribution) -> list:
    replies = defaultdict(list)
    for row in sorted(found, key=lambda row: row.pk):
        if row.parent_id is not None and row.withdrawn_at is None:
            replies[row.parent_id].append(row)
    comments = []
    for comment in found:
        if comment.parent_id is not None:
            continue
        comment.visible_replies = replies[comment.pk]
        for item in (comment, *comment.visible_replies):
            item.contribution = contribution
            item.project = contribution.project
        if comment.withdrawn_at is None or comment.visible_replies:
            comments.append(comment)
    return comments


def project_reports(project):
    """Reports about the project's contributions and comments, each with what it is about
    and its author."""
    return Report.objects.filter(
        Q(contribution__project=project) | Q(comment__project=project)
    ).select_related(
        "contribution__author",
        "contribution__project",
        "comment__author",
        "comment__project",
        "comment__contribution__project",
    )


def open_reports(project):
    """The project's unresolved reports, newest first, with the reporter's name in the
    project."""
    return (
        project_reports(project)
        .filter(resolved_at__isnull=True)
        .select_related("reporter")
        .annotate(
            reporter_name=Subquery(
                Membership.objects.filter(project=project, user=OuterRef("reporter")).values(
                    "display_name"
                )[:1]
            )
        )
        .order_by("-created_at", "-pk")
    )
