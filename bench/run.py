"""Run the benchmark on the `seed_large` data and write its figures (see bench/__init__.py).

.venv/bin/python -m bench.run --out bench/results.json [--readme README.md] [--requests 20]
    [--warmup 5]
"""

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

MB = 1024 * 1024
TARGETS = {
    "ratio_to_bare": 10,
    "dashboard_queries": 25,
    "board_queries": 15,
    "board_ms": 20,
    "largest_export_seconds": 60,
    "largest_export_peak_mb": 300,
    "export_2000_seconds": 1,
}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings.dev")
    # As in production: templates compiled without debug information, queries not recorded.
    os.environ.setdefault("DEBUG", "false")
    # A cache of its own, in memory: the "worked out" variants empty it before each request,
    # which must not empty the folder a development server shares with its worker.
    os.environ.setdefault("CACHE_URL", "locmemcache://bench")
    import django

    django.setup()


class QueryCounter:
    """Count the queries run on a connection, cheaply enough to leave on while timing."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        # Savepoints appear only when a caller (such as a test) already holds a transaction.
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def rss_reset_peak() -> bool:
    """Reset the kernel's record of this process's peak resident memory (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def rss_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) * 1024 / MB, 1)
    except OSError:
        pass
    if field == "VmHWM":
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB, 1)
    return None


def timed_get(client, url: str):
    """One request: (milliseconds, queries, response)."""
    with counting_queries() as counter:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    check_ok(response, url)
    return elapsed * 1000, counter.count, response


def measure_page(
    client, url: str, *, requests: int, warmup: int, before_each=None, beside: str = ""
) -> dict:
    """Median server time after warm-up, and the queries of one request.

    ``before_each`` runs, untimed, before every request (to empty the cache, say). With
    ``beside`` (the bare view's URL), each request is paired with one to the bare view made
    just before it, so that the ratio compares the two at the same moments of a machine whose
    speed varies (a shared virtual machine's neighbours)."""
    for _ in range(warmup):
        if beside:
            timed_get(client, beside)
        check_ok(client.get(url), url)
    times, bare_times, queries = [], [], set()
    for _ in range(requests):
        if beside:
            bare_times.append(timed_get(client, beside)[0])
        if before_each is not None:
            before_each()
        elapsed, count, response = timed_get(client, url)
        times.append(elapsed)
        queries.add(count)
    page = {
        "url": url,
        "requests": requests,
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        # The session is saved on some requests and not others (once a second at most).
        "queries": max(queries),
        "bytes": len(response.content),
    }
    if beside:
        page["bare_median_ms"] = round(statistics.median(bare_times), 2)
        page["ratio_to_bare"] = round(page["median_ms"] / page["bare_median_ms"], 1)
    return page


def check_ok(response, url):
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}; the benchmark needs 200.")


def measure_call(build) -> dict:
    """Time, queries and peak memory of one call; tracemalloc's peak from a second call
    (tracing slows Python down, so it is kept out of the timed run)."""
    gc.collect()
    reset = rss_reset_peak()
    rss_before = rss_mb("VmRSS")
    with counting_queries() as counter:
        start = time.perf_counter()
        size = build()
        seconds = time.perf_counter() - start
    peak_rss = rss_mb("VmHWM")
    gc.collect()
    tracemalloc.start()
    build()
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 3),
        "queries": counter.count,
        "bytes": size,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss,
        "peak_rss_is_since_start": not reset,
        "python_peak_mb": round(python_peak / MB, 1),
    }


def target(name, value, limit, *, unit, note=""):
    met = None if value is None else value < limit
    return {"name": name, "value": value, "limit": limit, "unit": unit, "met": met, "note": note}


