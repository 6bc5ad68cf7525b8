"""Service changes: creating them from contributions, moving them on, and telling contributors."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from codesign import events
from contributions.models import Contribution
from notifications.models import Notification
from notifications.services import notify

from .models import FOLLOW_UP_MONTHS, Evidence, FollowUpCheck, ServiceChange, TimelineEntry


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _link_contributions(change: ServiceChange, contributions, actor) -> None:
    """Link contributions of the change's project; linked ideas are taken forward."""
    from contributions.services import contribution_set_status

    contributions = [c for c in contributions if c.project_id == change.project_id]
    change.contributions.add(*contributions)
    for contribution in contributions:
        if (
            contribution.kind == Contribution.Kind.IDEA
            and contribution.status != Contribution.Status.TAKEN_FORWARD
        ):
            contribution_set_status(
                contribution=contribution,
                status=Contribution.Status.TAKEN_FORWARD,
                note=_("It became a service change: “%(title)s”.") % {"title": change.title},
                changed_by=actor,
            )


@transaction.atomic
def change_create(*, project, created_by, contributions=(), **fields) -> ServiceChange:
    """Create a service change, from some contributions or from nothing."""
    change = ServiceChange(project=project, created_by=created_by, **fields)
    change.full_clean()
    change.save()
    TimelineEntry.objects.create(
        change=change,
        actor=created_by,
        status=change.status,
        progress=change.progress,
        note=_("Proposed."),
    )
    _link_contributions(change, contributions, created_by)
    return change


@transaction.atomic
def change_update(
    *, change: ServiceChange, changed_by, contributions=None, **fields
) -> ServiceChange:
    """Change a service change's details (not its status or progress); given contributions,
    link exactly those."""
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    for name, value in fields.items():
        setattr(change, name, value)
    change.full_clean()
    change.save()
    if contributions is not None:
        # Withdrawn contributions are not offered for choosing, so they stay linked.
        chosen = {c.pk for c in contributions}
        change.contributions.remove(
            *[c for c in change.contributions.visible() if c.pk not in chosen]
        )
        _link_contributions(change, contributions, changed_by)
    return change


def contributors_of(change: ServiceChange):
    """Everyone whose contribution the change came from (anonymous authors included)."""
    return [c.author.user for c in _sources(change)]


def _sources(change: ServiceChange):
    return change.contributions.select_related("author__user").filter(withdrawn_at__isnull=True)


def _raise_moved(change: ServiceChange, was: str) -> None:
    """Tell the organisation's other systems a change moved (ids, statuses and the project's
    stage: no title, note or person)."""
    project = change.project
    events.event_raise(
        name=events.CHANGE_MOVED,
        organisation_id=project.organisation_id,
        project_id=project.pk,
        data={
            "change": {
                "id": change.pk,
                "status": change.status,
                "previous_status": was,
                "progress": change.progress,
                "url": events.site_link(change.get_absolute_url()),
            },
            "stage": project.current_stage.name if project.current_stage_id else None,
        },
    )


@transaction.atomic
def change_set_status(
    *,
    change: ServiceChange,
    status: str,
    progress: int | None,
    note: str,
    changed_by,
    reason: str = "",
) -> ServiceChange:
    """Move a change on: a dated timeline entry; when the status moves, everyone whose
    contribution it came from is told (without naming anyone); implementing it schedules the
    3, 6 and 12 month follow-up checks."""
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    before = (change.status, change.progress)
    change.status = status
    if progress is not None:
        change.progress = progress
    if status == ServiceChange.Status.NOT_TAKEN_FORWARD:
        change.reason = reason
    if status in (ServiceChange.Status.IMPLEMENTED, ServiceChange.Status.EMBEDDED):
        change.progress = 100
        change.implemented_on = change.implemented_on or timezone.localdate()
    if (change.status, change.progress) == before and not note.strip():
        raise ValidationError(_("Change the status or progress, or write a note."))
    change.full_clean()
    change.save()
    TimelineEntry.objects.create(
        change=change,
        actor=changed_by,
        status=change.status if change.status != before[0] else "",
        progress=change.progress if change.progress != before[1] else None,
        note=(note.strip() or reason).strip(),
    )
    if change.implemented_on:
        for months in FOLLOW_UP_MONTHS:
            FollowUpCheck.objects.get_or_create(
                change=change,
                months=months,
                defaults={"due_on": _add_months(change.implemented_on, months)},
            )
    if change.status != before[0]:
        _raise_moved(change, before[0])
        sources = list(_sources(change))
        # Someone with a named contribution behind the change may be told which change it is.
        named = {c.author.user_id for c in sources if not c.is_anonymous}
        notify(
            users=[c.author.user for c in sources],
            discreet_for={c.author.user_id for c in sources} - named,
            kind=Notification.Kind.CHANGE,
            project=change.project,
            message=gettext_lazy(
                "A change that came from your contribution is now %(status)s: “%(title)s”."
            ),
            params={
                "status": lambda: change.get_status_display().lower(),
                "title": change.title,
            },
            url=change.get_absolute_url(),
        )
    return change


@transaction.atomic
def follow_up_record(
    *, check: FollowUpCheck, outcome: str, note: str, recorded_by
) -> FollowUpCheck:
    """Record whether a change has stuck."""
    check.outcome = outcome
    check.outcome_note = note
    check.recorded_by = recorded_by
    check.recorded_at = timezone.now()
    check.full_clean()
    check.save()
    TimelineEntry.objects.create(
        change=check.change,
        actor=recorded_by,
        note=_("%(months)d-month check: %(outcome)s. %(note)s")
        % {"months": check.months, "outcome": check.get_outcome_display(), "note": note},
    )
    return check


@transaction.atomic
def evidence_add(*, change: ServiceChange, created_by, **fields) -> Evidence:
    """Record a note, or a context–mechanism–outcome record, about a change's effect."""
    if fields.get("session") is not None and fields["session"].project_id != change.project_id:
        raise ValidationError({"session": _("Choose one of this project's sessions.")})
    evidence = Evidence(change=change, created_by=created_by, **fields)
    evidence.full_clean()
    evidence.save()
    return evidence
