"""Themes in what people said: asked for by a facilitator (for a project) or by the
organisation's admins and managers (across its projects), suggested by the worker, decided by
people (accepted, renamed, merged or rejected), and used to seed a prioritisation round."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.models import Contribution
from contributions.rounds.services import round_open
from outbox.services import outbox_job
from projects.models import Project

from ..models import Theme, ThemeRun
from . import analysis

BUILD_JOB = "learning.themes.tasks.theme_run_build_job"


def theme_run_request(*, project=None, organisation=None, requested_by) -> ThemeRun:
    """Ask the worker to suggest themes in a project's contributions, or (with an organisation
    and no project) across the organisation's projects. One request waits at a time for each:
    asking again finds it."""
    scope = {"project": project} if project else {"organisation": organisation, "project": None}
    waiting = ThemeRun.objects.filter(status=ThemeRun.Status.QUEUED, **scope).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            run = ThemeRun.objects.create(requested_by=requested_by, **scope)
            outbox_job(
                job=BUILD_JOB,
                payload={"run_id": run.pk},
                project=project,
                dedupe_key=f"theme-run:{run.pk}",
            )
    except IntegrityError:
        return ThemeRun.objects.get(status=ThemeRun.Status.QUEUED, **scope)
    return run


def run_projects(run: ThemeRun):
    """The projects a run reads: its project, or its organisation's past their draft (those
    its managers see)."""
    if run.project_id:
        return Project.objects.filter(pk=run.project_id)
    return Project.objects.filter(organisation_id=run.organisation_id).visible_to_managers()


def _texts(projects) -> dict[int, str]:
    rows = (
        Contribution.objects.filter(project__in=projects, hidden_at__isnull=True)
        .visible()
        .values_list("pk", "title", "body")
    )
    return {pk: f"{title}. {body}" for pk, title, body in rows}


@transaction.atomic
def theme_run_build(*, run_id: int) -> None:
    """Suggest the themes of a waiting run (the outbox job). A run already built is left.
    Every contribution is masked the same way, whichever project it is from."""
    # No ordering: the default one joins the (nullable) project, which FOR UPDATE cannot lock.
    run = ThemeRun.objects.select_for_update().filter(pk=run_id).order_by().first()
    if run is None or run.status != ThemeRun.Status.QUEUED:
        return
    texts = _texts(run_projects(run))
    suggestions = analysis.suggest_themes(texts)
    for position, suggestion in enumerate(suggestions):
        name = suggestion.name[:150]
        theme = Theme.objects.create(
            run=run,
            project_id=run.project_id,
            organisation_id=run.organisation_id,
            position=position,
            name=name,
            suggested_name=name,
            terms=suggestion.terms,
        )
        theme.contributions.set(suggestion.members)
    run.status = ThemeRun.Status.DONE
    run.contribution_count = len(texts)
    run.method = analysis.METHOD
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "contribution_count", "method", "finished_at"])


def _decide(theme: Theme, status: str, decided_by) -> None:
    theme.status = status
    theme.decided_by = decided_by
    theme.decided_at = timezone.now()


@transaction.atomic
def theme_accept(*, theme: Theme, name: str, decided_by) -> Theme:
    """Accept a theme, under the name people give it."""
    if theme.status == Theme.Status.MERGED:
        raise ValidationError(_("This theme was merged into another."))
    theme.name = name.strip() or theme.suggested_name
    _decide(theme, Theme.Status.ACCEPTED, decided_by)
    theme.full_clean()
    theme.save()
    return theme


@transaction.atomic
def theme_reject(*, theme: Theme, decided_by) -> Theme:
    """Set a theme aside: the grouping did not make sense to the people reading it."""
    _decide(theme, Theme.Status.REJECTED, decided_by)
    theme.save()
    return theme


@transaction.atomic
def theme_merge(*, theme: Theme, into: Theme, decided_by) -> Theme:
    """Merge a theme into another of the project: its contributions join the other's."""
    same_scope = (into.project_id, into.organisation_id) == (
        theme.project_id,
        theme.organisation_id,
    )
    if into.pk == theme.pk or not same_scope:
        raise ValidationError({"into": _("Choose another theme of the same list.")})
    if into.status in (Theme.Status.MERGED, Theme.Status.REJECTED):
        raise ValidationError({"into": _("Choose a theme that is still in use.")})
    into.contributions.add(*theme.contributions.all())
    theme.merged_into = into
    _decide(theme, Theme.Status.MERGED, decided_by)
    theme.save()
    return into


def theme_round_open(*, project, themes, title: str, dots_per_person: int, opened_by):
    """Open a prioritisation round over the ideas in accepted themes (the rounds' own service
    checks the ideas and tells the project's people)."""
    if any(
        theme.status != Theme.Status.ACCEPTED or theme.project_id != project.pk for theme in themes
    ):
        raise ValidationError({"themes": _("Choose accepted themes of this project.")})
    ideas = (
        Contribution.objects.filter(
            pk__in=Theme.contributions.through.objects.filter(
                theme__in=[theme.pk for theme in themes]
            ).values("contribution_id"),
            hidden_at__isnull=True,
        )
        .visible()
        .ideas()
    )
    return round_open(
        project=project,
        title=title,
        dots_per_person=dots_per_person,
        ideas=ideas,
        opened_by=opened_by,
    )
