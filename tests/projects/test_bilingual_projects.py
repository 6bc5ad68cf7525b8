"""A project written in English and Welsh, with an easy-read summary."""

import pytest
from django.urls import reverse

from participants.models import Membership
from projects.models import Project, Stage
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit_data(project, **extra):
    return {
        "title": project.title,
        "challenge": project.challenge,
        "service_area": project.service_area,
        "scope": project.scope,
        "hide_job_titles": "on",
        "group_threshold": project.group_threshold,
        **extra,
    }


def test_the_edit_form_saves_both_languages_and_easy_read(world, client):
    client.force_login(world.users["facilitator"])
    url = reverse("projects:project-edit", args=[world.project.pk])
    form = client.get(url).content.decode()
    assert "In Welsh (Cymraeg)" in form and "Easy read" in form
    assert form.index('name="title"') < form.index('name="title_cy"')
    response = client.post(
        url,
        edit_data(
            world.project,
            title_cy="Mynd adref o Ward 7",
            challenge_cy="Mae gadael yr ysbyty yn ddryslyd.",
            challenge_easy_read="Leaving hospital can be hard.\nWe want to make it better.",
        ),
    )
    assert response.status_code == 302
    project = Project.objects.get(pk=world.project.pk)
    assert project.title == "Going home from Ward 7"
    assert project.title_cy == "Mynd adref o Ward 7"
    assert project.challenge_cy == "Mae gadael yr ysbyty yn ddryslyd."
    assert project.challenge_easy_read.startswith("Leaving hospital can be hard.")


def test_a_new_project_can_be_written_in_welsh_too(world, client):
    client.force_login(world.users["org_admin"])
    url = reverse("projects:project-create", args=[world.organisation.pk])
    client.post(
        url,
        {
            "title": "Bins",
            "title_cy": "Atgyweiriadau",
            "challenge": "Repairs take too long.",
            "service_area": "Housing",
            "scope": "service",
            "method": "ebcd",
            "facilitator_constituency": "staff",
        },
    )
    assert Project.objects.get(title="Bins").title_cy == "Atgyweiriadau"


def test_an_english_page_shows_a_welsh_only_text_marked_as_welsh(world, client):
    Project.objects.filter(pk=world.project.pk).update(challenge="", challenge_cy="Mae'n ddryslyd.")
    Stage.objects.create(project=world.project, name="Cam un", name_cy="Cam un", order=1)
    client.force_login(world.users["service_user"])
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert 'lang="cy">Mae&#x27;n ddryslyd.</div>' in page
    assert "(in Welsh)" in page


def test_a_participant_who_asked_for_easy_read_sees_it_and_can_switch_back(world, client):
    Project.objects.filter(pk=world.project.pk).update(
        challenge="Leaving hospital is confusing for patients and their carers.",
        challenge_easy_read="Leaving hospital can be hard.\nWe want to make it better.",
    )
    user = world.users["service_user"]
    client.force_login(user)
    url = world.project.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Show easy read" in page and "Leaving hospital is confusing" in page
    response = client.post(reverse("easy-read"), {"easy_read": "1", "next": url})
    assert response.url == url
    user.refresh_from_db()
    assert user.prefers_easy_read
    page = client.get(url).content.decode()
    assert "<p>Leaving hospital can be hard.</p>\n<p>We want to make it better.</p>" in page
    assert "Show the full text" in page and "Print in large print" in page
    client.post(reverse("easy-read"), {"easy_read": "", "next": url})
    user.refresh_from_db()
    assert not user.prefers_easy_read


def test_signed_out_the_easy_read_choice_lasts_the_visit(client):
    response = client.post(reverse("easy-read"), {"easy_read": "1", "next": "https://evil.test/"})
    assert response.url == reverse("home")
    assert client.session["easy_read"] is True


def test_no_toggle_where_there_is_no_easy_read(world, client):
    client.force_login(world.users["service_user"])
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Show easy read" not in page


def test_project_page_queries_stay_flat_with_welsh_texts(world, client, count_queries):
    client.force_login(world.users["facilitator"])
    Project.objects.filter(pk=world.project.pk).update(title_cy="Mynd adref", challenge_cy="Her")
    url = world.project.get_absolute_url()
    small = count_queries(lambda: client.get(url))
    for n in range(20):
        Stage.objects.create(project=world.project, name=f"Stage {n}", name_cy=f"Cam {n}", order=n)
        project = ProjectFactory(organisation=world.organisation, title_cy=f"Prosiect {n}")
        Membership.objects.create(
            project=project,
            user=world.users["facilitator"],
            role="facilitator",
            constituency="staff",
            display_name="F",
            status="active",
        )
        Membership.objects.create(
            project=world.project, user=UserFactory(), constituency="carer", display_name="P"
        )
    assert count_queries(lambda: client.get(url)) == small


def test_stages_are_named_in_welsh_on_the_stage_form(world, client):
    first, second = world.project.stages.order_by("order")
    client.force_login(world.users["facilitator"])
    url = reverse("projects:stage-edit", args=[world.project.pk])
    assert 'name="stages-0-name_cy"' in client.get(url).content.decode()
    data = {
        "stages-TOTAL_FORMS": "2",
        "stages-INITIAL_FORMS": "2",
        "stages-MIN_NUM_FORMS": "1",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-id": first.pk,
        "stages-0-name": "Listen",
        "stages-0-name_cy": "Gwrando",
        "stages-0-order": "1",
        "stages-1-id": second.pk,
        "stages-1-name": "Plan",
        "stages-1-description_cy": "Cynllunio gyda'n gilydd.",
        "stages-1-order": "2",
        "current_stage": "",
    }
    assert client.post(url, data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name_cy, second.description_cy) == ("Gwrando", "Cynllunio gyda'n gilydd.")
