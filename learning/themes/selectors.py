"""Reads of a project's themes: the latest suggestions, the decided ones, and who is behind
each (by group, under the disclosure rule)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q

from codesign.disclosure import disclose, managers_threshold
from contributions.models import Contribution

from ..models import Theme, ThemeRun
from ..selectors import GROUPS_OF, OTHER, SERVICE_USERS, STAFF, group_rows


@dataclass
class ProjectThemes:
    latest: ThemeRun | None
    suggested: list[Theme]
    accepted: list[Theme]
    set_aside: list[Theme]


def visible_contributions():
    return Contribution.objects.filter(hidden_at__isnull=True).visible()


def project_themes(project, *, for_managers: bool) -> ProjectThemes:
    """The project's themes: the latest run's suggestions still undecided, the accepted ones
    of every run, and those set aside; each with its contributions and its group mix."""
    threshold = project.group_threshold
    if for_managers:
        threshold = managers_threshold(threshold)
    return _themes(
        ThemeRun.objects.filter(project=project), Q(project=project), threshold=threshold
    )


class ProjectCount(NamedTuple):
    """How many of a theme's contributions came from one project (projects may share a title:
    each is its own row, named by its id too)."""

    title: str
    count: int
    project_id: int


def organisation_themes(organisation) -> ProjectThemes:
    """The themes found across the organisation's projects, as ``project_themes``, each also
    with how many of its contributions came from each project (``by_project``). Its readers
    are its admins and managers: groups under the managers' threshold of 5."""
    scope = Q(organisation=organisation, project__isnull=True)
    themes = _themes(ThemeRun.objects.filter(scope), scope, threshold=managers_threshold(None))
    every = themes.suggested + themes.accepted + themes.set_aside
    rows = (
        Theme.contributions.through.objects.filter(
            theme__in=[theme.pk for theme in every],
            contribution__in=visible_contributions(),
        )
        .values_list("theme_id", "contribution__project__title", "contribution__project_id")
        .annotate(n=Count("pk"))
        .order_by("contribution__project__title", "contribution__project_id")
    )
    by_project = defaultdict(list)
    for theme_id, title, project_id, n in rows:
        by_project[theme_id].append(ProjectCount(title=title, count=n, project_id=project_id))
    for theme in every:
        theme.by_project = by_project[theme.pk]
    return themes


def _themes(runs, scope: Q, *, threshold: int) -> ProjectThemes:
    runs = list(runs.order_by("-created_at", "-pk")[:2])
    latest = runs[0] if runs else None
    done = next((run for run in runs if run.status == ThemeRun.Status.DONE), None)
    decided = ~Q(status=Theme.Status.SUGGESTED)
    themes = list(
        Theme.objects.filter(scope & (decided | Q(run=done)))
        .select_related("merged_into")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=visible_contributions().only("pk", "title", "kind", "project_id"),
            )
        )
        .order_by("run__created_at", "position", "pk")
    )
    _attach_mix(themes, threshold)
    by_status = defaultdict(list)
    for theme in themes:
        by_status[theme.status].append(theme)
    return ProjectThemes(
        latest=latest,
        suggested=by_status[Theme.Status.SUGGESTED],
        accepted=by_status[Theme.Status.ACCEPTED],
        set_aside=by_status[Theme.Status.REJECTED] + by_status[Theme.Status.MERGED],
    )


def _attach_mix(themes: list[Theme], threshold: int) -> None:
    """Each theme's people by group, counted once for all themes (one query)."""
    rows = (
        Theme.contributions.through.objects.filter(
            theme__in=[theme.pk for theme in themes],
            contribution__in=visible_contributions(),
        )
        .values("theme_id", "contribution__constituency")
        .annotate(people=Count("contribution__author", distinct=True))
    )
    sizes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        group = GROUPS_OF.get(row["contribution__constituency"], OTHER)
        sizes[row["theme_id"]][group] += row["people"]
    for theme in themes:
        counts = {group: sizes[theme.pk][group] for group in (SERVICE_USERS, STAFF, OTHER)}
        theme.people = sum(counts.values())
        # Kept whole as well as in words, for the API's numbers (api/serializers.py).
        theme.disclosure = disclose(counts, threshold=threshold, columns=[SERVICE_USERS, STAFF])
        theme.mix = group_rows(theme.disclosure)
