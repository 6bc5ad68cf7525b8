"""CQC quality statements on service changes: the fixed list, ticked on the change form by key
question, shown on the change page, and counted on the organisation's learning view."""

import re

import pytest
from django.urls import reverse

from changes import cqc
from changes.models import ServiceChange
from changes.services import change_create
from tests.factories import ProjectFactory, ServiceChangeFactory

pytestmark = pytest.mark.django_db


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def url(name, world, *args):
    return reverse(f"changes:{name}", args=[world.project.pk, *args])


def test_the_framework_has_34_statements_under_five_key_questions():
    questions = [str(question) for question, _statements in cqc.KEY_QUESTIONS]
    assert questions == ["Safe", "Effective", "Caring", "Responsive", "Well-led"]
    assert [len(statements) for _question, statements in cqc.KEY_QUESTIONS] == [8, 6, 5, 7, 8]
    assert len(cqc.STATEMENTS) == 34
    assert str(cqc.STATEMENTS["safe-medicines"]) == "Medicines optimisation"


def test_the_form_groups_the_statements_by_key_question_and_saves_the_ticked(world, client):
    client.force_login(world.users["facilitator"])
    html = client.get(url("change-create", world)).content.decode()
    for question in ("Safe", "Effective", "Caring", "Responsive", "Well-led"):
        assert f"<strong>{question}</strong>" in html
    assert html.count('name="cqc_statements"') == 34
    response = client.post(
        url("change-create", world),
        {
            "title": "Medicines ready the day before",
            "scope": "service",
            "progress": 0,
            "cqc_statements": ["responsive-continuity", "safe-medicines"],
        },
    )
    change = ServiceChange.objects.get()
    assert response.status_code == 302
    # Kept in the framework's order, whatever order they came in.
    assert change.cqc_statements == ["safe-medicines", "responsive-continuity"]
    edit = client.get(url("change-edit", world, change.pk)).content.decode()
    assert len(re.findall(r'value="safe-medicines"[^>]*checked', edit)) == 1
    client.post(
        url("change-edit", world, change.pk),
        {"title": "Medicines ready the day before", "scope": "service"},
    )
    change.refresh_from_db()
    assert change.cqc_statements == []


def test_an_unknown_statement_is_refused_beside_the_field(world, client):
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("change-create", world),
        {"title": "X", "scope": "team", "progress": 0, "cqc_statements": ["safe-nonsense"]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    error = html.index('id="id_cqc_statements_error"')
    assert "safe-nonsense is not one of the available choices" in html[error : error + 300]
    assert not ServiceChange.objects.exists()
    with pytest.raises(Exception, match="quality statements"):
        change_create(
            project=world.project,
            created_by=world.users["facilitator"],
            title="Y",
            cqc_statements=["made-up"],
        )


def test_the_change_page_shows_its_statements_under_their_key_questions(world, client):
    change = ServiceChangeFactory(
        project=world.project,
        cqc_statements=["safe-systems-pathways", "safe-medicines", "responsive-information"],
    )
    client.force_login(world.users["service_user"])
    page = text(client.get(url("change-detail", world, change.pk)))
    assert (
        "Safe: Safe systems, pathways and transitions; Medicines optimisation "
        "Responsive: Providing information"
    ) in page
    bare = ServiceChangeFactory(project=world.project)
    assert "CQC quality statements" not in text(client.get(url("change-detail", world, bare.pk)))


def _counts(page):
    table = page[page.index("Quality statement Changes") :]
    return {
        label: int(re.search(re.escape(label) + r" (\d+)", table).group(1))
        for label in ("Medicines optimisation", "Providing information", "Freedom to speak up")
    }


def test_the_learning_view_counts_changes_per_statement_across_projects(world, client_for):
    other = ProjectFactory(organisation=world.organisation)
    ServiceChangeFactory(project=world.project, cqc_statements=["safe-medicines"])
    ServiceChangeFactory(project=other, cqc_statements=["safe-medicines", "responsive-information"])
    # One person's single change still counts: these are changes, not people.
    elsewhere = ProjectFactory()
    ServiceChangeFactory(project=elsewhere, cqc_statements=["safe-medicines"])
    client = client_for(world.users["org_admin"])
    page = text(client.get(reverse("learning:overview", args=[world.organisation.pk])))
    assert _counts(page) == {
        "Medicines optimisation": 2,
        "Providing information": 1,
        "Freedom to speak up": 0,
    }


def test_the_count_reads_in_the_same_queries_at_two_sizes(world, client_for, count_queries):
    client = client_for(world.users["org_admin"])
    overview = reverse("learning:overview", args=[world.organisation.pk])

    def tag(number):
        for index in range(number):
            keys = list(cqc.STATEMENTS)
            ServiceChangeFactory(
                project=world.project, cqc_statements=[keys[index % 34], keys[(index + 7) % 34]]
            )

    tag(2)
    few = count_queries(lambda: client.get(overview))
    tag(30)
    many = count_queries(lambda: client.get(overview))
    assert few == many
    counted = re.findall(r"<td class=\"text-end\">(\d+)</td>", _table(client.get(overview)))
    assert sum(int(n) for n in counted) == 64


def _table(response):
    html = response.content.decode()
    return html[
        html.index('id="cqc-counts"') : html.index("</table>", html.index('id="cqc-counts"'))
    ]
