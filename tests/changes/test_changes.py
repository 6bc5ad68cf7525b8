"""Service changes: pages by role, status rules and timeline, provenance, telling contributors,
and anonymous authors never shown."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from changes.models import Evidence, ServiceChange, TimelineEntry
from changes.selectors import behind_change, project_changes_summary
from changes.services import change_create, change_set_status
from contributions.models import Contribution
from notifications.models import Notification
from outbox.models import OutboxMessage
from participants.models import Constituency, Membership
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ServiceChangeFactory,
    UserFactory,
    WorkshopSessionFactory,
)

pytestmark = pytest.mark.django_db

# The anonymous author: nothing of this may appear on any page or in any notification.
SECRET_NAME = "Zephyrine"
SECRET_FULL_NAME = "Zephyrine Quillfeather"
SECRET_EMAIL = "zephyrine.quill@example.org"
SECRET_USER_PK = 876543
SECRET_MEMBERSHIP_PK = 987654
SECRETS = [
    SECRET_NAME,
    SECRET_FULL_NAME,
    SECRET_EMAIL,
    str(SECRET_USER_PK),
    str(SECRET_MEMBERSHIP_PK),
]


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def url(name, world, *args):
    return reverse(f"changes:{name}", args=[world.project.pk, *args])


def idea(world, role="service_user", **fields):
    return ContributionFactory(project=world.project, author=member(world, role), **fields)


def anonymous_author(world):
    user = UserFactory(pk=SECRET_USER_PK, email=SECRET_EMAIL, full_name=SECRET_FULL_NAME)
    return MembershipFactory(
        pk=SECRET_MEMBERSHIP_PK,
        project=world.project,
        user=user,
        display_name=SECRET_NAME,
        constituency=Constituency.SERVICE_USER,
    )


def a_change(world, contributions=(), **fields):
    return change_create(
        project=world.project,
        created_by=world.users["facilitator"],
        contributions=contributions,
        title=fields.pop("title", "Medicines ready the day before"),
        **fields,
    )


def move(change, world, status, progress=None, note="", reason=""):
    return change_set_status(
        change=change,
        status=status,
        progress=progress,
        note=note,
        reason=reason,
        changed_by=world.users["facilitator"],
    )


# Who may do what ---------------------------------------------------------------------------

MEMBERS = {"service_user", "carer", "staff", "observer", "facilitator"}
READERS = MEMBERS | {"org_admin", "manager", "superuser"}
MANAGERS = {"facilitator", "org_admin", "superuser"}


@pytest.mark.parametrize("role", ["anonymous", "outsider", "other_manager", *sorted(READERS)])
def test_who_sees_and_who_changes_a_change(world, client_for, role):
    change = a_change(world)
    client = client_for(world.users[role])
    for name, args, may in [
        ("change-list", [], READERS),
        ("change-detail", [change.pk], READERS),
        ("change-create", [], MANAGERS),
        ("change-edit", [change.pk], MANAGERS),
        ("change-status", [change.pk], MANAGERS),
        ("evidence-add", [change.pk], MANAGERS),
    ]:
        status = client.get(url(name, world, *args)).status_code
        if role == "anonymous":
            assert status == 302, name
        elif role in ("outsider", "other_manager"):
            assert status == 404, name
        else:
            assert status == (200 if role in may else 403), (name, status)


def test_a_closed_project_keeps_its_changes_readable_but_fixed(world, client):
    change = a_change(world)
    world.project.status = "closed"
    world.project.save()
    client.force_login(world.users["facilitator"])
    assert client.get(url("change-detail", world, change.pk)).status_code == 200
    assert client.get(url("change-status", world, change.pk)).status_code == 403
    assert client.get(url("change-create", world)).status_code == 403


def test_another_projects_change_is_not_found(world, client):
    other = ServiceChangeFactory(project=world.other_project)
    client.force_login(world.users["facilitator"])
    assert client.get(url("change-detail", world, other.pk)).status_code == 404
    assert client.post(url("change-status", world, other.pk), {}).status_code == 404


def test_a_refused_post_changes_nothing(world, client):
    change = a_change(world)
    client.force_login(world.users["staff"])
    response = client.post(
        url("change-status", world, change.pk), {"status": "agreed", "progress": 10}
    )
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == "proposed"


# Creating from contributions --------------------------------------------------------------


def test_from_preselects_contributions_listed_by_kind_title_and_author(world, client):
    anonymous = anonymous_author(world)
    first = idea(world, title="Pack medicines early")
    second = ContributionFactory(
        project=world.project, author=anonymous, is_anonymous=True, title="Phone before"
    )
    idea(world, "staff", title="Not this one")
    elsewhere = ContributionFactory(project=world.other_project, title="Elsewhere")
    client.force_login(world.users["facilitator"])
    html = client.get(
        url("change-create", world) + f"?from={first.pk},{elsewhere.pk}&from={second.pk}"
    ).content.decode()
    checked = re.findall(r'<input[^>]*name="contributions"[^>]*value="(\d+)"[^>]*checked', html)
    assert sorted(checked) == sorted([str(first.pk), str(second.pk)])
    assert "Idea: Pack medicines early · Service User" in html
    assert "Idea: Phone before · Anonymous participant" in html
    assert "Elsewhere" not in html


def test_creating_a_change_takes_its_ideas_forward(world, client):
    first, second = idea(world, title="Pack early"), idea(world, "staff", title="Ring ahead")
    experience = idea(world, kind="experience", title="Waited all day")
    owner = member(world, "staff")
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("change-create", world),
        {
            "title": "Medicines ready the day before",
            "description": "Pharmacy prepares them the afternoon before.",
            "contributions": [first.pk, second.pk, experience.pk],
            "owner": owner.pk,
            "scope": "organisation",
            "approver": "Head of Pharmacy",
            "target_date": "2031-06-30",
            "progress": 10,
        },
    )
    change = ServiceChange.objects.get()
    assert response.status_code == 302 and response.url == change.get_absolute_url()
    assert set(change.contributions.all()) == {first, second, experience}
    assert (change.owner, change.scope, change.progress) == (owner, "organisation", 10)
    assert change.target_date == date(2031, 6, 30)
    for contribution in (first, second):
        contribution.refresh_from_db()
        assert contribution.status == Contribution.Status.TAKEN_FORWARD
    experience.refresh_from_db()
    assert experience.status == Contribution.Status.NEW
    entry = change.timeline.get()
    assert (entry.status, entry.progress, entry.actor) == (
        "proposed",
        10,
        world.users["facilitator"],
    )


def test_an_owner_is_a_member_or_a_named_role_not_both(world, client):
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("change-create", world),
        {
            "title": "X",
            "owner": member(world, "staff").pk,
            "owner_role": "Head of Pharmacy",
            "scope": "team",
            "progress": 0,
        },
    )
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert not ServiceChange.objects.exists()


def test_editing_links_exactly_the_ticked_contributions(world, client):
    first, second, third = idea(world), idea(world), idea(world)
    withdrawn = idea(world, withdrawn_at=timezone.now())
    change = a_change(world, [first, second, withdrawn])
    client.force_login(world.users["facilitator"])
    html = client.get(url("change-edit", world, change.pk)).content.decode()
    assert 'name="progress"' not in html
    response = client.post(
        url("change-edit", world, change.pk),
        {"title": "Renamed", "contributions": [second.pk, third.pk], "scope": "team"},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.title == "Renamed"
    assert set(change.contributions.all()) == {second, third, withdrawn}
    third.refresh_from_db()
    assert third.status == Contribution.Status.TAKEN_FORWARD


# Status, progress and the timeline ---------------------------------------------------------


def test_not_taken_forward_needs_a_reason_beside_the_field(world, client):
    change = a_change(world)
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("change-status", world, change.pk), {"status": "not_taken_forward", "progress": 0}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why it is not taken forward." in html
    # The summary at the top links to the reason field; the error itself sits with the field,
    # which follows the status.
    assert html.index('href="#id_reason"') < html.index("Say why") < html.index('name="status"')
    assert html.index('name="status"') < html.index('name="reason"') < html.rindex("Say why")
    change.refresh_from_db()
    assert change.status == "proposed" and change.timeline.count() == 1

    client.post(
        url("change-status", world, change.pk),
        {"status": "not_taken_forward", "progress": 0, "reason": "No budget this year."},
    )
    change.refresh_from_db()
    assert (change.status, change.reason) == ("not_taken_forward", "No budget this year.")
    assert change.timeline.last().note == "No budget this year."
    html = client.get(change.get_absolute_url()).content.decode()
    assert "Why it is not taken forward:" in html and "No budget this year." in html


def test_every_move_adds_a_dated_entry_progress_alone_too(world, client):
    change = a_change(world)
    client.force_login(world.users["facilitator"])
    status_url = url("change-status", world, change.pk)
    client.post(status_url, {"status": "agreed", "progress": 0, "note": "Board said yes."})
    client.post(status_url, {"status": "agreed", "progress": 40})
    client.post(status_url, {"status": "agreed", "progress": 40, "note": "Waiting on IT."})
    response = client.post(status_url, {"status": "agreed", "progress": 40})
    assert response.status_code == 200
    assert "Change the status or progress, or write a note." in response.content.decode()
    entries = list(change.timeline.values_list("status", "progress", "note"))
    assert entries == [
        ("proposed", 0, "Proposed."),
        ("agreed", None, "Board said yes."),
        ("", 40, ""),
        ("", None, "Waiting on IT."),
    ]
    html = client.get(change.get_absolute_url()).content.decode()
    timeline = html[html.index('id="change-timeline"') :]
    assert timeline.count("· Facilitator") == 4
    assert "Progress: 40%" in timeline and "Board said yes." in timeline


def test_implemented_sets_progress_to_100_and_schedules_checks(world):
    change = a_change(world, progress=30)
    change = move(change, world, "implemented")
    assert change.progress == 100
    assert change.implemented_on == timezone.localdate()
    assert sorted(change.follow_ups.values_list("months", flat=True)) == [3, 6, 12]
    entry = change.timeline.last()
    assert (entry.status, entry.progress) == ("implemented", 100)
    move(change, world, "embedded")
    assert change.follow_ups.count() == 3


def test_overdue_changes_are_marked_in_words(world, client):
    past = timezone.localdate() - timedelta(days=1)
    late = a_change(world, title="Late one", target_date=past)
    done = a_change(world, title="Done one", target_date=past)
    move(done, world, "implemented")
    a_change(world, title="On time", target_date=timezone.localdate() + timedelta(days=5))
    client.force_login(world.users["service_user"])
    html = client.get(url("change-list", world)).content.decode()
    rows = {
        title: row
        for row in re.findall(r'<tr id="change-\d+">(.*?)</tr>', html, re.S)
        for title in ("Late one", "Done one", "On time")
        if title in row
    }
    assert "Overdue" in rows["Late one"]
    assert "Overdue" not in rows["Done one"] and "Overdue" not in rows["On time"]
    assert "100% done" in rows["Done one"]
    overdue = client.get(url("change-list", world) + "?status=overdue").content.decode()
    assert "Late one" in overdue and "Done one" not in overdue and "On time" not in overdue
    detail = client.get(late.get_absolute_url()).content.decode()
    assert "Overdue:" in detail
    # The progress bar is a native element: the Content-Security-Policy allows no inline style.
    assert '<progress class="flex-grow-1" max="100" value="100"' in html
    assert 'style="' not in html + detail


def test_the_list_filters_by_status_and_pages(world, client):
    for number in range(23):
        a_change(world, title=f"Change number {number}")
    move(ServiceChange.objects.get(title="Change number 3"), world, "agreed")
    client.force_login(world.users["staff"])
    html = client.get(url("change-list", world)).content.decode()
    assert html.count('<tr id="change-') == 20 and "Page 1 of 2" in html
    html = client.get(url("change-list", world) + "?status=agreed").content.decode()
    assert html.count('<tr id="change-') == 1 and "Change number 3" in html
    html = client.get(url("change-list", world) + "?status=bogus").content.decode()
    assert html.count('<tr id="change-') == 20


@pytest.mark.parametrize("role", ["facilitator", "manager", "service_user"])
def test_list_and_detail_queries_do_not_grow(world, client, count_queries, role):
    authors = [member(world, r) for r in ("service_user", "carer", "staff")]

    def add(changes):
        for number in range(changes):
            contributions = [
                ContributionFactory(
                    project=world.project,
                    author=authors[number % 3],
                    session=WorkshopSessionFactory(project=world.project),
                )
                for _ in range(2)
            ]
            change = a_change(world, contributions, owner=authors[number % 3])
            move(change, world, "agreed", note="Yes")
            change.evidence.create(kind="note", note="Seen", session=contributions[0].session)
        return change

    client.force_login(world.users[role])
    change = add(2)
    small = count_queries(lambda: client.get(url("change-list", world)))
    small_detail = count_queries(lambda: client.get(change.get_absolute_url()))
    change = add(28)
    change.contributions.add(*ContributionFactory.create_batch(20, project=world.project))
    assert count_queries(lambda: client.get(url("change-list", world))) == small
    assert count_queries(lambda: client.get(change.get_absolute_url())) == small_detail


# Evidence ----------------------------------------------------------------------------------


def test_evidence_is_a_note_or_a_full_cmo_record_with_an_optional_session(world, client):
    change = a_change(world)
    session = WorkshopSessionFactory(project=world.project, title="Joint event")
    other_session = WorkshopSessionFactory(project=world.other_project)
    client.force_login(world.users["facilitator"])
    evidence_url = url("evidence-add", world, change.pk)
    response = client.post(evidence_url, {"kind": "cmo", "context": "Ward under pressure"})
    assert response.status_code == 200 and "A CMO record needs this." in response.content.decode()
    response = client.post(evidence_url, {"kind": "note", "session": other_session.pk})
    assert response.status_code == 200
    assert not Evidence.objects.exists()
    client.post(
        evidence_url,
        {
            "kind": "cmo",
            "context": "Ward under pressure",
            "mechanism": "Staff heard patients' stories first-hand",
            "outcome": "Discharge leaflet rewritten",
            "session": session.pk,
        },
    )
    client.post(evidence_url, {"kind": "note", "note": "Fewer calls", "context": "dropped"})
    cmo, note = Evidence.objects.order_by("pk")
    assert (cmo.kind, cmo.session, cmo.created_by) == ("cmo", session, world.users["facilitator"])
    assert (note.kind, note.context) == ("note", "")
    client.force_login(world.users["service_user"])
    html = client.get(change.get_absolute_url()).content.decode()
    assert "Discharge leaflet rewritten" in html and "Fewer calls" in html
    assert "Joint event" in html


# Provenance --------------------------------------------------------------------------------


def provenance_world(world):
    anonymous = anonymous_author(world)
    session = WorkshopSessionFactory(project=world.project, title="Staff and patients together")
    contributions = [
        idea(world, "service_user", title="From a patient", session=session),
        ContributionFactory(
            project=world.project, author=anonymous, is_anonymous=True, title="From nobody named"
        ),
        idea(world, "carer", title="From a carer"),
        idea(world, "staff", title="From a nurse"),
        idea(world, "observer", title="From someone else"),
        idea(world, "staff", title="Taken back", withdrawn_at=timezone.now()),
    ]
    return a_change(world, contributions, title="Medicines ready"), session


def test_provenance_counts_each_constituency_anonymous_authors_included(world):
    change, session = provenance_world(world)
    behind = behind_change(change)
    assert {row["constituency"]: row["count"] for row in behind["mix"]} == {
        "service_user": 2,
        "carer": 1,
        "staff": 1,
        "other": 1,
    }
    assert behind["anonymous_count"] == 1
    assert behind["service_user_side_count"] == 3
    assert behind["sessions"] == [session]
    assert "Taken back" not in [c.title for c in behind["contributions"]]


def mix(html):
    table = html[html.index('id="change-mix"') : html.index("</table>", html.index("change-mix"))]
    return dict(
        re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>\s*<td[^>]*>(\d+)', table)
    )


@pytest.mark.parametrize("role", ["service_user", "observer", "facilitator", "org_admin"])
def test_members_see_the_contributions_behind_a_change(world, client, role):
    change, _session = provenance_world(world)
    client.force_login(world.users[role])
    html = client.get(change.get_absolute_url()).content.decode()
    assert mix(html) == {"Service user": "2", "Carer": "1", "Staff": "1", "Other": "1"}
    assert "1 of them was posted anonymously" in html
    listed = html[html.index('id="change-contributions"') :]
    assert "From a patient" in listed and "· Service User" in listed
    assert "From nobody named" in listed and "Anonymous participant" in listed
    assert "Taken back" not in html
    assert "Staff and patients together" in html


def test_managers_see_where_a_change_came_from_only_in_figures(world, client):
    change, _session = provenance_world(world)
    client.force_login(world.users["manager"])
    html = client.get(change.get_absolute_url()).content.decode()
    assert mix(html) == {"Service user": "2", "Carer": "1", "Staff": "1", "Other": "1"}
    assert "It came from 5 contributions" in html
    for title in ("From a patient", "From nobody named", "From a carer", "From a nurse"):
        assert title not in html
    assert "Service User" not in html and "/contributions/" not in html


def test_a_contribution_shows_the_changes_it_led_to_and_facilitators_can_turn_it_into_one(
    world, client
):
    contribution = idea(world, title="Pack medicines early")
    a_change(world, [contribution], title="Medicines ready the day before")
    client.force_login(world.users["service_user"])
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert "Changes it led to" in html and "Medicines ready the day before" in html
    assert "Turn into a service change" not in html
    client.force_login(world.users["facilitator"])
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert f"{url('change-create', world)}?from={contribution.pk}" in html


def test_the_project_page_counts_changes_backed_by_service_users_and_staff_only(world, client):
    su = idea(world, "service_user")
    carer = idea(world, "carer")
    staff, staff2 = idea(world, "staff"), idea(world, "staff")
    other = idea(world, "observer")
    withdrawn_su = idea(world, "service_user", withdrawn_at=timezone.now())
    a_change(world, [su, staff])  # backed by a service user
    a_change(world, [carer])  # backed by a carer
    a_change(world, [staff, staff2])  # staff only
    a_change(world, [staff2, withdrawn_su])  # staff only: the service user withdrew theirs
    a_change(world, [other])  # neither
    a_change(world)  # neither
    move(a_change(world, [staff]), world, "not_taken_forward", reason="No")  # not counted
    late = a_change(world, [su], target_date=timezone.localdate() - timedelta(days=3))
    move(late, world, "in_progress")
    summary = project_changes_summary(world.project)
    assert (summary["total"], summary["taken_forward"]) == (8, 7)
    assert (summary["service_user_backed"], summary["staff_only"], summary["neither"]) == (3, 2, 2)
    assert summary["overdue"] == 1
    assert {row["status"]: row["count"] for row in summary["by_status"]} == {
        "proposed": 6,
        "agreed": 0,
        "in_progress": 1,
        "implemented": 0,
        "embedded": 0,
        "not_taken_forward": 1,
    }
    client.force_login(world.users["manager"])
    html = client.get(world.project.get_absolute_url()).content.decode()
    assert "Of the 7 changes taken forward:" in html
    assert "3 have at least one contribution from a service user or carer behind them" in html
    assert "2 came only from staff" in html


# Telling contributors, and anonymity --------------------------------------------------------


def test_contributors_are_told_when_the_status_moves_anonymous_ones_too(
    world, django_capture_on_commit_callbacks
):
    anonymous = anonymous_author(world)
    contributions = [
        idea(world, "carer"),
        ContributionFactory(project=world.project, author=anonymous, is_anonymous=True),
        idea(world, "carer"),
    ]
    change = a_change(world, contributions, title="Medicines ready")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        move(change, world, "agreed")
    told = Notification.objects.filter(kind=Notification.Kind.CHANGE)
    assert sorted(n.user.email for n in told) == ["carer@example.org", SECRET_EMAIL]
    assert all("now agreed" in n.message and "Medicines ready" in n.message for n in told)
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "carer@example.org",
        SECRET_EMAIL,
    ]

    with django_capture_on_commit_callbacks(execute=True):
        move(change, world, "agreed", progress=50)
    assert told.count() == 2, "progress alone tells nobody"


def rendered_as(world, client, role, change, contribution):
    client.force_login(world.users[role])
    pages = [
        url("change-list", world),
        change.get_absolute_url(),
        world.project.get_absolute_url(),
        contribution.get_absolute_url(),
        reverse("notifications:notification-list"),
    ]
    if role in MANAGERS:
        pages += [url("change-status", world, change.pk), url("evidence-add", world, change.pk)]
    return "".join(client.get(page).content.decode() for page in pages)


@pytest.mark.parametrize(
    "role", ["facilitator", "org_admin", "superuser", "manager", "staff", "service_user"]
)
def test_anonymous_authors_appear_nowhere(world, client, role, django_capture_on_commit_callbacks):
    anonymous = anonymous_author(world)
    contribution = ContributionFactory(
        project=world.project, author=anonymous, is_anonymous=True, title="Say it plainly"
    )
    change = a_change(world, [contribution, idea(world, "staff")], title="Plain letters")
    with django_capture_on_commit_callbacks(execute=True):
        move(change, world, "implemented", note="Done")
    html = rendered_as(world, client, role, change, contribution)
    assert "Plain letters" in html
    for secret in SECRETS:
        assert secret not in html, secret
    texts = [n.message + n.url for n in Notification.objects.all()]
    texts += [m.subject + m.body_text + m.body_html for m in OutboxMessage.objects.all()]
    texts += [entry.note for entry in TimelineEntry.objects.all()]
    for secret in (SECRET_NAME, SECRET_FULL_NAME, str(SECRET_MEMBERSHIP_PK)):
        assert not any(secret in text for text in texts), secret
    # Their address is only on their own notices (idea taken forward, change implemented),
    # which say only that there is news: the outbox does not pair it with what they wrote.
    to_them = list(OutboxMessage.objects.filter(to=SECRET_EMAIL))
    assert len(to_them) == 2
    for message in to_them:
        text = message.subject + message.body_text + message.body_html
        assert "Plain letters" not in text and "Say it plainly" not in text
