"""Parity's counts, read per member from the indexes and joined to the members' roles, against
the same figures counted row by row in Python, over projects with every kind of row parity must
count or leave out."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from changes.models import ServiceChange
from contributions.models import Comment, Contribution, Support
from dashboards.parity import ADOPTED_STATUSES, MEASURES, group_of, parity_for_projects
from participants.models import Constituency, Membership
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    ServiceChangeFactory,
)

ROLES = (Membership.Role.PARTICIPANT, Membership.Role.FACILITATOR, Membership.Role.OBSERVER)


def _when(days_ago: int):
    return timezone.now() - timedelta(days=days_ago)


@pytest.fixture
def busy(db):
    """Two projects of one organisation and one of another; members of every constituency and
    role, some in two projects; contributions, comments and supports made on different days,
    some withdrawn; ideas behind changes of every status."""
    rng = random.Random(7)
    first = ProjectFactory()
    second = ProjectFactory(organisation=first.organisation)
    elsewhere = ProjectFactory()
    for project in (first, second, elsewhere):
        members = [
            MembershipFactory(project=project, constituency=constituency, role=role)
            for constituency in Constituency.values
            for role in ROLES
            for _ in range(2)
        ]
        ideas = []
        for n in range(40):
            author = rng.choice(members)
            idea = ContributionFactory(
                project=project,
                author=author,
                is_anonymous=n % 5 == 0,
                withdrawn_at=_when(1) if n % 9 == 0 else None,
            )
            ideas.append(idea)
            for _ in range(rng.randrange(3)):
                Comment.objects.create(
                    contribution=idea,
                    author=(someone := rng.choice(members)),
                    constituency=someone.constituency,
                    body="Yes, and the pharmacy could say when.",
                    withdrawn_at=_when(2) if rng.random() < 0.2 else None,
                )
            for supporter in rng.sample(members, rng.randrange(4)):
                Support.objects.create(
                    contribution=idea, membership=supporter, constituency=supporter.constituency
                )
        for status in ServiceChange.Status.values:
            change = ServiceChangeFactory(project=project, status=status)
            change.contributions.set(rng.sample(ideas, 4))
        # A member's constituency changed after they wrote: each row keeps its own.
        moved = members[0]
        moved.constituency = Constituency.STAFF
        moved.save()
    # Rows made on other days, for the date filter.
    for n, model in enumerate((Contribution, Comment, Support)):
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        model.objects.filter(pk__in=ids[n::3]).update(created_at=_when(40))
    return first, second, elsewhere


def _counted_by_hand(project, measure, start, end):
    """The measure's rows of the project as (constituency, role), one a row."""

    def made(row) -> bool:
        return (start is None or row.created_at >= start) and (end is None or row.created_at < end)

    if measure == "contributions":
        rows = [c for c in Contribution.objects.filter(project=project) if not c.withdrawn_at]
        return [(c.constituency, c.author.role) for c in rows if made(c)]
    if measure == "comments":
        rows = [c for c in Comment.objects.filter(project=project) if not c.withdrawn_at]
        return [(c.constituency, c.author.role) for c in rows if made(c)]
    if measure == "supports":
        rows = Support.objects.filter(project=project)
        return [(s.constituency, s.membership.role) for s in rows if made(s)]
    if measure == "adopted":
        adopted = {
            c
            for change in ServiceChange.objects.filter(status__in=ADOPTED_STATUSES)
            for c in change.contributions.all()
            if c.project_id == project.pk and not c.withdrawn_at and made(c)
        }
        return [(c.constituency, c.author.role) for c in adopted]
    raise AssertionError(measure)


@pytest.mark.parametrize("dated", [False, True])
def test_parity_counts_equal_the_rows_counted_one_by_one(busy, dated):
    start = end = None
    date_from = date_to = None
    if dated:
        date_from = timezone.localdate() - timedelta(days=10)
        date_to = timezone.localdate()
        start = timezone.make_aware(
            timezone.datetime.combine(date_from, timezone.datetime.min.time())
        )
        end = timezone.make_aware(
            timezone.datetime.combine(date_to + timedelta(days=1), timezone.datetime.min.time())
        )
    parities = parity_for_projects(
        [project.pk for project in busy], date_from=date_from, date_to=date_to
    )
    compared = 0
    for project in busy:
        for measure, _label in MEASURES:
            if measure == "attendance":
                continue
            expected = {"service_users": 0, "staff": 0, "left_out": 0}
            for constituency, role in _counted_by_hand(project, measure, start, end):
                expected[group_of(constituency, role)] += 1
            counted = getattr(parities[project.pk], measure)
            assert (counted.service_users, counted.staff, counted.left_out) == (
                expected["service_users"],
                expected["staff"],
                expected["left_out"],
            ), (project, measure)
            compared += sum(expected.values())
    assert compared > 200  # the fixture made rows of every kind to count


def test_a_date_range_leaves_out_rows_made_before_it(busy):
    first = busy[0]
    everything = parity_for_projects([first.pk])[first.pk]
    lately = parity_for_projects([first.pk], date_from=date.today() - timedelta(days=10))[first.pk]
    for measure in ("contributions", "comments", "supports"):
        all_rows = getattr(everything, measure)
        recent = getattr(lately, measure)
        total = all_rows.service_users + all_rows.staff + all_rows.left_out
        assert 0 < recent.service_users + recent.staff + recent.left_out < total
