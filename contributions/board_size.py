"""How many contributions each project's board lists, kept on the project (``board_size``).

Every page of the board says how many contributions it has, and counting a project's 20,000
took 2.5 ms of each page worked out. The count is kept instead: counted again, never added to,
after each change of the project's content but a support or a comment (a contribution added,
withdrawn or deleted raises the content version: ``codesign.content``), in the transaction
that raises the version and after it (``codesign.content.register_content_count``). Bulk
writes that send no signals count again afterwards (``board_sizes_refresh``: the seeds).

Like everything named by the content version, it is read outside transactions only
(``content.may_keep``): a connection inside one may see writes no version names yet, and
counts (``board_size_of``).
"""

from django.apps import apps
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from codesign import content

from .models import Contribution


def recount(project_ids) -> None:
    """Count again the board of each of these projects (ids, or a queryset of them)."""
    Project = apps.get_model("projects", "Project")
    listed = (
        Contribution.objects.filter(project=OuterRef("pk"))
        .visible()
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Project.objects.filter(pk__in=project_ids).update(board_size=Coalesce(Subquery(listed), 0))


def board_sizes_refresh(*, project_ids=None) -> None:
    """Count again the boards of these projects (every project's: None), after contributions
    were written in bulk."""
    Project = apps.get_model("projects", "Project")
    recount(Project.objects.values("pk") if project_ids is None else project_ids)


def board_size_of(project) -> int | None:
    """How many contributions the project's board lists, as the project was loaded; None
    inside a transaction, where it is counted."""
    return project.board_size if content.may_keep() else None
