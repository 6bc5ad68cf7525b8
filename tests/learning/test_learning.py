"""The organisation's learning view: the catalogue, CMO records' links, the mechanism page
and the programme theory."""

import io
import re

import pytest
from django.urls import reverse

from learning.catalogue import STARTING_CATALOGUE
from learning.models import CatalogueItem, CmoLink, ProgrammeTheoryVersion
from learning.services import catalogue_seed, theory_revise
from projects.models import Project
from tests.factories import ContributionFactory, OrganisationFactory, ProjectFactory

from .helpers import CARER, STAFF, SU, case, cmo_record, link, mechanism

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_new_organisation_starts_with_the_catalogue_once():
    organisation = OrganisationFactory()
    assert organisation.catalogue_items.count() == len(STARTING_CATALOGUE)
    assert catalogue_seed(organisation=organisation) == 0
    lenses = set(organisation.catalogue_items.values_list("lens", flat=True))
    assert lenses == {"mechanism", "practice", "context", "power"}
    first = mechanism(organisation)
    assert first.offered and first.response


def test_admins_add_edit_and_remove_catalogue_entries(world, client_for):
    client = client_for(world.users["org_admin"])
    organisation = world.organisation
    create = reverse("learning:item-create", args=[organisation.pk])
    half = {"lens": "mechanism", "name": "Peer support", "offered": "A peer worker", "response": ""}
    response = client.post(create, half)
    assert response.status_code == 200
    assert "A mechanism needs this half too." in response.content.decode()
    whole = {**half, "response": "People feel understood and stay."}
    assert client.post(create, whole).status_code == 302
    assert client.post(create, whole).status_code == 302  # a double submit adds it once
    added = CatalogueItem.objects.get(organisation=organisation, name="Peer support")
    edit = reverse("learning:item-edit", args=[organisation.pk, added.pk])
    assert client.post(edit, {**whole, "name": "Peer workers"}).status_code == 302
    added.refresh_from_db()
    assert added.name == "Peer workers"
    taken = {**whole, "name": "Hearing experiences first-hand"}
    response = client.post(edit, taken)
    assert response.status_code == 200 and "already" in response.content.decode()
    cmo = cmo_record(world.project)
    link(cmo, item=added)
    delete = reverse("learning:item-delete", args=[organisation.pk, added.pk])
    assert "1 link from a CMO record" in text(client.get(delete))
    assert client.post(delete).status_code == 302
    assert not CatalogueItem.objects.filter(pk=added.pk).exists()
    assert not CmoLink.objects.filter(cmo=cmo).exists()


def test_managers_read_the_catalogue_but_may_not_change_it(world, client_for):
    client = client_for(world.users["manager"])
    organisation = world.organisation
    overview = client.get(reverse("learning:overview", args=[organisation.pk]))
    assert overview.status_code == 200
    assert "Hearing experiences first-hand" in overview.content.decode()
    assert reverse("learning:item-create", args=[organisation.pk]) not in text(overview)
    before = CatalogueItem.objects.count()
    create = reverse("learning:item-create", args=[organisation.pk])
    response = client.post(create, {"lens": "context", "name": "Winter pressures"})
    assert response.status_code == 403
    assert CatalogueItem.objects.count() == before


def test_facilitators_link_a_cmo_record_to_the_catalogue_and_to_evidence(world, client_for):
    client = client_for(world.users["facilitator"])
    cmo = cmo_record(world.project)
    contribution = ContributionFactory(project=world.project, title="Waiting all day")
    url = reverse("learning:cmo-link-add", args=[world.project.pk, cmo.pk])
    coded = {"item": mechanism(world.organisation).pk, "stance": "supports", "confidence": "high"}
    assert client.post(url, coded).status_code == 302
    assert client.post(url, {**coded, "confidence": "low"}).status_code == 302
    link_ = CmoLink.objects.get(cmo=cmo, item__isnull=False)
    assert link_.confidence == "low"  # linked again: re-rated, not linked twice
    evidence = {
        "evidence": f"contribution:{contribution.pk}",
        "stance": "contradicts",
        "confidence": "medium",
    }
    assert client.post(url, evidence).status_code == 302
    page = text(client.get(reverse("learning:project-cmo-list", args=[world.project.pk])))
    assert "Idea: Waiting all day (contradicts, medium confidence)" in page
    response = client.post(url, {**evidence, "item": coded["item"]})
    assert "Choose one: an entry of the catalogue or a piece of evidence." in text(response)


