"""Reports and exports show a round's split only at the managers' threshold of 5."""

import io

import pytest
from pypdf import PdfReader

from reports import exports, pdf
from reports.models import Report
from tests.round_support import TITLES, assert_nothing_worked_out, round_with_groups, shown_splits

pytestmark = pytest.mark.django_db


def report_for(world, kind="report", file_format="pdf"):
    return Report.objects.create(
        organisation=world.organisation,
        project=world.project,
        kind=kind,
        file_format=file_format,
        request_key=f"test-{kind}",
    )


def pdf_text(world) -> str:
    handle = io.BytesIO()
    pdf.write(report_for(world), handle)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.getvalue())).pages)
    return " ".join(text.split())


def export_rows(world, prioritisation_round):
    header, rows = exports.rounds(report_for(world, "rounds", "csv"))
    assert header[:4] == ["Round", "Project", "Closed on", "Idea"]
    return [
        tuple(str(cell) for cell in row[3:7])
        for row in rows
        if row[0] == prioritisation_round.title and row[3] != "People who voted"
    ]


@pytest.mark.parametrize(
    ("sizes", "in_the_open", "expected"),
    [
        ((5, 3, 0), False, (False, False)),
        ((5, 3, 0), True, (False, False)),
        ((6, 5, 0), False, (True, True)),
        ((6, 5, 1), False, (True, False)),
    ],
)
def test_the_rounds_export_keeps_five(world, sizes, in_the_open, expected):
    su, staff, other = sizes
    prioritisation_round, groups, truth = round_with_groups(
        world.project,
        world.users["facilitator"],
        su=su,
        staff=staff,
        other=other,
        in_the_open=in_the_open,
    )
    rows = export_rows(world, prioritisation_round)
    assert_nothing_worked_out(rows, groups, truth, threshold=5)
    assert shown_splits(rows) == expected


def test_the_pdf_report_keeps_five(world):
    round_with_groups(world.project, world.users["facilitator"], su=5, staff=3, title="Demo-like")
    text = pdf_text(world)
    assert "Prioritisation rounds" in text and "Demo-like" in text
    # Medicines: 10 dots in all, 10 from service users, none from staff; neither is shown.
    section = text.split("Demo-like")[1]
    assert f"{TITLES[0]} 10 not shown fewer than 5 voted" in section
    assert "fewer than 5 voted" in section


def test_the_pdf_report_shows_a_large_round(world):
    round_with_groups(world.project, world.users["facilitator"], su=6, staff=5, title="Big")
    section = pdf_text(world).split("Big")[1]
    # All dots, service users', staff's, then each group's place.
    assert f"{TITLES[0]} 12 12 0 1 3" in section
