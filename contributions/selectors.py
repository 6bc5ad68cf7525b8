"""Reads of contributions that depend on who is looking."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .models import Comment, Contribution, Support, Tag

SORTS = {"newest": ("-created_at", "-pk"), "supported": ("-support_count", "-created_at", "-pk")}


def board(
    project, *, membership=None, kind="", stage=None, tag=None, status="", query="", sort="newest"
):
    """The project's board: each contribution with its author, tags, comment and support
    counts, and whether the viewer supports it, in a fixed number of queries."""
    contributions = (
        Contribution.objects.filter(project=project)
        .visible()
        .select_related("author", "stage", "session")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(
            support_count=Count("supports", distinct=True),
            comment_count=Count(
                "comments",
                filter=Q(comments__withdrawn_at__isnull=True),
                distinct=True,
            ),
        )
    )
    if membership is not None:
        contributions = contributions.annotate(
            supported=Exists(
                Support.objects.filter(contribution=OuterRef("pk"), membership=membership)
            )
        )
    if kind in Contribution.Kind.values:
        contributions = contributions.filter(kind=kind)
    if stage is not None:
        contributions = contributions.filter(stage=stage)
    if tag is not None:
        contributions = contributions.filter(tags=tag)
    if status in Contribution.Status.values:
        contributions = contributions.filter(kind=Contribution.Kind.IDEA, status=status)
    if query:
        contributions = contributions.filter(Q(title__icontains=query) | Q(body__icontains=query))
    return contributions.order_by(*SORTS.get(sort, SORTS["newest"]))


def thread(contribution):
    """Top-level comments with their replies, authors loaded."""
    return (
        contribution.comments.filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch("replies", queryset=Comment.objects.select_related("author").order_by("pk"))
        )
    )
