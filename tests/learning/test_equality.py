"""Equality monitoring: optional answers given with consent, counts with small groups
suppressed (tested by subtraction on the page and its CSV), the population compared, and the
answers deleted with the account and by retention."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import EqualityResponse, PopulationShare
from participants.models import Membership
from privacy.retention import retention_purge
from privacy.services import account_delete
from projects.models import Project
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def answer(project, **answers):
    """A new participant of the project with these answers."""
    user = UserFactory()
    MembershipFactory(project=project, user=user, role=Membership.Role.PARTICIPANT)
    return EqualityResponse.objects.create(user=user, consented_at=timezone.now(), **answers)


def page_rows(client, organisation) -> dict[str, str]:
    """The ethnicity table's "answer → people" as the page shows it, and as the CSV does."""
    html = client.get(reverse("learning:equality-report", args=[organisation.pk]))
    body = html.content.decode()
    table = body[body.index('id="table-ethnicity"') :]
    table = table[: table.index("</table>")]
    csv_text = client.get(reverse("learning:equality-csv", args=[organisation.pk])).content
    rows = list(csv.reader(io.StringIO(csv_text.decode())))
    in_csv = {row[1]: row[2] for row in rows if row[0] == "Ethnic group"}
    return table, in_csv


def test_answers_need_explicit_consent_and_are_kept_once(world, client_for):
    user = world.users["service_user"]
    client = client_for(user)
    url = reverse("learning:equality-form")
    response = client.post(url, {"ethnicity": "white", "age_band": "prefer_not"})
    assert response.status_code == 200 and "consent" in response.context["form"].errors
    assert not EqualityResponse.objects.exists()
    data = {"consent": "on", "ethnicity": "white", "age_band": "prefer_not", "sex": ""}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    saved = EqualityResponse.objects.get(user=user)
    assert (saved.ethnicity, saved.age_band, saved.sex) == ("white", "prefer_not", "")
    assert client.post(reverse("learning:equality-delete")).status_code == 302
    assert not EqualityResponse.objects.exists()


@pytest.mark.parametrize(
    ("counts", "shown", "hidden"),
    [
        # 6 White, 2 Asian: Asian under 5, and everyone less White would give it away.
        (
            {"white": 6, "asian": 2},
            {"White": "not shown", "Asian or Asian British": "fewer than 5"},
            ["6", "2"],
        ),
        # 5 White, 5 Asian, 1 Black: Black under 5; the smaller shown (Asian) goes with it.
        (
            {"white": 5, "asian": 5, "black": 1},
            {
                "White": "5",
                "Asian or Asian British": "not shown",
                "Black, Black British, Caribbean or African": "fewer than 5",
            },
            ["1"],
        ),
        # 5 and 5 with nobody else: both shown.
        ({"white": 5, "prefer_not": 5}, {"White": "5", "Prefer not to say": "5"}, []),
    ],
)
def test_small_groups_are_suppressed_on_the_page_and_in_the_csv(
    world, client_for, counts, shown, hidden
):
    for value, number in counts.items():
        for _ in range(number):
            answer(world.project, ethnicity=value)
    table, in_csv = page_rows(client_for(world.users["manager"]), world.organisation)
    for label, expected in shown.items():
        assert in_csv[label] == expected
        assert re.search(rf"{re.escape(label)}</th>\s*<td[^>]*>{expected}</td>", table)
    # By subtraction: no shown figure, with the total, leaves a group of fewer than 5.
    for figure in hidden:
        assert figure not in in_csv.values()
    total = sum(counts.values())
    assert re.search(rf"Everyone who answered</th>\s*<td[^>]*>{total}</td>", table)


def test_only_the_organisations_participants_are_counted(world, client_for):
    draft = ProjectFactory(organisation=world.organisation, status=Project.Status.DRAFT)
    for _ in range(5):
        answer(world.project, sex="female")
        answer(world.other_project, sex="male")
        answer(draft, sex="male")
    manager = client_for(world.users["manager"])
    page = manager.get(reverse("learning:equality-report", args=[world.organisation.pk]))
    tables = {table.question: table for table in page.context["tables"]}
    rows = {row.answer: row.shown for row in tables["sex"].rows}
    assert rows["female"] == "5" and rows["male"] == "0"  # not the draft's, not elsewhere's
    admin = client_for(world.users["org_admin"])
    page = admin.get(reverse("learning:equality-report", args=[world.organisation.pk]))
    rows = {row.answer: row.shown for row in page.context["tables"][3].rows}
    assert rows == {"female": "5", "male": "5", "prefer_not": "0"}


def test_the_population_entered_shows_who_is_missing(world, client_for):
    for _ in range(10):
        answer(world.project, ethnicity="white")
    client = client_for(world.users["org_admin"])
    url = reverse("learning:equality-population", args=[world.organisation.pk])
    too_much = {"question": "ethnicity", "share_white": "80", "share_asian": "30"}
    response = client.post(url, too_much)
    assert response.status_code == 200 and "more than 100%" in response.content.decode()
    data = {"question": "ethnicity", "share_white": "70", "share_asian": "20.5"}
    assert client.post(url, data).status_code == 302
    assert PopulationShare.objects.filter(organisation=world.organisation).count() == 2
    page = client.get(reverse("learning:equality-report", args=[world.organisation.pk]))
    rows = {row.answer: row for row in page.context["tables"][2].rows}
    assert rows["white"].share == "100%" and rows["white"].gap == "30 points more"
    # Asian: none of 10 against a fifth of the population: who is missing.
    assert rows["asian"].shown == "0" and rows["asian"].gap == "20 points fewer"
    assert client_for(world.users["manager"]).post(url, data).status_code == 403


def test_answers_go_with_the_account_and_by_retention(world, settings):
    gone = answer(world.project, disability="yes")
    account_delete(person=gone.user, deleted_by=gone.user)
    assert not EqualityResponse.objects.filter(pk=gone.pk).exists()
    old, recent = answer(world.project, caring="yes"), answer(world.project, caring="no")
    EqualityResponse.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=31 * (settings.RETENTION_MONTHS + 1))
    )
    counts = retention_purge()
    assert counts["equality_monitoring"] == 1
    assert list(EqualityResponse.objects.values_list("pk", flat=True)) == [recent.pk]
