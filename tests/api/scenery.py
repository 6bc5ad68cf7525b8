"""An organisation's outputs for the API to read: sessions with replies and attendance,
changes with their contributions (one anonymous), CMO records coded, themes decided."""

from datetime import timedelta

from django.utils import timezone

from changes import services as change_services
from changes.models import Evidence
from learning.models import CatalogueItem, CmoLink, Theme, ThemeRun
from participants.models import Constituency
from sessions.models import Attendance, WalkIn
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ReplyFactory,
    WorkshopSessionFactory,
)


def furnish(project, *, n: int, facilitator):
    """n of each thing in the project; people named so a test can look for their names."""
    groups = [Constituency.SERVICE_USER, Constituency.CARER, Constituency.STAFF]
    members = [
        MembershipFactory(
            project=project,
            constituency=groups[i % 3],
            display_name=f"Named Person {i}",
            user__full_name=f"Fullname Secret{i}",
        )
        for i in range(max(n, 3))
    ]
    start = timezone.now() - timedelta(days=3)
    item = CatalogueItem.objects.filter(organisation=project.organisation).first()
    for i in range(n):
        session = WorkshopSessionFactory(
            project=project,
            status="held",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            title=f"Workshop {i}",
        )
        ReplyFactory(session=session, membership=members[i % len(members)])
        Attendance.objects.create(session=session, membership=members[i % len(members)])
        WalkIn.objects.create(session=session, name=f"Walkin Name{i}", constituency="carer")
        contributions = [
            ContributionFactory(project=project, author=members[i % len(members)], session=session),
            ContributionFactory(
                project=project, author=members[(i + 1) % len(members)], is_anonymous=True
            ),
        ]
        change = change_services.change_create(
            project=project,
            created_by=facilitator,
            contributions=contributions,
            title=f"Change {i}",
        )
        change_services.change_set_status(
            change=change, status="implemented", progress=100, note="Done.", changed_by=facilitator
        )
        cmo = Evidence.objects.create(
            change=change, kind="cmo", context="Busy ward", mechanism="Heard", outcome="Calmer"
        )
        if item is not None:
            CmoLink.objects.create(
                cmo=cmo, item=item, stance="supports", confidence="high", created_by=facilitator
            )
        run = ThemeRun.objects.create(project=project, status="done")
        theme = Theme.objects.create(
            run=run, project=project, name=f"Theme {i}", suggested_name="T", status="accepted"
        )
        theme.contributions.set(contributions)
        organisation = project.organisation
        across = ThemeRun.objects.create(organisation=organisation, status="done")
        shared = Theme.objects.create(
            run=across,
            organisation=organisation,
            name=f"Across {i}",
            suggested_name="A",
            status="accepted",
        )
        shared.contributions.set(contributions)
    return members
