"""Adding, editing, withdrawing, status, tags and support: who may, and what they see."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution, Support, Tag
from notifications.models import Notification
from participants.models import Constituency, Membership
from tests.factories import ContributionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTERS = ["service_user", "carer", "staff", "facilitator"]


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def idea_by(world, role="service_user", **fields):
    return ContributionFactory(project=world.project, author=member(world, role), **fields)


def url(name, contribution):
    return reverse(f"contributions:{name}", args=[contribution.project_id, contribution.pk])


def create_url(world, query=""):
    return reverse("contributions:contribution-create", args=[world.project.pk]) + query


def as_(client, world, role):
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


# Adding


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("other_manager", 404),
        ("manager", 403),
        ("observer", 403),
        ("org_admin", 403),
        ("superuser", 403),
        *[(role, 302) for role in POSTERS],
    ],
)
def test_only_active_participants_and_facilitators_add(world, client, role, expected):
    response = as_(client, world, role).post(
        create_url(world), {"kind": "idea", "title": "Ring before discharge", "body": ""}
    )
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected
    created = Contribution.objects.filter(title="Ring before discharge")
    if expected == 302:
        (contribution,) = created
        assert contribution.author == member(world, role)
        assert contribution.constituency == member(world, role).constituency
        assert contribution.added_by is None
        assert response["Location"] == contribution.get_absolute_url()
    else:
        assert not created.exists()


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_nobody_adds_while_the_project_is_not_active(world, client, status):
    world.project.status = status
    world.project.save()
    for role in ("service_user", "facilitator"):
        response = as_(client, world, role).post(
            create_url(world), {"kind": "idea", "title": "Too late"}
        )
        assert response.status_code in (403, 404)
    assert not Contribution.objects.exists()


def test_someone_who_has_not_consented_yet_cannot_add(world, client):
    invited = UserFactory()
    MembershipFactory(project=world.project, user=invited, status=Membership.Status.INVITED)
    client.force_login(invited)
    assert client.get(create_url(world)).status_code == 403
    assert client.post(create_url(world), {"kind": "idea", "title": "x"}).status_code == 403


def test_the_page_asks_for_what_each_kind_needs(world, client):
    as_(client, world, "service_user")
    idea_by(world, kind="experience", title="Waiting for the pharmacy")
    idea_by(world, kind="idea", title="An idea cannot be a source")
    touchpoint = client.get(create_url(world, "?kind=touchpoint")).content.decode()
    assert 'name="emotion"' in touchpoint and 'name="sources"' not in touchpoint
    idea = client.get(create_url(world, "?kind=idea")).content.decode()
    assert 'name="sources"' in idea and 'name="emotion"' not in idea
    assert "Experience: Waiting for the pharmacy" in idea
    assert "An idea cannot be a source" not in idea
    experience = client.get(create_url(world, "?kind=experience")).content.decode()
    assert 'name="sources"' not in experience and 'name="emotion"' not in experience


def test_an_idea_links_the_experiences_behind_it_and_a_touchpoint_its_emotion(world, client):
    experience = idea_by(world, role="staff", kind="experience", title="Transport late")
    stage = world.project.stages.first()
    as_(client, world, "service_user")
    response = client.post(
        create_url(world, "?kind=idea"),
        {"title": "Book transport the day before", "sources": [experience.pk], "stage": stage.pk},
    )
    assert response.status_code == 302
    idea = Contribution.objects.get(title="Book transport the day before")
    assert (idea.kind, idea.stage, list(idea.sources.all())) == ("idea", stage, [experience])
    response = client.post(
        create_url(world, "?kind=touchpoint"), {"title": "Told to wait", "emotion": "worried"}
    )
    assert Contribution.objects.get(title="Told to wait").emotion == "worried"
    detail = client.get(response["Location"]).content.decode()
    assert "Felt: Worried" in detail


def test_errors_are_shown_next_to_their_fields(world, client):
    as_(client, world, "service_user")
    response = client.post(create_url(world, "?kind=touchpoint"), {"title": "", "emotion": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="error_\d+_id_title"', html)
    assert re.search(r'id="error_\d+_id_emotion"[^>]*>\s*<strong>Choose how it felt', html)
    assert not Contribution.objects.exists()


def test_a_participant_may_name_only_sessions_they_are_in_the_audience_for(world, client):
    from tests.factories import WorkshopSessionFactory

    staff_only = WorkshopSessionFactory(project=world.project, audience="staff", title="Staff")
    everyone = WorkshopSessionFactory(project=world.project, title="Joint event")
    as_(client, world, "service_user")
    form = client.get(create_url(world, "?kind=experience")).context["form"]
    assert list(form.fields["session"].queryset) == [everyone]
    response = client.post(
        create_url(world, "?kind=experience"), {"title": "x", "session": staff_only.pk}
    )
    assert response.status_code == 200 and not Contribution.objects.exists()
    client.post(create_url(world, "?kind=experience"), {"title": "y", "session": everyone.pk})
    assert Contribution.objects.get().session == everyone


def test_text_is_shown_as_plain_text_with_line_breaks(world, client):
    contribution = idea_by(
        world,
        title='<img src=x onerror="window.pwned=1">',
        body='First line\n<script>window.pwned=1</script>\n"><svg onload=alert(1)>',
    )
    as_(client, world, "staff")
    for page in (
        url("contribution-detail", contribution),
        reverse("contributions:board", args=[world.project.pk]),
    ):
        html = client.get(page).content.decode()
        assert "<script>window.pwned" not in html
        assert "<img src=x" not in html and "<svg onload" not in html
        assert "First line<br>&lt;script&gt;window.pwned=1&lt;/script&gt;<br>" in html


# Adding for someone else


def test_a_facilitator_adds_for_someone_who_gave_it_on_paper(world, client):
    pat = MembershipFactory(
        project=world.project,
        display_name="Pat",
        constituency=Constituency.CARER,
        managed_by_facilitator=True,
    )
    as_(client, world, "facilitator")
    page = client.get(reverse("contributions:contribution-add-for", args=[world.project.pk]))
    html = page.content.decode()
    assert "Pat · Carer · managed by a facilitator" in html
    assert f'value="{member(world, "observer").pk}"' not in html
    response = client.post(
        reverse("contributions:contribution-add-for", args=[world.project.pk]),
        {"member": pat.pk, "kind": "experience", "title": "Nobody told me the time"},
    )
    contribution = Contribution.objects.get()
    assert response["Location"] == contribution.get_absolute_url()
    assert (contribution.author, contribution.constituency) == (pat, Constituency.CARER)
    assert contribution.added_by == world.users["facilitator"]
    as_(client, world, "staff")
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert "Pat" in html and "added by a facilitator" in html


@pytest.mark.parametrize(
    "role, expected", [("org_admin", 200), ("service_user", 403), ("manager", 403)]
)
def test_only_those_who_run_the_project_add_for_others(world, client, role, expected):
    page = reverse("contributions:contribution-add-for", args=[world.project.pk])
    assert as_(client, world, role).get(page).status_code == expected


# Editing and withdrawing


@pytest.mark.parametrize(
    "role, expected",
    [("service_user", 200), ("carer", 403), ("facilitator", 403), ("org_admin", 403)],
)
def test_only_the_author_edits_and_withdraws(world, client, role, expected):
    contribution = idea_by(world)
    as_(client, world, role)
    assert client.get(url("contribution-edit", contribution)).status_code == expected
    assert client.get(url("contribution-withdraw", contribution)).status_code == expected
    response = client.post(url("contribution-withdraw", contribution))
    contribution.refresh_from_db()
    assert (contribution.withdrawn_at is not None) == (expected == 200)
    if expected == 200:
        assert response["Location"] == reverse("contributions:board", args=[world.project.pk])
        assert client.get(url("contribution-detail", contribution)).status_code == 404
        assert client.get(url("contribution-edit", contribution)).status_code == 404


def test_the_author_edits_the_text_and_the_sources(world, client):
    experience = idea_by(world, role="staff", kind="experience", title="Pharmacy queue")
    contribution = idea_by(world)
    as_(client, world, "service_user")
    page = client.get(url("contribution-edit", contribution)).content.decode()
    assert contribution.title in page
    response = client.post(
        url("contribution-edit", contribution),
        {
            "title": "Medicines ready the day before",
            "body": "Line one\nLine two",
            "sources": [experience.pk],
        },
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.title == "Medicines ready the day before"
    assert list(contribution.sources.all()) == [experience]
    assert contribution.kind == "idea"


def test_nobody_edits_once_the_project_is_closed(world, client):
    contribution = idea_by(world)
    world.project.status = "closed"
    world.project.save()
    as_(client, world, "service_user")
    assert client.get(url("contribution-edit", contribution)).status_code == 403


# Status


def test_not_taken_forward_needs_a_reason_shown_next_to_the_note(world, client):
    contribution = idea_by(world)
    as_(client, world, "facilitator")
    response = client.post(
        url("contribution-status", contribution), {"status": "not_taken_forward", "status_note": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="error_\d+_id_status_note"[^>]*>\s*<strong>Say why', html)
    contribution.refresh_from_db()
    assert contribution.status == "new"
    response = client.post(
        url("contribution-status", contribution),
        {"status": "not_taken_forward", "status_note": "Pharmacy hours are set nationally."},
    )
    assert response["Location"] == contribution.get_absolute_url()
    contribution.refresh_from_db()
    assert contribution.status == "not_taken_forward"
    assert Notification.objects.filter(
        user=world.users["service_user"], kind=Notification.Kind.STATUS
    ).exists()
    as_(client, world, "carer")
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert "Not taken forward" in html and "Pharmacy hours are set nationally." in html


@pytest.mark.parametrize(
    "role, expected",
    [("facilitator", 200), ("org_admin", 200), ("service_user", 403), ("observer", 403)],
)
def test_facilitators_set_the_status_of_ideas(world, client, role, expected):
    contribution = idea_by(world)
    assert as_(client, world, role).get(url("contribution-status", contribution)).status_code == (
        expected
    )


def test_only_ideas_have_a_status(world, client):
    experience = idea_by(world, kind="experience")
    as_(client, world, "facilitator")
    assert client.get(url("contribution-status", experience)).status_code == 403


# Tags


def test_facilitators_keep_a_tag_list_and_tag_contributions(world, client):
    contribution = idea_by(world)
    tags_url = reverse("contributions:tag-list", args=[world.project.pk])
    as_(client, world, "facilitator")
    assert client.post(tags_url, {"name": "  Medicines "}).status_code == 302
    assert client.post(tags_url, {"name": "Transport"}).status_code == 302
    assert client.post(tags_url, {"name": "Medicines"}).status_code == 302
    response = client.post(tags_url, {"name": ""})
    assert re.search(r'id="error_\d+_id_name"', response.content.decode())
    medicines, transport = Tag.objects.order_by("name").filter(project=world.project)
    assert medicines.name == "Medicines"
    client.post(url("contribution-tags", contribution), {"tags": [medicines.pk, transport.pk]})
    assert set(contribution.tags.all()) == {medicines, transport}
    delete = reverse("contributions:tag-delete", args=[world.project.pk, transport.pk])
    confirm = client.get(delete).content.decode()
    assert "It comes off the 1 contribution that carries it." in confirm
    assert Tag.objects.filter(pk=transport.pk).exists()
    assert client.post(delete)["Location"] == tags_url
    assert list(contribution.tags.all()) == [medicines]


def test_participants_do_not_manage_tags(world, client):
    contribution = idea_by(world)
    tag = Tag.objects.create(project=world.project, name="Medicines")
    as_(client, world, "service_user")
    assert client.get(reverse("contributions:tag-list", args=[world.project.pk])).status_code == 403
    delete = reverse("contributions:tag-delete", args=[world.project.pk, tag.pk])
    assert client.post(delete).status_code == 403
    assert (
        client.post(url("contribution-tags", contribution), {"tags": [tag.pk]}).status_code == 403
    )
    assert Tag.objects.filter(pk=tag.pk).exists() and not contribution.tags.exists()


def test_another_projects_tag_is_not_found(world, client):
    tag = Tag.objects.create(project=world.other_project, name="Repairs")
    as_(client, world, "facilitator")
    delete = reverse("contributions:tag-delete", args=[world.project.pk, tag.pk])
    assert client.post(delete).status_code == 404
    assert Tag.objects.filter(pk=tag.pk).exists()


# Support


@pytest.mark.parametrize(
    "role, expected",
    [
        ("outsider", 404),
        ("manager", 404),
        ("observer", 403),
        ("org_admin", 403),
        ("superuser", 403),
        *[(role, 302) for role in POSTERS],
    ],
)
def test_who_may_support(world, client, role, expected):
    contribution = idea_by(world)
    response = as_(client, world, role).post(url("support", contribution))
    assert response.status_code == expected
    assert Support.objects.count() == (1 if expected == 302 else 0)


def test_one_support_per_person_and_a_second_click_takes_it_back(world, client):
    contribution = idea_by(world)
    board = reverse("contributions:board", args=[world.project.pk]) + "?sort=supported"
    as_(client, world, "staff")
    response = client.post(url("support", contribution), {"next": board})
    assert response["Location"] == board
    assert Support.objects.get().membership == member(world, "staff")
    client.post(url("support", contribution))
    assert not Support.objects.exists()
    client.post(url("support", contribution))
    as_(client, world, "carer").post(url("support", contribution))
    assert Support.objects.count() == 2
    assert (
        Support.objects.filter(contribution=contribution).values("constituency").distinct().count()
        == 2
    )


def test_support_goes_back_only_to_our_own_pages(world, client):
    contribution = idea_by(world)
    as_(client, world, "staff")
    response = client.post(url("support", contribution), {"next": "https://evil.example/"})
    assert response["Location"] == contribution.get_absolute_url()


def test_support_answers_405_to_get_and_refuses_experiences_and_closed_projects(world, client):
    contribution = idea_by(world)
    experience = idea_by(world, kind="experience")
    as_(client, world, "staff")
    assert client.get(url("support", contribution)).status_code == 405
    assert client.post(url("support", experience)).status_code == 403
    world.project.status = "closed"
    world.project.save()
    assert client.post(url("support", contribution)).status_code == 403
    assert not Support.objects.exists()


def test_support_with_htmx_answers_with_the_button_region_only(world, client):
    contribution = idea_by(world)
    as_(client, world, "carer")
    board = reverse("contributions:board", args=[world.project.pk])
    full = client.get(board).content.decode()
    assert f'id="support-{contribution.pk}"' in full
    # One form for the page's buttons holds the token and the way back; the button names it.
    assert full.count('<form id="support-form"') == 1
    assert f'name="next" value="{board}"' in full and 'form="support-form"' in full
    response = client.post(url("support", contribution), {"next": board}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.count(f'id="support-{contribution.pk}"') == 1
    assert 'aria-pressed="true"' in html and "1 support" in html
    assert 'form="support-form"' in html and "csrfmiddlewaretoken" not in html
    assert 'hx-swap-oob="innerHTML:#messages"' in html and "You support" in html
    response = client.post(url("support", contribution), HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in response.content.decode()
    assert not Support.objects.exists()


# Anonymity


@pytest.fixture
def anonymous_world(world):
    world.project.allow_anonymous = True
    world.project.save()
    # Distinctive ids and names, so finding them anywhere in a page means a leak.
    author_user = UserFactory(pk=987654, email="hidden.author@example.org", full_name="Zed Q")
    Membership.objects.filter(project=world.project, user=world.users["service_user"]).delete()
    MembershipFactory(
        pk=876543,
        project=world.project,
        user=author_user,
        display_name="Zebedee Quartermain",
        constituency=Constituency.SERVICE_USER,
    )
    world.users["service_user"] = author_user
    return world


AUTHOR_TRACES = ["Zebedee", "Quartermain", "hidden.author", "Zed Q", "987654", "876543"]


def test_the_form_explains_anonymity_only_where_the_project_allows_it(world, client):
    as_(client, world, "service_user")
    assert 'name="is_anonymous"' not in client.get(create_url(world)).content.decode()
    world.project.allow_anonymous = True
    world.project.save()
    html = client.get(create_url(world)).content.decode()
    assert 'name="is_anonymous"' in html
    assert "Nobody sees who wrote it: not other participants, not staff, not the facilitators" in (
        html
    )
    assert "It still counts towards the share" in html and "edit or withdraw it" in html


def test_an_anonymous_post_is_refused_where_the_project_does_not_allow_it(world, client):
    as_(client, world, "service_user").post(
        create_url(world), {"kind": "idea", "title": "Sneaky", "is_anonymous": "on"}
    )
    assert not Contribution.objects.filter(is_anonymous=True).exists()


def test_no_page_reveals_who_wrote_an_anonymous_contribution(anonymous_world, client):
    world = anonymous_world
    as_(client, world, "service_user")
    client.post(
        create_url(world),
        {
            "kind": "touchpoint",
            "title": "Scared of the ward",
            "emotion": "upset",
            "is_anonymous": "on",
        },
    )
    contribution = Contribution.objects.get()
    assert contribution.is_anonymous and contribution.constituency == Constituency.SERVICE_USER
    Tag.objects.create(project=world.project, name="Fear")
    ContributionFactory(
        project=world.project,
        author=member(world, "staff"),
        kind="idea",
        title="Welcome leaflet",
    ).sources.add(contribution)
    pages = [
        reverse("contributions:board", args=[world.project.pk]),
        reverse("contributions:board", args=[world.project.pk]) + "?q=Scared",
        reverse("contributions:touchpoint-map", args=[world.project.pk]),
        url("contribution-detail", contribution),
        url("contribution-detail", Contribution.objects.get(title="Welcome leaflet")),
        url("contribution-tags", contribution),
    ]
    for role in ("facilitator", "org_admin", "superuser", "staff", "carer", "observer"):
        as_(client, world, role)
        for page in pages:
            response = client.get(page)
            if response.status_code == 403:
                continue
            html = response.content.decode()
            assert response.status_code == 200, (role, page)
            leaks = [trace for trace in AUTHOR_TRACES if trace in html]
            assert not leaks, f"{role} sees {leaks} on {page}"
            if page == pages[3]:
                assert "Anonymous participant" in html


def test_the_admin_does_not_reveal_the_author_either(anonymous_world, client, settings):
    settings.CODESIGN_REQUIRE_MFA = False
    world = anonymous_world
    contribution = ContributionFactory(
        project=world.project, author=member(world, "service_user"), is_anonymous=True
    )
    as_(client, world, "superuser")
    for page in (
        reverse("admin:contributions_contribution_changelist"),
        reverse("admin:contributions_contribution_change", args=[contribution.pk]),
    ):
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert not [trace for trace in AUTHOR_TRACES if trace in html], page


def test_the_anonymous_author_still_edits_and_withdraws(anonymous_world, client):
    world = anonymous_world
    contribution = ContributionFactory(
        project=world.project, author=member(world, "service_user"), is_anonymous=True
    )
    as_(client, world, "service_user")
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert "Yours" in html and "You posted this anonymously" in html
    assert url("contribution-edit", contribution) in html
    response = client.post(
        url("contribution-edit", contribution), {"title": "Better title", "is_anonymous": "on"}
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.title == "Better title" and contribution.is_anonymous
    client.post(url("contribution-withdraw", contribution))
    contribution.refresh_from_db()
    assert contribution.withdrawn_at is not None


def test_editing_keeps_a_source_that_was_hidden_since_without_showing_it(world, client):
    experience = idea_by(world, role="staff", kind="experience", title="Named the nurse")
    contribution = idea_by(world)
    contribution.sources.add(experience)
    experience.hidden_at = timezone.now()
    experience.save()
    as_(client, world, "service_user")
    page = client.get(url("contribution-edit", contribution)).content.decode()
    assert "Named the nurse" not in page and "Experience: hidden by a facilitator" in page
    client.post(
        url("contribution-edit", contribution), {"title": "Edited", "sources": [experience.pk]}
    )
    assert list(contribution.sources.all()) == [experience]


@pytest.mark.parametrize(
    "given, lands_on_board",
    [
        ("BOARD", True),
        ("nul\x00byte", False),  # no slash: redirect took it for a view's name, and failed
        ("home", False),
        ("/projects/\x00/", False),
        ("https://elsewhere.example/", False),
        ("//elsewhere.example/", False),
    ],
)
def test_where_a_form_goes_next_is_a_path_of_this_site_or_the_contribution(
    world, client, given, lands_on_board
):
    """``codesign.views.safe_next``: a ``next`` that is no path of this site (no slash first, a
    control character, another host) is not followed: the form goes on to what it made."""
    client.force_login(world.users["service_user"])
    board = reverse("contributions:board", args=[world.project.pk])
    response = client.post(
        create_url(world),
        {
            "kind": "idea",
            "title": f"Going on {len(given)}",
            "next": board if given == "BOARD" else given,
        },
    )
    assert response.status_code == 302
    made = Contribution.objects.get(title=f"Going on {len(given)}")
    assert response["Location"] == (board if lands_on_board else made.get_absolute_url())
