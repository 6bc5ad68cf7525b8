"""seed_large and a tiny run of the benchmark in bench/, so neither can rot.

Wall-clock targets are not asserted here (the CI machine is shared and noisy); query counts are.
"""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import run as bench
from changes.models import FollowUpCheck, ServiceChange, TimelineEntry
from contributions.models import Comment, Contribution, Support
from participants.models import Constituency, Membership
from projects.management.commands import seed_large
from projects.models import Organisation, OrganisationRole
from sessions.models import Attendance, Recognition, Reply, WorkshopSession

TINY = 0.01


@pytest.fixture
def tiny(db):
    call_command("seed_large", scale=TINY)
    return Organisation.objects.get(name=seed_large.ORGANISATION_NAME)


def test_sizes_scale_down_but_keep_every_kind_of_row():
    full = seed_large.sizes_for(1)
    assert full == seed_large.FULL_SIZE
    assert full["projects"] >= 20 and full["participants"] >= 2000
    assert full["contributions"] >= 20000 and full["sessions"] >= 100 and full["changes"] >= 500
    tiny = seed_large.sizes_for(TINY)
    assert tiny["projects"] == 2 and tiny["contributions"] == 200


def test_seed_large_builds_the_organisation_at_the_asked_size(tiny):
    sizes = seed_large.sizes_for(TINY)
    in_org = {"project__organisation": tiny}
    assert tiny.projects.count() == sizes["projects"]
    assert Contribution.objects.filter(**in_org).count() == sizes["contributions"]
    large = tiny.projects.get(title=seed_large.LARGE_PROJECT_TITLE)
    assert large.contributions.count() == sizes["large_project_contributions"]
    assert WorkshopSession.objects.filter(**in_org).count() == sizes["sessions"]
    assert ServiceChange.objects.filter(**in_org).count() == sizes["changes"]
    members = Membership.objects.filter(**in_org)
    assert (
        members.exclude(user__email=seed_large.FACILITATOR_EMAIL).values("user").distinct().count()
        == sizes["participants"]
    )
    constituencies = set(members.values_list("constituency", flat=True))
    assert {Constituency.SERVICE_USER, Constituency.CARER, Constituency.STAFF} <= constituencies
    assert (
        members.filter(role=Membership.Role.FACILITATOR)
        .exclude(user__email=seed_large.FACILITATOR_EMAIL)
        .exists()
    )
    contributions = Contribution.objects.filter(**in_org)
    assert set(contributions.values_list("kind", flat=True)) == set(Contribution.Kind.values)
    assert contributions.filter(is_anonymous=True).exists()
    assert Comment.objects.filter(contribution__project__organisation=tiny).exists()
    assert Comment.objects.filter(
        contribution__project__organisation=tiny, parent__isnull=False
    ).exists()
    assert Support.objects.filter(contribution__project__organisation=tiny).exists()
    # Supports keep the supporter's constituency, as the service does.
    support = Support.objects.filter(contribution__project__organisation=tiny).first()
    assert support.constituency == support.membership.constituency
    assert Reply.objects.filter(session__project__organisation=tiny).exists()
    assert Attendance.objects.filter(session__project__organisation=tiny).exists()
    recognitions = Recognition.objects.filter(attendance__session__project__organisation=tiny)
    assert recognitions.exists()
    assert not recognitions.filter(attendance__membership__constituency="staff").exists()
    changes = ServiceChange.objects.filter(**in_org)
    assert set(changes.values_list("status", flat=True)) == set(ServiceChange.Status.values)
    assert changes.filter(contributions__isnull=False).exists()
    linked = Contribution.objects.filter(service_changes__project__organisation=tiny)
    assert set(linked.values_list("status", flat=True)) == {Contribution.Status.TAKEN_FORWARD}
    # Each change's timeline starts with "proposed" and ends at its current status.
    for change in changes:
        steps = [e.status for e in TimelineEntry.objects.filter(change=change).order_by("pk")]
        assert steps[0] == ServiceChange.Status.PROPOSED and steps[-1] == change.status
    done = changes.filter(implemented_on__isnull=False)
    assert FollowUpCheck.objects.filter(change__in=done).count() == 3 * done.count()
    # Dates are spread over the organisation's history, not all "now".
    assert contributions.dates("created_at", "month").count() > 1


def test_seed_large_people_have_unusable_passwords_and_the_bench_roles(tiny):
    people = get_user_model().objects.filter(email__endswith="@large.test")
    assert people.exists()
    assert not any(person.has_usable_password() for person in people)
    assert OrganisationRole.objects.filter(
        organisation=tiny, user__email=seed_large.MANAGER_EMAIL, role="manager"
    ).exists()
    facilitating = Membership.objects.filter(
        user__email=seed_large.FACILITATOR_EMAIL, role="facilitator", status="active"
    )
    assert facilitating.count() == tiny.projects.count()


