"""Managers' dashboard: a round's split only at the managers' threshold of 5, by subtraction."""

import re

import pytest
from django.urls import reverse

from tests.round_support import assert_nothing_worked_out, round_with_groups, shown_splits

pytestmark = pytest.mark.django_db


def dashboard_rows(html, prioritisation_round):
    section = html.split(f'id="dashboard-round-{prioritisation_round.pk}"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], flags=re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        if cells[0] != "People who voted":
            rows.append(tuple(cells[:4]))
    return rows


@pytest.mark.parametrize(
    ("sizes", "in_the_open", "expected"),
    [
        # Shown on the round's page at the project's threshold of 3; not to managers.
        ((5, 3, 0), False, (False, False)),
        # Declared open: still not to managers.
        ((5, 3, 0), True, (False, False)),
        ((6, 5, 0), False, (True, True)),
        # One "other": the staff hidden with them.
        ((6, 5, 1), False, (True, False)),
    ],
)
def test_the_managers_dashboard_keeps_five(world, client_for, sizes, in_the_open, expected):
    su, staff, other = sizes
    prioritisation_round, groups, truth = round_with_groups(
        world.project,
        world.users["facilitator"],
        su=su,
        staff=staff,
        other=other,
        in_the_open=in_the_open,
    )
    client = client_for(world.users["manager"])
    response = client.get(reverse("dashboards:project", kwargs={"project_pk": world.project.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    rows = dashboard_rows(html, prioritisation_round)
    assert_nothing_worked_out(rows, groups, truth, threshold=5)
    assert shown_splits(rows) == expected
    if not expected[1] and staff < 5:
        assert "fewer than 5 voted" in html
