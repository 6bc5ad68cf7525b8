"""Reads for "you said, we did": the project's published answer and the changes on it."""

from django.db.models import Prefetch, QuerySet

from contributions.models import Contribution

from ..models import ServiceChange, YouSaidWeDid


def you_said_we_did_of(project) -> YouSaidWeDid:
    """Return the project's "you said, we did" record, unsaved (and private) if it has none."""
    record = YouSaidWeDid.objects.filter(project=project).first()
    return record or YouSaidWeDid(project=project, public_token="")


def you_said_we_did_public(token: str) -> YouSaidWeDid | None:
    """Return the record whose public link is on and has this token, or None."""
    if not token:
        return None
    return (
        YouSaidWeDid.objects.select_related("project__organisation")
        .filter(public=True, public_token=token)
        .first()
    )


def changes_done(project) -> QuerySet[ServiceChange]:
    """Implemented and embedded changes, the ones "you said, we did" tells people about.

    Only the fields the page shows are loaded: never owners, contributions or their authors.
    """
    return (
        ServiceChange.objects.done()
        .filter(project=project)
        .only("pk", "project_id", "title", "description", "status", "implemented_on", "you_said")
        .order_by("-implemented_on", "title", "pk")
    )


def changes_done_with_sources(project) -> QuerySet[ServiceChange]:
    """The same changes with the text of the contributions behind them, for the facilitator
    writing summaries (and for checking that a summary does not copy them)."""
    return changes_done(project).prefetch_related(
        Prefetch(
            "contributions",
            queryset=Contribution.objects.only("pk", "project_id", "title", "body").order_by("pk"),
        )
    )
