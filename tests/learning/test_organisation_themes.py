"""Themes across an organisation's projects: suggested by the worker from every project past its
draft (masked as for one project, deterministic, no network), shown to its admins and managers
as words, counts per project and groups (never the contributions), decided by them, and cited
in any project's CMO records where the theme was said."""

import pytest
from django.urls import reverse

from learning.models import CmoLink, Theme, ThemeRun
from learning.themes import analysis, services, tasks
from outbox.models import OutboxMessage
from participants.models import Constituency
from projects.models import Project
from tests.factories import ContributionFactory, MembershipFactory, ProjectFactory

from .helpers import cmo_record
from .test_themes import no_network  # noqa: F401 (a fixture)
from .theme_texts import TEXTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects(world):
    """The fixed texts, odd ones in Ward 7, even ones in outpatients; and a draft's words."""
    outpatients = ProjectFactory(organisation=world.organisation, title="Outpatients")
    draft = ProjectFactory(
        organisation=world.organisation, title="Draft", status=Project.Status.DRAFT
    )
    groups = [Constituency.SERVICE_USER, Constituency.CARER, Constituency.STAFF]
    for number, text in sorted(TEXTS.items()):
        project = world.project if number % 2 else outpatients
        author = MembershipFactory(project=project, constituency=groups[number % 3])
        title, _dot, body = text.partition(". ")
        ContributionFactory(project=project, author=author, title=title[:150], body=body)
    secret = MembershipFactory(project=draft)
    ContributionFactory(project=draft, author=secret, title="Draft only", body="Unpublished")
    world.outpatients = outpatients
    return world