def data_counts(organisation, large_project) -> dict:
    from changes.models import ServiceChange
    from contributions.models import Comment, Contribution, Support
    from participants.models import Membership
    from sessions.models import WorkshopSession

    in_org = {"project__organisation": organisation}
    return {
        "projects": organisation.projects.count(),
        "participants": Membership.objects.filter(**in_org).values("user").distinct().count(),
        "contributions": Contribution.objects.filter(**in_org).count(),
        "contributions_in_large_project": large_project.contributions.count(),
        "comments": Comment.objects.filter(
            contribution__project__organisation=organisation
        ).count(),
        "supports": Support.objects.filter(
            contribution__project__organisation=organisation
        ).count(),
        "sessions": WorkshopSession.objects.filter(**in_org).count(),
        "service_changes": ServiceChange.objects.filter(**in_org).count(),
    }


def machine() -> dict:
    import django
    from django.db import connection

    database = connection.vendor
    if database == "postgresql":
        version = connection.pg_version
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
    }


def run(*, requests: int = 20, warmup: int = 5, out: Path | None = None) -> dict:
    """Measure everything, check the targets, and write the figures to `out` if given."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from projects.management.commands import seed_large
    from projects.models import Organisation

    User = get_user_model()
    organisation = Organisation.objects.filter(name=seed_large.ORGANISATION_NAME).first()
    if organisation is None:
        raise SystemExit("No benchmark data: run `python manage.py seed_large` first.")
    large_project = organisation.projects.get(title=seed_large.LARGE_PROJECT_TITLE)
    results = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {"requests": requests, "warmup": warmup},
        "data": data_counts(organisation, large_project),
        "pages": {},
        "builds": {},
        "missing": [],
        "targets": [],
    }
    clients = {}
    for role, email in (
        ("manager", seed_large.MANAGER_EMAIL),
        ("facilitator", seed_large.FACILITATOR_EMAIL),
    ):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(email=email))
    pages = [
        ("organisation_dashboard", "manager", "dashboards:organisation", organisation.pk),
        ("project_dashboard", "facilitator", "dashboards:project", large_project.pk),
        ("board", "facilitator", "contributions:board", large_project.pk),
    ]
    with override_settings(
        ROOT_URLCONF="bench.urls",
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        CODESIGN_REQUIRE_MFA=False,
    ):
        measured = results["pages"]
        for role, client in clients.items():
            measured[f"bare_{role}"] = measure_page(
                client, reverse("bench-bare"), requests=requests, warmup=warmup
            )
        measured["bare_signed_out"] = measure_page(
            Client(), reverse("bench-bare"), requests=requests, warmup=warmup
        )
        for name, role, url_name, pk in pages:
            try:
                url = reverse(url_name, args=[pk])
            except NoReverseMatch:
                results["missing"].append(f"{name} ({url_name} is not defined yet)")
                continue
            # Figures and the board's results are kept until the content of a project they
            # show changes (codesign.content): with nothing kept, as on the first view after a
            # write, the view works them out and renders them.
            variants = [(name, None), (f"{name}_worked_out", cache.clear)]
            for variant, before_each in variants:
                page = measure_page(
                    clients[role],
                    url,
                    requests=requests,
                    warmup=warmup,
                    before_each=before_each,
                    beside=reverse("bench-bare"),
                )
                page["signed_in_as"] = role
                measured[variant] = page
        for name, build in builds(organisation, large_project):
            if build is None:
                results["missing"].append(name)
                continue
            results["builds"][name] = measure_call(build)
    results["targets"] = check_targets(results)
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n")
    return results


def builds(organisation, large_project):
    """The exports and reports to measure, as (name, a call returning the bytes written).

    Each builds the file as the worker does (``reports.builders.build``) into a temporary
    file: the organisation's contributions (the largest export), the large project's
    contributions as CSV and XLSX, and the project and organisation reports as PDF.
    """
    import tempfile

    from reports import builders
    from reports.models import Report

    def make(kind, file_format, project):
        report = Report(
            organisation=organisation, project=project, kind=kind, file_format=file_format
        )

        def build():
            with tempfile.TemporaryFile() as handle:
                builders.build(report, handle)
                return handle.tell()

        return build

    return [
        ("largest_csv_export", make("contributions", "csv", None)),
        ("largest_xlsx_export", make("contributions", "xlsx", None)),
        ("project_contributions_export", make("contributions", "csv", large_project)),
        ("project_contributions_xlsx", make("contributions", "xlsx", large_project)),
        ("project_report_pdf", make("report", "pdf", large_project)),
        ("organisation_report_pdf", make("report", "pdf", None)),
    ]


def check_targets(results) -> list[dict]:
    pages, made = results["pages"], results["builds"]

    def page(name, key):
        return pages.get(name, {}).get(key)

    def build(name, key):
        return made.get(name, {}).get(key)

    rows = []
    for name, label, query_limit in (
        ("organisation_dashboard", "Organisation dashboard", TARGETS["dashboard_queries"]),
        ("project_dashboard", "Project dashboard", TARGETS["dashboard_queries"]),
        ("board", "Contribution board, page 1", TARGETS["board_queries"]),
    ):
        rows.append(
            target(
                f"{label}: time against the bare view",
                page(name, "ratio_to_bare"),
                TARGETS["ratio_to_bare"],
                unit="times",
            )
        )
        rows.append(target(f"{label}: queries", page(name, "queries"), query_limit, unit=""))
    for name, label, query_limit in (
        (
            "organisation_dashboard_worked_out",
            "Organisation dashboard, figures worked out",
            TARGETS["dashboard_queries"],
        ),
        (
            "project_dashboard_worked_out",
            "Project dashboard, figures worked out",
            TARGETS["dashboard_queries"],
        ),
        ("board_worked_out", "Contribution board, worked out", TARGETS["board_queries"]),
    ):
        rows.append(target(f"{label}: queries", page(name, "queries"), query_limit, unit=""))
    size = results["data"]["contributions_in_large_project"]
    rows.append(
        target(
            f"Board at {size:,} contributions: median time",
            page("board", "median_ms"),
            TARGETS["board_ms"],
            unit="ms",
        )
    )
    rows.append(
        target(
            "Largest CSV export: time",
            build("largest_csv_export", "seconds"),
            TARGETS["largest_export_seconds"],
            unit="s",
        )
    )
    rows.append(
        target(
            "Largest CSV export: peak memory of the process",
            build("largest_csv_export", "peak_rss_mb"),
            TARGETS["largest_export_peak_mb"],
            unit="MB",
        )
    )
    rows.append(
        target(
            f"Export of {size:,} contributions: time",
            build("project_contributions_export", "seconds"),
            TARGETS["export_2000_seconds"],
            unit="s",
        )
    )
    return rows


def table(results) -> str:
    lines = [
        f"{'page':34} {'median ms':>10} {'queries':>8} {'bare ms':>8} {'× bare':>7}",
    ]
    for name, page in results["pages"].items():
        ratio, bare = page.get("ratio_to_bare", ""), page.get("bare_median_ms", "")
        lines.append(f"{name:34} {page['median_ms']:>10} {page['queries']:>8} {bare:>8} {ratio:>7}")
    if results["builds"]:
        lines.append("")
        lines.append(
            f"{'build':28} {'seconds':>10} {'queries':>8} {'peak RSS MB':>12} {'py peak MB':>11}"
        )
        for name, made in results["builds"].items():
            lines.append(
                f"{name:28} {made['seconds']:>10} {made['queries']:>8} "
                f"{made['peak_rss_mb']:>12} {made['python_peak_mb']:>11}"
            )
    lines.append("")
    for row in results["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[row["met"]]
        lines.append(f"{verdict:13} {row['name']}: {row['value']} (limit {row['limit']})")
    for name in results["missing"]:
        lines.append(f"not measured  {name}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--readme", type=Path, help="rewrite the figures in this README")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Warning: the figures mean most on PostgreSQL (set DATABASE_URL).", file=sys.stderr)
    results = run(requests=args.requests, warmup=args.warmup, out=args.out)
    print(table(results))
    print(f"\nFigures written to {args.out}")
    if args.readme:
        from bench import readme

        readme.rewrite(args.readme, results)
        print(f"and to {args.readme}")


if __name__ == "__main__":
    main()
