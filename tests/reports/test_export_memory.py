"""Exports write in chunks: memory stays flat as the number of rows grows."""

import tempfile
import tracemalloc

import pytest

from contributions.models import Contribution
from participants.models import Constituency
from reports import builders, exports
from reports.models import Report
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def add_contributions(project, members, n):
    Contribution.objects.bulk_create(
        Contribution(
            project=project,
            author=members[i % len(members)],
            constituency=members[i % len(members)].constituency,
            kind=Contribution.Kind.IDEA,
            title=f"Idea number {i} about the discharge lounge",
            body="Give people their medicines the day before they go home. " * 4,
        )
        for i in range(n)
    )


def peak_bytes(report) -> tuple[int, int]:
    with tempfile.TemporaryFile() as handle:
        tracemalloc.start()
        try:
            rows = builders.build(report, handle)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return rows, peak


@pytest.mark.parametrize(
    "file_format, chunk, small", [("csv", 500, 1500), ("xlsx", 200, 600)], ids=["csv", "xlsx"]
)
def test_memory_stays_flat_with_four_times_the_rows(world, file_format, chunk, small, monkeypatch):
    # Smaller chunks than in production, so that both sizes span several of them quickly
    # (tracemalloc slows Python down several times).
    monkeypatch.setattr(exports, "CHUNK", chunk)
    members = [
        MembershipFactory(project=world.project, constituency=constituency)
        for constituency in (Constituency.SERVICE_USER, Constituency.STAFF, Constituency.CARER)
    ]
    report = Report(
        organisation=world.organisation,
        project=world.project,
        kind=Report.Kind.CONTRIBUTIONS,
        file_format=file_format,
    )
    add_contributions(world.project, members, small)
    rows_small, peak_small = peak_bytes(report)
    add_contributions(world.project, members, 3 * small)
    rows_large, peak_large = peak_bytes(report)
    assert (rows_small, rows_large) == (small, 4 * small)
    # Four times the rows; if the export held them all, the peak would grow about fourfold.
    assert peak_large < peak_small * 1.5, (peak_small, peak_large)
    assert peak_large < 20 * 1024 * 1024