def suggest_and_build(client, world) -> ThemeRun:
    url = reverse("learning:organisation-theme-suggest", args=[world.organisation.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # asked twice: one run waits
    run = ThemeRun.objects.get(organisation=world.organisation)
    job = OutboxMessage.objects.get(job=services.BUILD_JOB, payload={"run_id": run.pk})
    tasks.theme_run_build_job(**job.payload)
    tasks.theme_run_build_job(**job.payload)  # redelivered: nothing more
    run.refresh_from_db()
    return run


def test_themes_across_projects_are_deterministic_masked_and_offline(
    two_projects,
    client_for,
    no_network,  # noqa: F811
    monkeypatch,
):
    world = two_projects
    read = []
    masked = analysis.mask_personal_data
    monkeypatch.setattr(
        analysis, "mask_personal_data", lambda t: read.append(masked(t)) or read[-1]
    )
    run = suggest_and_build(client_for(world.users["manager"]), world)
    assert run.project is None and run.status == ThemeRun.Status.DONE
    assert run.contribution_count == 12  # not the draft's
    assert not any("Unpublished" in text for text in read)
    assert not any("07700" in text or "jo@example.org" in text for text in read)
    assert any("[phone number]" in text for text in read)
    themes = list(run.themes.order_by("position"))
    assert [theme.name for theme in themes] == [
        "pharmacy, medicines, tablets",
        "transport, ambulance, came",
        "night, home, night home",
    ]
    assert all(theme.organisation == world.organisation for theme in themes)
    for theme in themes:
        projects = {c.project_id for c in theme.contributions.all()}
        assert projects == {world.project.pk, world.outpatients.pk}


def test_managers_see_counts_per_project_and_decide(two_projects, client_for):
    world = two_projects
    client = client_for(world.users["manager"])
    run = suggest_and_build(client, world)
    pharmacy, transport, night = run.themes.order_by("position")
    page = client.get(reverse("learning:organisation-theme-list", args=[world.organisation.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "pharmacy, medicines, tablets" in body and "Outpatients" in body
    shown = {t.pk: t for t in page.context["themes"].suggested}
    assert shown[pharmacy.pk].by_project == [
        ("Going home from Ward 7", 2, world.project.pk),
        ("Outpatients", 2, world.outpatients.pk),
    ]
    # Nobody's words or names: no contribution's title, no member's name.
    assert "Waiting all day for my tablets" not in body
    assert "Service User" not in body and "07700" not in body
    decide = reverse(
        "learning:organisation-theme-decide", args=[world.organisation.pk, pharmacy.pk]
    )
    page = client.get(decide).content.decode()
    assert "Going home from Ward 7: 2 contributions" in page
    response = client.post(decide, {"name": "Waiting for medicines", "decision": "accept"})
    assert response.status_code == 302
    merge = reverse("learning:organisation-theme-merge", args=[world.organisation.pk, night.pk])
    assert client.post(merge, {"into": pharmacy.pk}).status_code == 302
    reject = reverse(
        "learning:organisation-theme-decide", args=[world.organisation.pk, transport.pk]
    )
    assert client.post(reject, {"decision": "reject"}).status_code == 302
    pharmacy.refresh_from_db()
    assert (pharmacy.status, pharmacy.name) == (Theme.Status.ACCEPTED, "Waiting for medicines")
    assert pharmacy.contributions.count() == 8
    assert Theme.objects.get(pk=night.pk).merged_into_id == pharmacy.pk
    assert Theme.objects.get(pk=transport.pk).status == Theme.Status.REJECTED
    # A project's theme cannot be merged into one across projects, nor the other way round.
    project_run = services.theme_run_request(project=world.project, requested_by=None)
    services.theme_run_build(run_id=project_run.pk)
    own = project_run.themes.first()
    assert client.post(merge.replace(str(night.pk), str(own.pk)), {}).status_code == 404
    # The organisation's admins may read every project's board: they see the titles too.
    admin = client_for(world.users["org_admin"])
    url = reverse("learning:organisation-theme-list", args=[world.organisation.pk])
    assert "Waiting all day for my tablets" in admin.get(url).content.decode()
    # A project's facilitator does not know the organisation's page exists.
    facilitator = client_for(world.users["facilitator"])
    url = reverse("learning:organisation-theme-list", args=[world.organisation.pk])
    assert facilitator.get(url).status_code == 404


def test_an_accepted_theme_across_projects_is_cited_in_a_cmo_record(two_projects, client_for):
    world = two_projects
    run = suggest_and_build(client_for(world.users["org_admin"]), world)
    pharmacy, transport, _night = run.themes.order_by("position")
    services.theme_accept(theme=pharmacy, name="Waiting for medicines", decided_by=None)
    elsewhere = ProjectFactory(organisation=world.organisation, title="Elsewhere")
    client = client_for(world.users["facilitator"])
    cmo = cmo_record(world.project)
    url = reverse("learning:cmo-link-add", args=[world.project.pk, cmo.pk])
    form = client.get(url).content.decode()
    assert "Waiting for medicines (across projects)" in form
    assert transport.name not in form  # suggested, not accepted
    data = {"evidence": f"theme:{pharmacy.pk}", "stance": "supports", "confidence": "high"}
    assert client.post(url, data).status_code == 302
    assert CmoLink.objects.get(cmo=cmo).theme == pharmacy
    # Not citable where it was not said, nor once it is no longer accepted.
    other = cmo_record(elsewhere)
    MembershipFactory(project=elsewhere, user=world.users["facilitator"], role="facilitator")
    response = client.post(
        reverse("learning:cmo-link-add", args=[elsewhere.pk, other.pk]),
        {**data, "evidence": f"theme:{pharmacy.pk}"},
    )
    assert response.status_code == 200 and not CmoLink.objects.filter(cmo=other).exists()
    services.theme_accept(theme=transport, name="Transport", decided_by=None)
    services.theme_reject(theme=transport, decided_by=None)
    response = client.post(url, {**data, "evidence": f"theme:{transport.pk}"})
    assert response.status_code == 200 and CmoLink.objects.filter(cmo=cmo).count() == 1


@pytest.mark.parametrize("who", ["manager", "org_admin"])
def test_the_page_query_count_does_not_grow(world, client_for, count_queries, who):
    client = client_for(world.users[who])
    url = reverse("learning:organisation-theme-list", args=[world.organisation.pk])

    def add(projects, per_project):
        for _ in range(projects):
            project = ProjectFactory(organisation=world.organisation)
            for number in range(per_project):
                author = MembershipFactory(project=project)
                ContributionFactory(project=project, author=author, body=TEXTS[number % 12 + 1])
        ThemeRun.objects.all().update(status=ThemeRun.Status.DONE)
        run = services.theme_run_request(organisation=world.organisation, requested_by=None)
        services.theme_run_build(run_id=run.pk)

    add(1, 4)
    few = count_queries(lambda: client.get(url))
    add(5, 12)
    many = count_queries(lambda: client.get(url))
    assert few == many


def test_projects_with_the_same_title_are_counted_apart(two_projects, client_for):
    world = two_projects
    Project.objects.filter(pk=world.outpatients.pk).update(title=world.project.title)
    client = client_for(world.users["manager"])
    run = suggest_and_build(client, world)
    pharmacy = run.themes.order_by("position").first()
    page = client.get(reverse("learning:organisation-theme-list", args=[world.organisation.pk]))
    shown = {t.pk: t for t in page.context["themes"].suggested}
    assert sorted(shown[pharmacy.pk].by_project, key=lambda where: where.project_id) == [
        (world.project.title, 2, world.project.pk),
        (world.project.title, 2, world.outpatients.pk),
    ]
