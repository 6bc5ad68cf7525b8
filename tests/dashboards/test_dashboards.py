"""Dashboard figures against hand-computed fixtures, scope, CSVs and query counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from changes.models import FollowUpCheck, ServiceChange
from contributions.models import Comment, Support
from dashboards.parity import parity_for_projects, parity_total
from dashboards.selectors import organisation_dashboard, project_dashboard
from participants.models import Constituency, Membership
from reports.models import Report
from sessions.models import Attendance, Recognition
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    ReplyFactory,
    ServiceChangeFactory,
    WorkshopSessionFactory,
)

SU, CARER, STAFF = Constituency.SERVICE_USER, Constituency.CARER, Constituency.STAFF


def people(project, constituency, n):
    return [MembershipFactory(project=project, constituency=constituency) for _ in range(n)]


def contribute(members, n, **fields):
    return [
        ContributionFactory(project=members[0].project, author=members[i % len(members)], **fields)
        for i in range(n)
    ]


def adopt(contributions, status=ServiceChange.Status.AGREED):
    change = ServiceChangeFactory(project=contributions[0].project, status=status)
    change.contributions.set(contributions)
    return change


@pytest.fixture
def worked_example(db):
    """6 service users and 4 staff; 30 SU and 20 staff contributions; 3 SU and 7 staff adopted."""
    project = ProjectFactory()
    service_users = people(project, SU, 4) + people(project, CARER, 2)
    staff = people(project, STAFF, 4)
    su_ideas = contribute(service_users, 30)
    staff_ideas = contribute(staff, 20)
    adopt(su_ideas[:3] + staff_ideas[:7])
    return project


def test_worked_example(worked_example):
    parity = parity_for_projects([worked_example.pk])[worked_example.pk]
    assert (parity.participants.service_users, parity.participants.staff) == (6, 4)
    assert (parity.contributions.service_users, parity.contributions.staff) == (30, 20)
    assert parity.adopted.percent == 30
    assert parity.participants.percent == 60
    assert parity.ratio_display == "0.50"
    assert parity.warning is True
    assert parity.threshold == 40


def test_worked_example_on_the_page_and_csv(worked_example, client_for, world):
    facilitator = MembershipFactory(
        project=worked_example, role=Membership.Role.FACILITATOR, constituency=STAFF
    )
    client = client_for(facilitator.user)
    response = client.get(reverse("dashboards:project", args=[worked_example.pk]))
    html = response.content.decode()
    assert 'id="parity-adopted-share"' in html and "30%" in html
    assert "0.50" in html and 'id="parity-warning"' in html
    rows = (
        client.get(
            reverse(
                "dashboards:project-csv",
                kwargs={"project_pk": worked_example.pk, "panel": "parity"},
            )
        )
        .content.decode()
        .splitlines()
    )
    # 4 staff are fewer than 5: no exact count of either group, shares still shown.
    assert rows[1] == "Active participants,5 or more,fewer than 5,0,60,40"
    assert "Adopted contributions,withheld,withheld,0,30,70" in rows
    assert "Parity ratio,0.50,,,," in rows


def test_adopted_never_counts_not_taken_forward_and_counts_each_contribution_once(db):
    project = ProjectFactory()
    su = people(project, SU, 5)
    staff = people(project, STAFF, 5)
    ideas = contribute(su, 3)
    staff_ideas = contribute(staff, 2)
    adopt(ideas[:1], ServiceChange.Status.IMPLEMENTED)
    adopt(ideas[:1], ServiceChange.Status.IN_PROGRESS)  # the same idea, twice: counted once
    ServiceChangeFactory(
        project=project, status="not_taken_forward", reason="No budget"
    ).contributions.set(ideas[1:2])
    adopt(staff_ideas[:1], ServiceChange.Status.PROPOSED)  # proposed is not adopted
    parity = parity_for_projects([project.pk])[project.pk]
    assert (parity.adopted.service_users, parity.adopted.staff) == (1, 0)
    assert parity.adopted.percent == 100


def test_anonymous_contributions_count_by_constituency_and_left_out_groups(db):
    project = ProjectFactory(allow_anonymous=True)
    su, staff = people(project, SU, 5), people(project, STAFF, 5)
    facilitator = MembershipFactory(
        project=project, role=Membership.Role.FACILITATOR, constituency=STAFF
    )
    other = people(project, Constituency.OTHER, 1)
    contribute(su, 2, is_anonymous=True)
    contribute(staff, 1)
    contribute([facilitator], 4)
    contribute(other, 1)
    contribute(su, 1, withdrawn_at=timezone.now())
    idea = contribute(su, 1)[0]
    Comment.objects.create(contribution=idea, author=staff[0], constituency=STAFF, body="Yes")
    Comment.objects.create(
        contribution=idea,
        author=staff[1],
        constituency=STAFF,
        body="No",
        withdrawn_at=timezone.now(),
    )
    Support.objects.create(contribution=idea, membership=su[1], constituency=SU)
    parity = parity_for_projects([project.pk])[project.pk]
    assert (
        parity.contributions.service_users,
        parity.contributions.staff,
        parity.contributions.left_out,
    ) == (3, 1, 5)
    assert (parity.comments.service_users, parity.comments.staff) == (0, 1)
    assert parity.supports.service_users == 1
    assert parity.participants.left_out == 1
    assert not parity.withheld


def test_small_groups_withhold_counts_of_both_groups_but_show_shares(db, client_for):
    project = ProjectFactory()
    su, staff = people(project, SU, 4), people(project, STAFF, 6)
    contribute(su, 3)
    contribute(staff, 1)
    parity = parity_for_projects([project.pk])[project.pk]
    assert parity.withheld and parity.service_users_few and not parity.staff_few
    facilitator = MembershipFactory(
        project=project, role=Membership.Role.FACILITATOR, constituency=STAFF
    )
    client = client_for(facilitator.user)
    rows = (
        client.get(
            reverse("dashboards:project-csv", kwargs={"project_pk": project.pk, "panel": "parity"})
        )
        .content.decode()
        .splitlines()
    )
    assert rows[1].startswith("Active participants,fewer than 5,5 or more,")
    assert "Contributions,withheld,withheld,0,75,25" in rows
    html = client.get(reverse("dashboards:project", args=[project.pk])).content.decode()
    assert 'id="parity-withheld"' in html
    attendance = (
        client.get(
            reverse(
                "dashboards:project-csv", kwargs={"project_pk": project.pk, "panel": "attendance"}
            )
        )
        .content.decode()
        .splitlines()
    )
    assert attendance[1].startswith("Service user,fewer than 5,withheld,withheld")


def test_a_small_group_of_carers_cannot_be_worked_out_from_the_service_users_total(db, client_for):
    """Parity shows service users and carers as one group. With 9 service users and 4 carers,
    showing the service users' 9 beside that total of 13 would give the carers' 4 away, so
    the attendance table, its CSV, its chart and the API withhold the service users too."""
    project = ProjectFactory()
    su, carers = people(project, SU, 9), people(project, Constituency.CARER, 4)
    people(project, STAFF, 6)
    contribute(su + carers, 1)
    facilitator = MembershipFactory(
        project=project, role=Membership.Role.FACILITATOR, constituency=STAFF
    )
    client = client_for(facilitator.user)
    parity = client.get(
        reverse("dashboards:project-csv", kwargs={"project_pk": project.pk, "panel": "parity"})
    ).content.decode()
    assert "Active participants,13,6," in parity
    rows = {
        row.split(",")[0]: row.split(",")[1:]
        for row in client.get(
            reverse(
                "dashboards:project-csv", kwargs={"project_pk": project.pk, "panel": "attendance"}
            )
        )
        .content.decode()
        .splitlines()[1:]
    }
    assert rows["Carer"][0] == "fewer than 5"
    assert rows["Service user"][:5] == ["withheld"] * 5
    assert rows["Staff"][0] == "6"
    people_rows = {row["constituency"]: row for row in project_dashboard(project)["people"]}
    assert not people_rows["service_user"]["shown"] and people_rows["staff"]["shown"]
    assert people_rows["service_user"]["rate_percent"] is None
    # With 5 carers, both are shown.
    people(project, Constituency.CARER, 1)
    cache.clear()
    people_rows = {row["constituency"]: row for row in project_dashboard(project)["people"]}
    assert people_rows["service_user"]["shown"] and people_rows["carer"]["shown"]


def test_no_data_never_divides_by_zero(db):
    project = ProjectFactory()
    figures = project_dashboard(project)
    assert figures["parity"].ratio is None and figures["parity"].adopted.share is None
    assert figures["changes"]["median_days"] is None
    assert figures["is_empty"]


def test_median_overdue_follow_ups_and_months(db):
    project = ProjectFactory()
    today = date(2026, 6, 15)
    created = timezone.now() - timedelta(days=400)
    for days in (2, 10, 30):
        change = ServiceChangeFactory(project=project, status="implemented")
        ServiceChange.objects.filter(pk=change.pk).update(
            created_at=created, implemented_on=timezone.localdate(created) + timedelta(days=days)
        )
    ServiceChangeFactory(project=project, status="agreed", target_date=today - timedelta(days=1))
    ServiceChangeFactory(
        project=project, status="implemented", target_date=today - timedelta(days=1)
    )
    FollowUpCheck.objects.create(change=ServiceChange.objects.first(), months=3, due_on=today)
    FollowUpCheck.objects.create(
        change=ServiceChange.objects.first(), months=6, due_on=today + timedelta(days=1)
    )
    figures = project_dashboard(project, today=today)
    assert figures["changes"]["median_days"] == 10
    assert figures["changes"]["overdue"] == 1
    assert figures["follow_ups_due"] == 1
    assert sum(row["count"] for row in figures["changes"]["per_month"]) == 3


def test_the_organisation_lists_the_first_ten_overdue_and_due_of_all_its_projects(db, world):
    """Each project's first ten are kept with its counts; the organisation's dashboard lists
    the first ten of all of them, in order, and counts every check due."""
    today = date(2026, 6, 15)
    first = world.project
    second = ProjectFactory(organisation=world.organisation, status="active")
    expected_changes, expected_checks = [], []
    for n in range(24):
        project = first if n % 3 else second  # second has every third: 8 of them
        late = ServiceChangeFactory(
            project=project, status="agreed", target_date=today - timedelta(days=30 - n)
        )
        expected_changes.append(late.pk)
        for months in (3, 6):
            check = FollowUpCheck.objects.create(
                change=late, months=months, due_on=today - timedelta(days=60 - 2 * n - months)
            )
            expected_checks.append((check.due_on, check.pk))
    manager = world.users["manager"]
    figures = organisation_dashboard(world.organisation, user=manager, today=today)
    assert [change.pk for change in figures["overdue_changes"]] == expected_changes[:10]
    assert figures["changes"]["overdue"] == 24
    assert figures["follow_ups_due"] == 48
    assert [check.pk for check in figures["follow_ups"]] == [
        pk for _day, pk in sorted(expected_checks)[:10]
    ]
    # The projects' own lists are their first ten.
    alone = project_dashboard(second, today=today)
    assert [change.pk for change in alone["overdue_changes"]] == expected_changes[::3]
    assert alone["follow_ups_due"] == 16


def test_days_to_implement_count_from_the_day_proposed_in_the_organisations_time_zone(db):
    """Proposed at 23:30 UTC on 1 June, which is 2 June in London (summer time): implemented
    on 5 June, it took 3 days, not 4."""
    project = ProjectFactory()
    assert project.organisation.time_zone == "Europe/London"
    change = ServiceChangeFactory(project=project, status="implemented")
    ServiceChange.objects.filter(pk=change.pk).update(
        created_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC), implemented_on=date(2026, 6, 5)
    )
    figures = project_dashboard(project, today=date(2026, 6, 15))
    assert figures["changes"]["median_days"] == 3
    assert figures["changes"]["per_project"][project.pk]["median_days"] == 3


def test_date_filter(db):
    project = ProjectFactory()
    su, staff = people(project, SU, 5), people(project, STAFF, 5)
    old = contribute(su, 2)
    contribute(staff, 1)
    from contributions.models import Contribution

    Contribution.objects.filter(pk__in=[c.pk for c in old]).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    since = timezone.localdate() - timedelta(days=7)
    parity = parity_for_projects([project.pk], date_from=since)[project.pk]
    assert (parity.contributions.service_users, parity.contributions.staff) == (0, 1)
    parity = parity_for_projects([project.pk], date_to=since)[project.pk]
    assert (parity.contributions.service_users, parity.contributions.staff) == (2, 0)


def test_attendance_rate_and_payments(db):
    project = ProjectFactory()
    su = people(project, SU, 5)
    start = timezone.now() - timedelta(days=3)
    session = WorkshopSessionFactory(
        project=project, status="held", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    for member in su[:4]:
        ReplyFactory(session=session, membership=member, answer="going")
    for member in su[:3]:
        attendance = Attendance.objects.create(session=session, membership=member)
    Recognition.objects.create(attendance=attendance, hours=2, amount=40)
    other = Attendance.objects.get(session=session, membership=su[0])
    Recognition.objects.create(attendance=other, hours=2, amount=40, payment_status="declined")
    # Another held session: one going who did not come, and two who came without saying
    # they were going. Each reply is matched with its own session's attendance only.
    later = WorkshopSessionFactory(
        project=project, status="held", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    ReplyFactory(session=later, membership=su[3], answer="going")
    Attendance.objects.create(session=later, membership=su[4])
    Attendance.objects.create(session=later, membership=su[0])
    figures = project_dashboard(project)
    row = next(r for r in figures["people"] if r["constituency"] == SU)
    assert (row["going"], row["came"], row["rate_percent"]) == (5, 3, 60)
    assert figures["payments"]["amount"] == 40 and figures["payments"]["hours"] == 2


def test_upcoming_sessions_are_the_next_ten_each_with_how_many_are_going(db):
    project = ProjectFactory()
    members = people(project, SU, 4)
    now = timezone.now()
    sessions = [
        WorkshopSessionFactory(project=project, starts_at=now + timedelta(days=days))
        for days in range(12, 0, -1)
    ]
    soonest, next_one = sessions[-1], sessions[-2]
    for member in members[:3]:
        ReplyFactory(session=soonest, membership=member, answer="going")
    ReplyFactory(session=soonest, membership=members[3], answer="not_going")
    ReplyFactory(session=next_one, membership=members[0], answer="going")
    ReplyFactory(session=sessions[0], membership=members[0], answer="going")  # the 12th
    WorkshopSessionFactory(project=project, starts_at=now + timedelta(hours=1), status="cancelled")
    WorkshopSessionFactory(starts_at=now + timedelta(hours=1))  # another project's

    upcoming = project_dashboard(project)["upcoming_sessions"]

    assert [session.pk for session in upcoming] == [s.pk for s in reversed(sessions)][:10]
    assert [session.going for session in upcoming[:3]] == [3, 1, 0]


def test_managers_see_their_organisation_only_and_no_drafts(world, client_for):
    draft = ProjectFactory(organisation=world.organisation, status="draft", title="Secret draft")
    ServiceChangeFactory(project=draft)
    ServiceChangeFactory(project=world.other_project, title="Other org change")
    manager = world.users["manager"]
    figures = organisation_dashboard(world.organisation, user=manager)
    assert [item["project"] for item in figures["projects"]] == [world.project]
    assert figures["changes"]["total"] == 0
    admin_figures = organisation_dashboard(world.organisation, user=world.users["org_admin"])
    assert draft in [item["project"] for item in admin_figures["projects"]]
    client = client_for(manager)
    page = client.get(reverse("dashboards:organisation", args=[world.organisation.pk]))
    assert "Secret draft" not in page.content.decode()
    csv = client.get(
        reverse(
            "dashboards:organisation-csv",
            kwargs={"organisation_pk": world.organisation.pk, "panel": "projects"},
        )
    )
    assert "Secret draft" not in csv.content.decode() and "Repairs" not in csv.content.decode()
    assert (
        client.get(
            reverse("dashboards:organisation", args=[world.other_organisation.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("dashboards:project", args=[draft.pk])).status_code == 404
    # A project of another organisation in the filter is not a choice.
    response = client.get(
        reverse("dashboards:organisation", args=[world.organisation.pk]),
        {"project": world.other_project.pk},
    )
    assert response.status_code == 200 and 'id="filter-not-applied"' in response.content.decode()


def test_invalid_dates_show_next_to_the_field_and_the_page_renders(world, client_for):
    client = client_for(world.users["facilitator"])
    response = client.get(
        reverse("dashboards:project", args=[world.project.pk]),
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_date_to-error"' in html and 'aria-invalid="true"' in html
    bad = client.get(
        reverse(
            "dashboards:project-csv", kwargs={"project_pk": world.project.pk, "panel": "changes"}
        ),
        {"date_from": "nonsense"},
    )
    assert bad.status_code == 400


def test_csv_cells_cannot_run_as_formulas(world, client_for):
    world.project.title = '=HYPERLINK("http://x")'
    world.project.save()
    client = client_for(world.users["manager"])
    body = client.get(
        reverse(
            "dashboards:organisation-csv",
            kwargs={"organisation_pk": world.organisation.pk, "panel": "projects"},
        )
    ).content.decode()
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body and '"=HYPERLINK' not in body


def test_parity_total_adds_projects(worked_example):
    other = ProjectFactory(organisation=worked_example.organisation)
    people(other, STAFF, 2)
    parities = parity_for_projects([worked_example.pk, other.pk])
    total = parity_total(parities.values(), threshold=40)
    assert (total.participants.service_users, total.participants.staff) == (6, 6)


def test_unknown_panel_is_not_found(world, client_for):
    client = client_for(world.users["manager"])
    assert client.get(f"/projects/{world.project.pk}/dashboard/nothing.csv").status_code == 404


def _populate(project, size):
    su, staff = people(project, SU, size), people(project, STAFF, size)
    start = timezone.now() - timedelta(days=3)
    for i in range(size):
        idea = contribute([su[i]], 1)[0]
        staff_idea = contribute([staff[i]], 1)[0]
        Comment.objects.create(contribution=idea, author=staff[i], constituency=STAFF, body="x")
        Support.objects.create(contribution=idea, membership=staff[i], constituency=STAFF)
        change = adopt([idea, staff_idea], ServiceChange.Status.IMPLEMENTED)
        ServiceChange.objects.filter(pk=change.pk).update(
            implemented_on=timezone.localdate(),
            target_date=timezone.localdate() - timedelta(days=1),
        )
        FollowUpCheck.objects.create(change=change, months=3, due_on=timezone.localdate())
        session = WorkshopSessionFactory(
            project=project, status="held", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        WorkshopSessionFactory(project=project)
        ReplyFactory(session=session, membership=su[i])
        attendance = Attendance.objects.create(session=session, membership=su[i])
        Recognition.objects.create(attendance=attendance, hours=1, amount=20)
        # The reports panel lists the latest reports of the project and of the organisation.
        for scope in (project, None):
            Report.objects.create(
                organisation=project.organisation,
                project=scope,
                kind=Report.Kind.REPORT,
                file_format=Report.Format.PDF,
                request_key=f"{project.pk}-{scope is None}-{i}",
                status=Report.Status.DONE,
            )


# Committed data, and requests in autocommit, as in production: figures are kept.
@pytest.mark.django_db(transaction=True)
def test_query_counts_do_not_grow(world, client_for, count_queries):
    """Worked out (an empty cache) and kept (the same figures again): the same queries at
    two sizes, at most 25 worked out; fewer kept, since only the next sessions and the reach
    (one query, dashboards/reach.py: it depends on the hour too) are asked for."""
    small = ProjectFactory(organisation=world.organisation)
    _populate(small, 2)
    big = ProjectFactory(organisation=world.organisation)
    _populate(big, 12)

    def counts(client, url, **params):
        cache.clear()
        worked_out = count_queries(lambda: client.get(url, params))
        kept = count_queries(lambda: client.get(url, params))
        return worked_out, kept

    facilitator = client_for(world.users["superuser"])
    project_counts = [
        counts(facilitator, reverse("dashboards:project", args=[p.pk])) for p in (small, big)
    ]
    assert project_counts[0] == project_counts[1]
    worked_out, kept = project_counts[0]
    assert worked_out <= 25
    assert kept < worked_out - 10
    manager = client_for(world.users["manager"])
    url = reverse("dashboards:organisation", args=[world.organisation.pk])
    org_small = counts(manager, url, project=small.pk)
    org_all = counts(manager, url)
    assert org_small == org_all
    assert org_all[0] <= 25
    assert org_all[1] < org_all[0] - 10
