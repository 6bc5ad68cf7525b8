"""You said, we did: who sees it, what it shows (and never shows), its poster and public link."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from changes.models import ServiceChange, YouSaidWeDid
from changes.services import change_create
from changes.yousaid.services import (
    you_said_replace_public_token,
    you_said_set_public,
    you_said_update,
)
from participants.models import Membership

from ..factories import ContributionFactory, ServiceChangeFactory

SAID = "People waited hours for medicines on the day they went home."
DID = "Medicines for going home are prepared the afternoon before."
CONTRIBUTION_BODY = "I sat by the pharmacy hatch for four hours and missed the last bus home."
CONTRIBUTION_TITLE = "Pharmacy hatch wait on discharge day"

VIEWERS = ["service_user", "carer", "staff", "observer", "facilitator", "org_admin", "manager"]
VIEWERS += ["superuser"]
MANAGERS = ["facilitator", "org_admin", "superuser"]
NOT_MANAGERS = ["service_user", "carer", "staff", "observer", "manager"]
STRANGERS = ["outsider", "other_manager"]


@pytest.fixture
def scene(world):
    """A done change with a summary and a contribution behind it; members with unusual names."""
    for membership in Membership.objects.filter(project=world.project):
        membership.display_name = f"Quillon{membership.pk}Member"
        membership.save(update_fields=["display_name"])
    author = Membership.objects.get(project=world.project, user=world.users["service_user"])
    contribution = ContributionFactory(
        project=world.project, author=author, title=CONTRIBUTION_TITLE, body=CONTRIBUTION_BODY
    )
    change = ServiceChangeFactory(
        project=world.project,
        title="Medicines ready the day before",
        description=DID,
        status=ServiceChange.Status.IMPLEMENTED,
        implemented_on=timezone.localdate(),
        you_said=SAID,
        owner=Membership.objects.get(project=world.project, user=world.users["staff"]),
    )
    change.contributions.add(contribution)
    proposed = ServiceChangeFactory(project=world.project, title="A change still being discussed")
    world.change, world.proposed, world.contribution = change, proposed, contribution
    return world


def personal_data(world):
    """Every name and email of the people in the world, as they could appear on a page."""
    members = Membership.objects.filter(project=world.project)
    values = set(members.values_list("display_name", flat=True))
    for user in get_user_model().objects.all():
        values |= {user.email, user.full_name}
    return {value for value in values if value}


def assert_nothing_personal(text, world):
    for value in personal_data(world):
        assert value not in text, value
    assert CONTRIBUTION_BODY not in text
    assert CONTRIBUTION_TITLE not in text


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def page_url(world):
    return reverse("yousaid:page", args=[world.project.pk])


def public_url(record):
    return reverse("yousaid:public", args=[record.public_token])


# Who sees what


@pytest.mark.parametrize("role", VIEWERS)
def test_people_of_the_project_and_its_managers_see_the_page(scene, client_for, role):
    response = client_for(scene.users[role]).get(page_url(scene))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Medicines ready the day before" in text
    assert SAID in text
    assert DID in text
    assert "A change still being discussed" not in text


@pytest.mark.parametrize("role", STRANGERS)
def test_people_outside_the_project_are_told_it_does_not_exist(scene, client_for, role):
    client = client_for(scene.users[role])
    for name in ("yousaid:page", "yousaid:poster", "yousaid:edit", "yousaid:public-toggle"):
        assert client.get(reverse(name, args=[scene.project.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(scene, client):
    for name in ("yousaid:page", "yousaid:poster"):
        response = client.get(reverse(name, args=[scene.project.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_facilitators_edit_and_share(scene, client_for, role):
    client = client_for(scene.users[role])
    for name in ("yousaid:edit", "yousaid:public-toggle", "yousaid:public-regenerate"):
        url = reverse(name, args=[scene.project.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"introduction": "x"}).status_code == 403
    assert not YouSaidWeDid.objects.filter(project=scene.project).exists()
    text = client.get(page_url(scene)).content.decode()
    assert reverse("yousaid:edit", args=[scene.project.pk]) not in text
    assert "For facilitators" not in text


@pytest.mark.parametrize("role", MANAGERS)
def test_facilitators_see_their_tools(scene, client_for, role):
    text = client_for(scene.users[role]).get(page_url(scene)).content.decode()
    assert reverse("yousaid:edit", args=[scene.project.pk]) in text
    assert reverse("yousaid:public-toggle", args=[scene.project.pk]) in text


# What the page shows


@pytest.mark.parametrize("role", ["service_user", "manager", "facilitator"])
def test_the_page_shows_no_names_and_no_contributions(scene, client_for, role):
    text = client_for(scene.users[role]).get(page_url(scene)).content.decode()
    body = text.split('id="main"', 1)[1]
    assert_nothing_personal(body, scene)


def test_a_summary_is_never_written_from_contributions(scene):
    change = change_create(
        project=scene.project,
        created_by=scene.users["facilitator"],
        contributions=[scene.contribution],
        title="Discharge letters in plain words",
        description="Letters rewritten with patients.",
    )
    assert change.you_said == ""


def test_a_change_without_a_summary_shows_what_was_done_and_facilitators_are_told(
    scene, client_for
):
    ServiceChangeFactory(
        project=scene.project,
        title="Quiet hours on the ward",
        description="Lights dimmed from ten.",
        status=ServiceChange.Status.EMBEDDED,
    )
    text = client_for(scene.users["service_user"]).get(page_url(scene)).content.decode()
    assert "Quiet hours on the ward" in text
    assert "Lights dimmed from ten." in text
    assert text.count("You said</h3>") == 1
    text = client_for(scene.users["facilitator"]).get(page_url(scene)).content.decode()
    assert "1 change has no summary of what participants said yet" in text


def test_facilitator_writes_the_introduction_and_summaries(scene, client_for):
    client = client_for(scene.users["facilitator"])
    url = reverse("yousaid:edit", args=[scene.project.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "introduction": "Thank you to everyone who came to the workshops.",
            f"summary_{scene.change.pk}": "Waiting for medicines spoilt going home.",
        },
    )
    assert response.status_code == 302
    scene.change.refresh_from_db()
    assert scene.change.you_said == "Waiting for medicines spoilt going home."
    record = YouSaidWeDid.objects.get(project=scene.project)
    assert record.introduction == "Thank you to everyone who came to the workshops."
    assert not record.public
    page = client.get(page_url(scene)).content.decode()
    assert "Thank you to everyone who came to the workshops." in page


def test_a_summary_that_quotes_a_contribution_is_refused(scene, client_for):
    client = client_for(scene.users["facilitator"])
    response = client.post(
        reverse("yousaid:edit", args=[scene.project.pk]),
        {f"summary_{scene.change.pk}": f"Someone said: {CONTRIBUTION_BODY.lower()}"},
    )
    assert response.status_code == 200
    assert "repeats the words of a contribution" in response.content.decode()
    scene.change.refresh_from_db()
    assert scene.change.you_said == SAID


def test_only_done_changes_of_the_project_are_updated(scene):
    you_said_update(
        project=scene.project,
        introduction="",
        summaries={scene.change.pk: "New summary.", scene.proposed.pk: "Not yet."},
    )
    scene.change.refresh_from_db()
    scene.proposed.refresh_from_db()
    assert scene.change.you_said == "New summary."
    assert scene.proposed.you_said == ""


def test_page_queries_do_not_grow_with_changes(world, client_for, count_queries):
    client = client_for(world.users["facilitator"])
    url = page_url(world)

    def add(n):
        for _ in range(n):
            ServiceChangeFactory(
                project=world.project, status=ServiceChange.Status.IMPLEMENTED, you_said="Said."
            )

    add(2)
    few = count_queries(lambda: client.get(url))
    add(48)
    assert count_queries(lambda: client.get(url)) == few


# The public link


def test_the_public_link_is_off_until_a_facilitator_turns_it_on(scene, client_for):
    record = YouSaidWeDid.objects.create(project=scene.project)
    assert client_for(None).get(public_url(record)).status_code == 404
    client = client_for(scene.users["facilitator"])
    toggle = reverse("yousaid:public-toggle", args=[scene.project.pk])
    confirm = client.get(toggle)
    assert confirm.status_code == 200
    assert "Turn on the public link" in confirm.content.decode()
    record.refresh_from_db()
    assert not record.public

    assert client.post(toggle).status_code == 302
    record.refresh_from_db()
    assert record.public
    assert public_url(record) in client.get(page_url(scene)).content.decode()

    anonymous = client_for(None)
    response = anonymous.get(public_url(record))
    assert response.status_code == 200
    assert "Medicines ready the day before" in response.content.decode()


def test_switching_the_public_link_off_and_on_gives_it_a_new_address(scene, client):
    first = you_said_set_public(project=scene.project, public=True)
    old_url = public_url(first)
    assert client.get(old_url).status_code == 200
    you_said_set_public(project=scene.project, public=False)
    second = you_said_set_public(project=scene.project, public=True)
    assert second.public_token != first.public_token
    assert client.get(old_url).status_code == 404
    assert client.get(public_url(second)).status_code == 200


def test_the_public_page_is_not_indexed_and_carries_no_personal_data(scene, client):
    record = you_said_set_public(project=scene.project, public=True)
    for url in (public_url(record), reverse("yousaid:public-poster", args=[record.public_token])):
        response = client.get(url)
        assert response.status_code == 200
        assert "noindex" in response["X-Robots-Tag"]
        assert response["Referrer-Policy"] == "no-referrer"
    text = client.get(public_url(record)).content.decode()
    assert '<meta name="robots" content="noindex' in text
    assert SAID in text
    assert DID in text
    assert_nothing_personal(text, scene)
    # Nothing on it leads into the app: its only link is its own poster.
    links = [part.split('"', 1)[0] for part in text.split('href="')[1:]]
    assert [link for link in links if not link.startswith("/static/")] == [
        "data:,",
        reverse("yousaid:public-poster", args=[record.public_token]),
    ]


def test_a_wrong_or_empty_token_is_not_found(scene, client):
    record = you_said_set_public(project=scene.project, public=True)
    assert (
        client.get(reverse("yousaid:public", args=[record.public_token + "x"])).status_code == 404
    )
    assert client.get(reverse("yousaid:public", args=["x"])).status_code == 404
    assert client.post(public_url(record)).status_code == 405


def test_replacing_the_token_makes_a_new_unguessable_one(scene):
    record = you_said_set_public(project=scene.project, public=True)
    old = record.public_token
    record = you_said_replace_public_token(project=scene.project)
    assert record.public_token != old
    assert len(record.public_token) >= 32


# The poster


@pytest.mark.parametrize("role", ["service_user", "manager", "facilitator"])
def test_the_poster_is_an_a4_pdf_with_the_changes(scene, client_for, role):
    you_said_update(project=scene.project, introduction="Thank you all.", summaries={})
    response = client_for(scene.users[role]).get(reverse("yousaid:poster", args=[scene.project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="you-said-we-did-going-home-from-ward-7.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    reader, text = pdf_text(response.content)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (595.28, 841.89)
    flat = " ".join(text.split())
    for expected in ("You said, we did", "Going home from Ward 7", "Riverside Trust"):
        assert expected in flat
    for expected in ("Thank you all.", "Medicines ready the day before", SAID, DID):
        assert expected in flat
    assert "A change still being discussed" not in flat
    assert_nothing_personal(flat, scene)


def test_the_public_poster_follows_the_public_link(scene, client):
    record = YouSaidWeDid.objects.create(project=scene.project)
    before = reverse("yousaid:public-poster", args=[record.public_token])
    assert client.get(before).status_code == 404
    record = you_said_set_public(project=scene.project, public=True)
    assert client.get(before).status_code == 404  # switching on gives a new address
    response = client.get(reverse("yousaid:public-poster", args=[record.public_token]))
    assert response.status_code == 200
    _reader, text = pdf_text(response.content)
    assert "Medicines ready the day before" in " ".join(text.split())


def test_the_poster_of_a_project_with_no_changes_yet(world, client_for):
    response = client_for(world.users["service_user"]).get(
        reverse("yousaid:poster", args=[world.project.pk])
    )
    _reader, text = pdf_text(response.content)
    assert "No changes have been made yet." in " ".join(text.split())