def test_evidence_and_entries_from_elsewhere_cannot_be_linked(world, client_for):
    client = client_for(world.users["facilitator"])
    cmo = cmo_record(world.project)
    elsewhere = ContributionFactory(project=ProjectFactory(organisation=world.organisation))
    url = reverse("learning:cmo-link-add", args=[world.project.pk, cmo.pk])
    foreign = mechanism(world.other_organisation)
    for data in (
        {"evidence": f"contribution:{elsewhere.pk}"},
        {"item": foreign.pk},
    ):
        response = client.post(url, {**data, "stance": "supports", "confidence": "high"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not CmoLink.objects.exists()


def test_the_mechanism_page_shows_where_it_fired_and_where_it_did_not(world, client_for):
    organisation = world.organisation
    facilitator = world.users["facilitator"]
    case(
        organisation,
        stance="supports",
        context_name="Service under staffing pressure",
        counts={SU: 3, STAFF: 3},
        created_by=facilitator,
    )
    case(
        organisation,
        stance="supports",
        context_name="Stable team with time to reflect",
        counts={CARER: 2, STAFF: 2},
    )
    case(
        organisation,
        stance="contradicts",
        context_name="Change needs approval beyond the team",
        counts={SU: 1},
    )
    client = client_for(world.users["manager"])
    url = reverse("learning:mechanism-detail", args=[organisation.pk, mechanism(organisation).pk])
    page = text(client.get(url))
    fired = page[page.index("Where it fired (2 cases)") : page.index("Where it did not fire")]
    assert "Service under staffing pressure (1)" in fired
    assert "Stable team with time to reflect (1)" in fired
    not_fired = page[page.index("Where it did not fire (1 case)") : page.index("Who is behind")]
    assert "Change needs approval beyond the team (1)" in not_fired
    assert "Disconfirming cases, kept in view" in not_fired
    # 6 service users and carers, 5 staff: both shown, and everyone is their sum.
    assert "Everyone 11 Service users and carers 6 Staff 5" in page
    assert facilitator.full_name not in page and facilitator.email not in page


@pytest.mark.parametrize(
    ("counts", "expected", "never"),
    [
        # Staff fewer than 5; shown, the service users' 6 would give the staff's 4 away.
        (
            {SU: 6, STAFF: 4},
            "Everyone 10 Service users and carers not shown Staff fewer than 5",
            ["Service users and carers 6", "Staff 4"],
        ),
        # 5 and 5: both shown.
        ({SU: 5, STAFF: 5}, "Everyone 10 Service users and carers 5 Staff 5", []),
        # Nobody from staff: service users shown, staff 0.
        ({SU: 5}, "Everyone 5 Service users and carers 5 Staff 0", []),
        # A carer and a member of staff: 2 of 3 people shown would give the third away.
        (
            {SU: 5, CARER: 1, STAFF: 2},
            "Everyone 8 Service users and carers not shown Staff fewer than 5",
            ["Service users and carers 6", "Staff 2"],
        ),
    ],
)
def test_small_groups_behind_the_evidence_are_suppressed(
    world, client_for, counts, expected, never
):
    organisation = world.organisation
    case(
        organisation,
        stance="supports",
        context_name="Service under staffing pressure",
        counts=counts,
    )
    client = client_for(world.users["org_admin"])
    url = reverse("learning:mechanism-detail", args=[organisation.pk, mechanism(organisation).pk])
    page = text(client.get(url))
    assert expected in page
    # By subtraction: what is shown never leaves a group of fewer than 5 to be worked out.
    for figure in never:
        assert figure not in page


def test_managers_see_no_draft_projects_records(world, client_for):
    organisation = world.organisation
    draft = ProjectFactory(organisation=organisation, status=Project.Status.DRAFT)
    case(
        organisation,
        stance="supports",
        context_name="Service under staffing pressure",
        project=draft,
    )
    overview = reverse("learning:overview", args=[organisation.pk])
    assert draft.title not in text(client_for(world.users["manager"]).get(overview))
    assert draft.title in text(client_for(world.users["org_admin"]).get(overview))


def test_a_mechanism_page_is_only_for_mechanisms_of_the_organisation(world, client_for):
    client = client_for(world.users["org_admin"])
    organisation = world.organisation
    context = CatalogueItem.objects.filter(organisation=organisation, lens="context").first()
    foreign = mechanism(world.other_organisation)
    for item_ in (context, foreign):
        url = reverse("learning:mechanism-detail", args=[organisation.pk, item_.pk])
        assert client.get(url).status_code == 404


def test_the_programme_theory_is_versioned_with_who_and_why(world, client_for):
    client = client_for(world.users["org_admin"])
    organisation = world.organisation
    url = reverse("learning:theory-edit", args=[organisation.pk])
    first = {"statements": "Staff who hear patients change.\nPaid people stay.", "reason": "Start."}
    assert client.post(url, first).status_code == 302
    assert client.post(url, first).status_code == 302  # a double submit: one version
    second = {
        "statements": "Staff who hear patients change, where they may act.\nPaid people stay.",
        "reason": "The crisis line showed authority matters.",
    }
    assert client.post(url, second).status_code == 302
    response = client.post(url, {"statements": "  \n ", "reason": "Nothing"})
    assert response.status_code == 200 and "statements" in response.context["form"].errors
    versions = ProgrammeTheoryVersion.objects.filter(organisation=organisation)
    assert list(versions.values_list("number", flat=True)) == [2, 1]
    assert versions[0].changed_by == world.users["org_admin"]
    history = client_for(world.users["manager"]).get(
        reverse("learning:theory-history", args=[organisation.pk])
    )
    page = history.content.decode()
    assert "<ins>Staff who hear patients change, where they may act.</ins>" in page
    assert "<del>Staff who hear patients change.</del>" in page
    assert "The crisis line showed authority matters." in page
    assert re.search(r"Version 2</h2>", page)


def test_the_theory_service_numbers_versions_in_turn(world):
    organisation = world.organisation
    for reason in ("one", "two", "three"):
        theory_revise(
            organisation=organisation, statements=[reason], reason=reason, changed_by=None
        )
    assert organisation.programme_theory.first().number == 3


def _build(organisation, size):
    for number in range(size):
        case(
            organisation,
            stance="supports" if number % 3 else "contradicts",
            context_name="Service under staffing pressure",
            counts={SU: 1, STAFF: 1},
        )


@pytest.mark.parametrize("name", ["learning:overview", "learning:mechanism-detail"])
def test_query_count_does_not_grow_with_records(world, client_for, count_queries, name):
    organisation = world.organisation
    client = client_for(world.users["manager"])
    args = [organisation.pk]
    if name == "learning:mechanism-detail":
        args.append(mechanism(organisation).pk)
    url = reverse(name, args=args)
    _build(organisation, 2)
    few = count_queries(lambda: client.get(url))
    _build(organisation, 20)
    many = count_queries(lambda: client.get(url))
    assert few == many


def test_the_demo_shows_a_mechanism_that_fired_twice_and_failed_once(
    db, client_for, settings, tmp_path
):
    from django.core.management import call_command

    from accounts.models import User
    from projects.models import Organisation

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    trust = Organisation.objects.get(name="Riverside NHS Foundation Trust")
    client = client_for(User.objects.get(email="manager@demo.test"))
    url = reverse("learning:mechanism-detail", args=[trust.pk, mechanism(trust).pk])
    page = text(client.get(url))
    fired = page[page.index("Where it fired (2 cases)") : page.index("Where it did not fire")]
    assert "Service under staffing pressure (1)" in fired
    assert "Stable team with time to reflect (1)" in fired
    assert (
        "Change needs approval beyond the team (1)" in page[page.index("did not fire (1 case)") :]
    )
    assert "Session: " in fired and "A contribution (" in fired
    overview = text(client.get(reverse("learning:overview", args=[trust.pk])))
    cqc = overview[overview.index("Quality statement Changes") :]
    assert "Safe systems, pathways and transitions 2" in cqc
    assert "Providing information 1" in cqc
    history = text(client.get(reverse("learning:theory-history", args=[trust.pk])))
    assert "Version 2" in history and "The crisis line showed" in history
    # Themes across the trust's projects, one accepted; and its evidence reports, built.
    themes = client.get(reverse("learning:organisation-theme-list", args=[trust.pk]))
    assert themes.context["themes"].accepted and themes.context["themes"].suggested
    assert len({where.title for t in themes.context["themes"].accepted for where in t.by_project})
    evidence = client.get(reverse("reports:organisation-evidence", args=[trust.pk]))
    built = {(r.kind, r.file_format, r.status) for r in evidence.context["report_list"]}
    assert built == {("annual", "pdf", "done"), ("realist", "docx", "done")}
    annual = next(r for r in evidence.context["report_list"] if r.kind == "annual")
    download = client.get(annual.download_url)
    assert b"".join(download.streaming_content).startswith(b"%PDF")