def test_seed_large_twice_changes_nothing(tiny, capsys):
    before = Contribution.objects.count()
    call_command("seed_large", scale=TINY)
    assert "nothing changed" in capsys.readouterr().out
    assert Contribution.objects.count() == before
    assert Organisation.objects.filter(name=seed_large.ORGANISATION_NAME).count() == 1


def test_seed_large_refuses_production_settings(db, settings):
    settings.CODESIGN_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("seed_large", scale=TINY)
    assert not Organisation.objects.filter(name=seed_large.ORGANISATION_NAME).exists()


def test_seed_large_refuses_a_senseless_scale(db):
    with pytest.raises(CommandError, match="scale"):
        call_command("seed_large", scale=0)


def test_bench_needs_the_data(db):
    with pytest.raises(SystemExit, match="seed_large"):
        bench.run(requests=1, warmup=0)


# Committed data, and requests in autocommit, as in production: pages are kept.
@pytest.mark.django_db(transaction=True)
def test_tiny_benchmark_runs_end_to_end_and_query_targets_hold(tiny, tmp_path):
    out = tmp_path / "results.json"
    results = bench.run(requests=3, warmup=1, out=out)
    written = json.loads(out.read_text())
    assert written["data"]["contributions"] == seed_large.sizes_for(TINY)["contributions"]
    pages = written["pages"]
    # The bare view runs no queries of its own: signed out it runs none at all.
    assert pages["bare_signed_out"]["queries"] == 0
    board = pages["board"]
    assert board["requests"] == 3 and board["median_ms"] > 0 and board["ratio_to_bare"] > 0
    # The ratio is to the bare view asked just before each request, by the same person.
    assert board["ratio_to_bare"] == round(board["median_ms"] / board["bare_median_ms"], 1)
    # Kept results cost fewer queries than working them out, which stays under the target.
    assert board["queries"] < pages["board_worked_out"]["queries"] < bench.TARGETS["board_queries"]
    for name in ("project_dashboard", "organisation_dashboard"):
        # Kept figures cost fewer queries than working them out, which stays under the target.
        worked_out = pages[f"{name}_worked_out"]["queries"]
        assert pages[name]["queries"] < worked_out < bench.TARGETS["dashboard_queries"]
    for row in written["targets"]:
        assert set(row) == {"name", "value", "limit", "unit", "met", "note"}
        if row["name"].endswith("queries"):
            assert row["met"] is True, row
    assert set(written["builds"]) == {
        "largest_csv_export",
        "largest_xlsx_export",
        "project_contributions_export",
        "project_contributions_xlsx",
        "project_report_pdf",
        "organisation_report_pdf",
    }
    assert not written["missing"]
    for made in written["builds"].values():
        assert made["seconds"] >= 0 and made["python_peak_mb"] >= 0 and made["bytes"] > 0
    assert "board" in bench.table(results)


def test_tiny_benchmark_organisation_dashboard_meets_its_query_target(tiny):
    results = bench.run(requests=1, warmup=0)
    queries = results["pages"]["organisation_dashboard"]["queries"]
    assert queries < bench.TARGETS["dashboard_queries"]


def test_bench_targets_say_met_missed_or_not_measured():
    results = {
        "data": {"contributions_in_large_project": 2000},
        "pages": {"board": {"ratio_to_bare": 12.0, "queries": 9, "median_ms": 15.0}},
        "builds": {},
    }
    rows = {row["name"]: row["met"] for row in bench.check_targets(results)}
    assert rows["Contribution board, page 1: time against the bare view"] is False
    assert rows["Contribution board, page 1: queries"] is True
    assert rows["Board at 2,000 contributions: median time"] is True
    assert rows["Organisation dashboard: queries"] is None
    assert rows["Largest CSV export: time"] is None


def test_the_readme_figures_are_rewritten_between_the_markers(tmp_path):
    from bench import readme

    results = json.loads((Path(__file__).parent.parent / "bench" / "results.json").read_text())
    page = tmp_path / "README.md"
    page.write_text(f"# Title\n\n{readme.START}\nold figures\n{readme.END}\n\nAfter.\n")
    readme.rewrite(page, results)
    text = page.read_text()
    assert "old figures" not in text
    assert text.startswith("# Title\n\n<!-- bench -->\nFigures of ")
    assert text.endswith("<!-- /bench -->\n\nAfter.\n")
    assert "| Contribution board, 2,000 contributions, page 1, kept |" in text
