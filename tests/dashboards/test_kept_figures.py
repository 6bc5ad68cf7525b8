"""Dashboard figures kept under the content versions of the projects they count: kept while
nothing they count changes, never shown after a change, never read or kept inside a transaction.

Writes here commit, and requests run in autocommit, as in production (``transaction=True``);
which writes raise a project's content version is tested in tests/test_content.py.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from changes import services as change_services
from contributions import services as contribution_services
from contributions.conversation.services import comment_add
from dashboards import panels, selectors
from dashboards.parity import Measure
from dashboards.selectors import organisation_dashboard, project_dashboard
from participants.models import Constituency
from projects.models import Project
from sessions.models import WorkshopSession
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    WorkshopSessionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def service_user(world):
    member = MembershipFactory(project=world.project, constituency=Constituency.SERVICE_USER)
    ContributionFactory(project=world.project, author=member, kind="idea")
    return member


def test_figures_are_kept_and_then_worked_out_afresh(
    world, service_user, django_assert_num_queries
):
    project = world.project
    first = project_dashboard(project)
    assert first["parity"].contributions.service_users == 1
    with django_assert_num_queries(1):  # the content version
        kept = project_dashboard(project)
    assert kept["key"] == first["key"]
    # A request that has just read the project's row reads no version again.
    row = Project.objects.select_related("organisation").get(pk=project.pk)
    with django_assert_num_queries(0):
        assert project_dashboard(row, as_loaded=True)["key"] == first["key"]
    assert kept["parity"].contributions.service_users == 1
    contribution_services.contribution_add(
        project=project, author=service_user, kind="idea", title="A second idea"
    )
    fresh = project_dashboard(project)
    assert fresh["key"] != first["key"]
    assert fresh["parity"].contributions.service_users == 2


def test_the_next_sessions_are_kept_until_the_first_of_them_is_over(
    world, django_assert_num_queries
):
    project = world.project
    now = timezone.now()
    soon = WorkshopSessionFactory(
        project=project, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )
    later = WorkshopSessionFactory(project=project, starts_at=now + timedelta(days=3))
    assert project_dashboard(project)["upcoming_sessions"] == [soon, later]
    # A bulk update raises no version: what is kept is shown, and the sessions are not asked.
    WorkshopSession.objects.filter(pk=later.pk).update(title="Renamed without a version")
    with django_assert_num_queries(1):
        kept = project_dashboard(project)["upcoming_sessions"]
    assert [session.title for session in kept] == [soon.title, later.title]
    # Once the first is over it leaves the list, though no version moved.
    with time_machine.travel(soon.ends_at + timedelta(seconds=1), tick=False):
        upcoming = project_dashboard(project)["upcoming_sessions"]
    assert [session.title for session in upcoming] == ["Renamed without a version"]
    # A session planned raises the version: it is listed at once.
    planned = WorkshopSessionFactory(project=project, starts_at=now + timedelta(days=2))
    assert project_dashboard(project)["upcoming_sessions"] == [soon, planned, later]


def test_inside_a_transaction_figures_are_worked_out_and_not_kept(world, client_for, monkeypatch):
    project = world.project
    client = client_for(world.users["facilitator"])
    url = reverse("dashboards:project", args=[project.pk])
    client.get(url)
    asked = []
    for name in ("get", "set"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, real=real, **k: asked.append(a) or real(*a, **k)
        )
    with transaction.atomic():
        change_services.change_create(
            project=project, created_by=world.users["facilitator"], title="Not yet committed"
        )
        figures = project_dashboard(project)
        page = client.get(url).content.decode()
    assert figures["key"] is None
    assert figures["changes"]["total"] == 1
    assert "<dd>1</dd>" in page[page.index('id="summary"') :][:400]  # not the kept panels
    # Neither the figures nor the panels drawn from them were read or kept.
    assert not [a for a in asked if "dashboard" in str(a[0])]


def test_filters_and_the_day_are_part_of_what_is_kept(world, service_user):
    project = world.project
    today = timezone.localdate()
    everything = project_dashboard(project, today=today)
    since_tomorrow = project_dashboard(project, date_from=today + timedelta(days=1), today=today)
    assert since_tomorrow["key"] != everything["key"]
    assert since_tomorrow["parity"].contributions.service_users == 0
    assert everything["parity"].contributions.service_users == 1
    # Tomorrow, the figures are worked out again.
    tomorrow = project_dashboard(project, today=today + timedelta(days=1))
    assert tomorrow["key"] != everything["key"]


def test_a_new_release_works_the_figures_out_afresh(world, settings):
    project = world.project
    first = project_dashboard(project)
    assert project_dashboard(project)["key"] == first["key"]
    # Panels are kept under the figures' key, so they are rendered afresh too.
    settings.RELEASE = "next-release"
    assert project_dashboard(project)["key"] != first["key"]


def test_the_page_shows_the_new_numbers_after_a_change(world, client_for):
    project = world.project
    client = client_for(world.users["facilitator"])
    url = reverse("dashboards:project", args=[project.pk])
    before = client.get(url).content.decode()
    change_services.change_create(
        project=project, created_by=world.users["facilitator"], title="Evening clinics"
    )
    after = client.get(url).content.decode()
    assert 'id="overdue-count"' in after
    summary = after[after.index('id="summary"') :][:400]
    assert "<dd>1</dd>" in summary  # one change proposed, drawn afresh, not the kept panels
    assert "<dd>0</dd>" in before[before.index('id="summary"') :][:400]


def test_after_a_write_to_one_project_only_it_is_counted_again(world, service_user, monkeypatch):
    """Each project's counts are kept under its own content version: an organisation's
    dashboard counts again only the project written to, and shows its new figures, the same
    as figures worked out afresh for every project."""
    other = ProjectFactory(organisation=world.organisation, status="active")
    other_member = MembershipFactory(project=other, constituency=Constituency.STAFF)
    ContributionFactory(project=other, author=other_member, kind="idea")
    change_services.change_create(
        project=other, created_by=world.users["facilitator"], title="Evening clinics"
    )
    counted = []
    real = selectors.count_projects

    def counting(ids, **kwargs):
        counted.append(sorted(ids))
        return real(ids, **kwargs)

    monkeypatch.setattr(selectors, "count_projects", counting)
    manager = world.users["manager"]
    first = organisation_dashboard(world.organisation, user=manager)
    assert counted == [sorted([world.project.pk, other.pk])]
    contribution_services.contribution_add(
        project=world.project, author=service_user, kind="idea", title="A second idea"
    )
    after = organisation_dashboard(world.organisation, user=manager)
    assert counted[1:] == [[world.project.pk]]
    assert after["key"] != first["key"]
    mine = next(row for row in after["projects"] if row["project"].pk == world.project.pk)
    assert mine["parity"].contributions.service_users == 2
    assert after["parity"].contributions.service_users == 2
    assert after["parity"].contributions.staff == 1
    assert after["changes"]["total"] == 1
    # Added up from one project counted now and one read from the cache, the figures are
    # those of both counted together.
    cache.clear()
    afresh = organisation_dashboard(world.organisation, user=manager)
    assert counted[2:] == [sorted([world.project.pk, other.pk])]
    for name in ("changes", "people", "payments", "follow_ups_due", "overdue_changes"):
        assert after[name] == afresh[name], name
    assert [row["parity"] for row in after["projects"]] == [
        row["parity"] for row in afresh["projects"]
    ]


def test_after_a_support_or_a_comment_only_they_are_counted_and_parity_drawn_again(
    world, service_user, client_for, monkeypatch
):
    """Supports and comments, the most frequent writes, change only parity's two measures of
    them: the other figures stay kept (under the versions without them) and so do the panels
    drawn from them, and each of the two is counted again only after a write of its own; the
    figures are those worked out afresh."""
    project = world.project
    idea = project.contributions.get()
    staff = MembershipFactory(project=project, constituency=Constituency.STAFF)
    client = client_for(world.users["facilitator"])
    url = reverse("dashboards:project", args=[project.pk])
    assert client.get(url).status_code == 200
    counted, tallied, drawn = [], [], []

    def recording(log, real, name=None):
        def record(ids_or_figures, **kwargs):
            log.append(name if name else sorted(ids_or_figures))
            return real(ids_or_figures, **kwargs)

        return record

    monkeypatch.setattr(selectors, "count_projects", recording(counted, selectors.count_projects))
    real_tally_counts = selectors.tally_counts

    def tallying(ids, **kwargs):
        tallied.append((sorted(ids), kwargs["names"]))
        return real_tally_counts(ids, **kwargs)

    monkeypatch.setattr(selectors, "tally_counts", tallying)
    for builders in (panels.CHARTS, panels.TABLES):
        for name, real in list(builders.items()):
            monkeypatch.setitem(builders, name, recording(drawn, real, name))

    contribution_services.support_toggle(contribution=idea, membership=staff)
    assert client.get(url).status_code == 200
    # Only the supports are counted again: the comments stay kept under their own version.
    supports, comments = [([project.pk], ("supports",))], [([project.pk], ("comments",))]
    assert (counted, tallied, sorted(set(drawn))) == ([], supports, ["parity"])
    comment_add(contribution=idea, author=staff, body="Evenings suit the ward too.")
    figures = project_dashboard(project)
    assert (counted, tallied) == ([], supports + comments)
    assert figures["parity"].supports == Measure(service_users=0, staff=1)
    assert figures["parity"].comments == Measure(service_users=0, staff=1)
    cache.clear()
    assert project_dashboard(project)["parity"] == figures["parity"]

    # Any other write works everything out again, and draws every panel.
    counted.clear(), drawn.clear()
    contribution_services.contribution_add(
        project=project, author=staff, kind="idea", title="Evening clinics"
    )
    assert client.get(url).status_code == 200
    assert counted == [[project.pk]]
    assert {"changes", "implemented", "parity", "attendance", "payments"} <= set(drawn)


def test_reach_is_kept_until_what_it_counts_changes_or_the_next_session_starts(
    world, django_assert_num_queries
):
    from dashboards.reach import reach_of
    from participants.models import Channel
    from participants.services import contact_preferences_save

    project = world.project
    now = timezone.now()
    held = WorkshopSessionFactory(
        project=project, starts_at=now - timedelta(days=7), ends_at=now - timedelta(days=6)
    )
    coming = WorkshopSessionFactory(
        project=project, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3)
    )
    first = reach_of([project])[0]
    assert first.last_session.pk == held.pk
    with django_assert_num_queries(1):  # the projects' versions
        assert reach_of([project])[0] == first
    row = Project.objects.get(pk=project.pk)
    with django_assert_num_queries(0):  # their versions as this request loaded them
        assert reach_of([row], as_loaded=True)[0] == first
    # Once the next session has started, it is the last one: counted afresh.
    started = coming.starts_at + timedelta(minutes=1)
    with time_machine.travel(started, tick=False), django_assert_num_queries(2):
        assert reach_of([project])[0].last_session.pk == coming.pk
    # A person's channel is counted afresh as soon as they change it.
    texts = dict(first.channels)[Channel.TEXT.label].value
    contact_preferences_save(
        person=world.users["carer"],
        channel=Channel.TEXT,
        mobile="07400 123456",
        changed_by=world.users["carer"],
    )
    assert dict(reach_of([project])[0].channels)[Channel.TEXT.label].value == texts + 1


def test_the_reach_table_is_drawn_once_until_what_it_counts_changes(world, client_for, monkeypatch):
    from dashboards import reach
    from participants.models import Channel
    from participants.services import contact_preferences_save

    client = client_for(world.users["facilitator"])
    url = reverse("dashboards:project", args=[world.project.pk])

    def table():
        page = client.get(url).content.decode()
        return page[page.index('id="reach"') : page.index("</section>", page.index('id="reach"'))]

    drawn = []
    real = reach._reach
    monkeypatch.setattr(reach, "_reach", lambda *a: drawn.append(a) or real(*a))
    first = table()
    assert len(drawn) == 1
    assert table() == first
    assert len(drawn) == 1  # drawn from the cache: no row made
    contact_preferences_save(
        person=world.users["carer"],
        channel=Channel.TEXT,
        mobile="07400 123456",
        changed_by=world.users["carer"],
    )
    assert table() != first
    assert len(drawn) == 2


@pytest.mark.parametrize("dashboard", ["project", "organisation"])
def test_a_dashboards_panels_are_read_from_the_cache_in_one_round_trip(
    world, service_user, client_for, monkeypatch, dashboard
):
    from codesign import content
    from codesign.templatetags import kept

    url = (
        reverse("dashboards:project", args=[world.project.pk])
        if dashboard == "project"
        else reverse("dashboards:organisation", args=[world.organisation.pk])
    )
    user = world.users["facilitator" if dashboard == "project" else "manager"]
    client = client_for(user)
    first = client.get(url).content.decode()
    reads = []
    real_kept, real_many = content.kept, content.kept_many
    monkeypatch.setattr(content, "kept", lambda key: reads.append(key) or real_kept(key))
    monkeypatch.setattr(
        content, "kept_many", lambda keys: reads.append(list(keys)) or real_many(keys)
    )
    again = client.get(url).content.decode()
    panel_reads = [
        r for r in reads if "template.cache.dashboard-" in str(r) and "reach" not in str(r)
    ]
    assert len(panel_reads) == 1 and len(panel_reads[0]) == 3  # the three panels at once
    strip = __import__("re").compile(
        r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"'
        r'|value="[^"]{30,}"|data-remaining="\d+"'
    )
    assert strip.sub("", again) == strip.sub("", first)
    assert kept.READ_AHEAD not in again
