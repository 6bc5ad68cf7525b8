"""Dashboard figures (and board pages) kept until the data they count changes.

Working out a large organisation's figures takes a dozen aggregate queries over every
contribution, comment and support; the figures then stay the same until someone writes.
So each project has a ``FiguresStamp`` token, and the figures are cached under the tokens of
the projects they cover (with the filters, the day, the organisation's settings and the
code's release, so a deploy never shows figures or panels the previous version made). Every
save, delete or link of data a dashboard counts gives its project a new token once the
write is committed (the receivers below; ``figures_changed`` for the bulk updates in
services, which send no signals), so the next request misses the cache and works the
figures out afresh. ``DASHBOARD_CACHE_SECONDS`` only bounds how long an entry no one asks
for stays in the cache.

Why after the commit: a request that read the old token and the old data can only store
its figures under the old token, which no later request asks for. Until the commit, the
connection that wrote sees data no token names yet: ``renewal_pending`` tells it so, and it
works out afresh rather than reading what is kept.

The board keeps its pages under the same token (``contributions.results``), so the writes
below include what the board shows and no dashboard counts: tags, stages and the tags on a
contribution.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save

from codesign import release

from .models import FiguresStamp

KEY_PREFIX = "dashboards:figures:"


def figures_changed(project_ids) -> None:
    """Give these projects new tokens once the current transaction commits.

    ``project_ids``: ids, or a queryset of project ids (read when the commit has happened,
    so it may name rows this transaction deletes only through rows that stay)."""
    if not isinstance(project_ids, QuerySet):
        project_ids = list(project_ids)

    def renew():
        FiguresStamp.objects.filter(project_id__in=project_ids).update(token=uuid.uuid4())

    renew.renews_tokens = True
    transaction.on_commit(renew)


def renewal_pending() -> bool:
    """Whether the current transaction holds writes whose projects get new tokens only once
    it commits: until then, what it reads is newer than anything kept under a token.

    Read from the callbacks waiting for the commit, which Django drops with a rolled back
    transaction or savepoint (whose writes are gone too)."""
    return any(
        getattr(callback, "renews_tokens", False)
        for _savepoints, callback, _robust in transaction.get_connection().run_on_commit
    )


def project_token() -> Subquery:
    """A project's current token, for ``Project.objects.annotate(figures_token=...)``: read
    with the project, in the same query (None for a project made without its stamp)."""
    return Subquery(FiguresStamp.objects.filter(project_id=OuterRef("pk")).values("token")[:1])


def tokens(project_ids) -> dict[int, str]:
    """The current token of each project that has one (every project, made with it)."""
    return {
        pk: str(token)
        for pk, token in FiguresStamp.objects.filter(project_id__in=list(project_ids)).values_list(
            "project_id", "token"
        )
    }


def cached(project_ids, parts: tuple, work_out) -> dict:
    """The figures ``work_out()`` returns for these projects and ``parts`` (filters, day,
    settings: anything else they depend on), from the cache while no project changed, with
    their ``version``: the same for the same figures, and new once anything counted changes."""
    stamps = tokens(project_ids)
    if len(stamps) < len(set(project_ids)):
        # A project deleted meanwhile, or made without its stamp (a bulk insert): worked out
        # every time, under a version no page shares.
        return {**work_out(), "version": uuid.uuid4().hex}
    text = repr((release.fingerprint(), sorted(stamps.items()), parts))
    version = hashlib.sha256(text.encode()).hexdigest()
    figures = cache.get(KEY_PREFIX + version)
    if figures is None:
        figures = work_out()
        cache.set(KEY_PREFIX + version, figures, settings.DASHBOARD_CACHE_SECONDS)
    # Pages keep what they render from these figures under the same version.
    return {**figures, "version": version}


# What a dashboard counts, and how to find the project of a row of it once it is committed.
def _own(instance):
    return [instance.project_id]


def _through_contribution(instance):
    from contributions.models import Contribution

    return Contribution.objects.filter(pk=instance.contribution_id).values("project_id")


def _through_session(instance):
    from sessions.models import WorkshopSession

    return WorkshopSession.objects.filter(pk=instance.session_id).values("project_id")


def _through_attendance(instance):
    from sessions.models import WorkshopSession

    return WorkshopSession.objects.filter(attendances__pk=instance.attendance_id).values(
        "project_id"
    )


def _through_recognition(instance):
    from sessions.models import WorkshopSession

    return WorkshopSession.objects.filter(
        attendances__recognition__pk=instance.recognition_id
    ).values("project_id")


def _through_change(instance):
    from changes.models import ServiceChange

    return ServiceChange.objects.filter(pk=instance.change_id).values("project_id")


def _counted():
    from changes.models import FollowUpCheck, ServiceChange
    from contributions.models import Comment, Contribution, Support, Tag
    from participants.models import Membership
    from projects.models import Stage
    from sessions.models import Attendance, ExpenseClaim, Recognition, Reply, WorkshopSession

    return {
        Membership: _own,
        Contribution: _own,
        ServiceChange: _own,
        WorkshopSession: _own,
        Comment: _through_contribution,
        Support: _through_contribution,
        Attendance: _through_session,
        Reply: _through_session,
        Recognition: _through_attendance,
        ExpenseClaim: _through_recognition,
        FollowUpCheck: _through_change,
        # Shown on the board, counted by no dashboard.
        Tag: _own,
        Stage: _own,
    }


def connect() -> None:
    """Connect the receivers (from ``DashboardsConfig.ready``)."""
    from changes.models import ServiceChange
    from contributions.models import Contribution
    from projects.models import Project

    def project_saved(sender, instance, created, raw=False, **kwargs):
        if raw:  # loaddata
            return
        if created:
            FiguresStamp.objects.create(project=instance)
        else:
            figures_changed([instance.pk])  # its title shows in the lists of changes due

    post_save.connect(project_saved, sender=Project, weak=False, dispatch_uid="figures-project")
    for model, projects_of in _counted().items():

        def changed(sender, instance, projects_of=projects_of, raw=False, **kwargs):
            if not raw:
                figures_changed(projects_of(instance))

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"figures-{model}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"figures-del-{model}")

    def linked(sender, instance, action, **kwargs):
        # Either side of the link (a change or a contribution) belongs to the project.
        if action in ("post_add", "post_remove", "post_clear"):
            figures_changed([instance.project_id])

    m2m_changed.connect(
        linked,
        sender=ServiceChange.contributions.through,
        weak=False,
        dispatch_uid="figures-links",
    )
    # A contribution's tags (either side: a contribution or a tag, both of the project).
    m2m_changed.connect(
        linked, sender=Contribution.tags.through, weak=False, dispatch_uid="figures-tags"
    )
