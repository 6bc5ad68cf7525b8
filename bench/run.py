"""Run the benchmark on the `seed_large` data of this database and write its figures.

    .venv/bin/python -m bench.run [--size 20k] [--out bench/results.json] [--readme README.md]
        [--requests 20] [--warmup 3] [--throughput-seconds 5] [--rounds 2] [--no-builds]
        [--reminders 10000]
        [--note "why these figures may be off"]

The size measured is the one the database holds (`seed_large --size`); its figures replace
that size's in the results file and the other sizes measured on the same commit are kept, so
a run at 20k and one at 200k (in two databases) make one file. See bench/__init__.py for what
it measures.
"""

import argparse
import gc
import json
import os
import platform
import resource
import secrets
import sys
import time
import tracemalloc
from pathlib import Path

from . import measure, pages, targets

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"


def setup_django(environ=os.environ):
    """Production's settings (bench/settings.py) and the environment they ask for."""
    environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # A key of the run's own: sessions made here are read by the gunicorn it starts.
    environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    # Production's Redis cache, never a CACHE_URL a shell may carry.
    environ.pop("CACHE_URL", None)
    environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench" / "static"))
    import django

    django.setup()
    try:
        from codesign import garbage
    except ImportError:  # the code before this round (bench.before): Python's own settings
        return
    # As the site's web processes collect garbage (codesign/wsgi.py): the pages measured here
    # are theirs.
    garbage.for_requests()


def collect_static() -> None:
    """Production's static files storage needs its manifest: collect once (and after changes)."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.STORAGES["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage"):
        call_command("collectstatic", interactive=False, verbosity=0)


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


def measure_call(build) -> dict:
    """Time, queries and peak memory of one call; tracemalloc's peak from a second call
    (tracing slows Python down, so it is kept out of the timed run)."""
    gc.collect()
    reset = rss_reset_peak()
    rss_before = rss_mb("VmRSS")
    with measure.counting_queries() as counter:
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


def data_counts(organisation, project) -> dict:
    from contributions.models import Comment, Contribution, Support
    from participants.models import Membership
    from sessions.models import WorkshopSession

    in_org = {"project__organisation": organisation}
    return {
        "projects": organisation.projects.count(),
        "participants": Membership.objects.filter(**in_org).values("user").distinct().count(),
        "contributions": Contribution.objects.filter(**in_org).count(),
        "contributions_in_large_project": project.contributions.count(),
        "touchpoints_in_large_project": project.contributions.filter(
            kind=Contribution.Kind.TOUCHPOINT
        ).count(),
        "comments": Comment.objects.filter(
            contribution__project__organisation=organisation
        ).count(),
        "supports": Support.objects.filter(
            contribution__project__organisation=organisation
        ).count(),
        "sessions": WorkshopSession.objects.filter(**in_org).count(),
    }


# What tells one machine from another (``same_machine``).
MACHINE = ("cpus", "platform", "python", "database")


def machine() -> dict:
    import django
    from django.conf import settings
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
        "settings": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "two_factor_required": settings.CODESIGN_REQUIRE_MFA,
        "debug": settings.DEBUG,
    }


def measure_pages(scene, *, requests: int, warmup: int) -> dict:
    """Every page, as each of its roles, in each state (bench/measure.py)."""
    from django.core.cache import cache
    from django.urls import reverse

    bare_url = reverse("bench-bare")
    measured = {}
    for role, client in scene.clients.items():
        for key, url in pages.urls(scene, role).items():
            ideas = [scene.featured] if key == "contribution" else None
            writer = measure.writer_for(scene.project, excluded_users=scene.others(), ideas=ideas)
            # Comments on the project's first ideas, never on the contribution measured, which
            # keeps its ten.
            commenter = measure.writer_for(
                scene.project,
                excluded_users=scene.others(),
                kinds=("comment",),
                not_on=[scene.featured],
            )
            before = {
                "kept": None,
                "after_write": writer,
                "after_comment": commenter,
                "nothing_kept": cache.clear,
            }
            for state in measure.STATES:
                page = measure.measure_page(
                    client,
                    url,
                    bare_url=bare_url,
                    requests=requests,
                    warmup=warmup,
                    before_each=before[state],
                )
                page.update(role=role, page=key, state=state)
                if state in ("after_write", "after_comment"):
                    page["writes"] = before[state].writes
                    page["writers"] = sorted(before[state].writers)
                measured[f"{role}.{key}.{state}"] = page
    return measured


def measure_throughput(scene, *, seconds, rounds, threads) -> dict:
    from django.urls import reverse

    from . import throughput

    people = pages.participants_for_load(scene.project, 50)
    # Two writes a second: a support and a comment, in turn.
    writer = measure.writer_for(
        scene.project,
        excluded_users=[*people, *scene.others()],
        kinds=("support", "comment"),
        not_on=[scene.featured],
    )
    log = ROOT / "var" / "bench" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    return throughput.run(
        board_url=reverse("contributions:board", args=[scene.project.pk]),
        bare_url=reverse("bench-bare"),
        users=people,
        writer=writer,
        seconds=seconds,
        rounds=rounds,
        threads=threads,
        log=log,
    )


def run(
    *,
    requests: int = 20,
    warmup: int = 3,
    out: Path | None = None,
    throughput_seconds: float = 0,
    rounds: int = 2,
    threads: int = 4,
    builds: bool = True,
    reminders: int = 10_000,
    note: str = "",
) -> dict:
    """Measure the size this database holds, merge it into ``out`` and check the targets."""
    from django.utils import timezone

    from projects.management.commands import seed_large
    from projects.models import Organisation

    organisation = Organisation.objects.filter(name=seed_large.ORGANISATION_NAME).first()
    if organisation is None:
        raise SystemExit("No benchmark data: run `python manage.py seed_large` first.")
    project = organisation.projects.get(title=seed_large.LARGE_PROJECT_TITLE)
    load_before = os.getloadavg()
    data = data_counts(organisation, project)
    label = seed_large.size_label(data["contributions"])
    scene = pages.scenario(organisation, project)
    pages.sign_in(scene)
    size = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "commit": current_commit(),
        "settings": {"requests": requests, "warmup": warmup},
        "data": data,
        "pages": measure_pages(scene, requests=requests, warmup=warmup),
        "throughput": None,
        "builds": {},
    }
    if throughput_seconds:
        size["throughput"] = measure_throughput(
            scene, seconds=throughput_seconds, rounds=rounds, threads=threads
        )
    if builds:
        for name, build in export_builds(organisation, project):
            size["builds"][name] = measure_call(build)
    if reminders:
        from .reminders import measure_reminders

        size["reminders"] = measure_reminders(project, count=reminders)
    size["load_average"] = {"before": load_before, "after": os.getloadavg()}
    size["note"] = note
    results = merge(out, label, size)
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n")
    return results


def current_commit() -> str | None:
    """The commit of the code measured, if this is a git checkout."""
    import subprocess

    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 (git from the PATH, as make does)
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return found.stdout.strip() or None


def merge(out: Path | None, label: str, size: dict) -> dict:
    """This size's figures, beside the other sizes already in the results file that were
    measured on the same code (others are dropped: sizes are compared with each other)."""
    results = {}
    if out is not None and out.exists():
        try:
            results = json.loads(out.read_text())
        except ValueError:
            results = {}
    sizes = results.get("sizes", {}) if isinstance(results.get("sizes"), dict) else {}
    for other in list(sizes):
        if other != label and (not size["commit"] or sizes[other].get("commit") != size["commit"]):
            print(f"{other}: measured on other code, left out of {out}", file=sys.stderr)
            del sizes[other]
    sizes[label] = size
    here = machine()
    # The code before this round measured on this machine (bench/before.py) is kept; measured
    # on another, it does not compare with these figures and goes.
    before = {
        other: then
        for other, then in (results.get("before") or {}).items()
        if same_machine(then.get("machine") or {}, here)
    }
    return {
        "generated_at": size["generated_at"],
        "machine": here,
        "sizes": dict(sorted(sizes.items(), key=lambda item: item[1]["data"]["contributions"])),
        "before": before,
        "targets": targets.check(sizes, before),
    }


def same_machine(one: dict, other: dict) -> bool:
    """Whether two sets of figures were taken on the same machine and software beneath."""
    return all(one.get(name) == other.get(name) for name in MACHINE)


def export_builds(organisation, project):
    """The exports and reports to measure, as (name, a call returning the bytes written),
    each built as the worker builds it (``reports.builders.build``) into a temporary file."""
    import tempfile

    from reports import builders
    from reports.models import Report

    def make(kind, file_format, of_project):
        report = Report(
            organisation=organisation, project=of_project, kind=kind, file_format=file_format
        )

        def build():
            with tempfile.TemporaryFile() as handle:
                builders.build(report, handle)
                return handle.tell()

        return build

    return [
        ("largest_csv_export", make("contributions", "csv", None)),
        ("largest_xlsx_export", make("contributions", "xlsx", None)),
        ("project_contributions_export", make("contributions", "csv", project)),
        ("project_report_pdf", make("report", "pdf", project)),
        ("organisation_report_pdf", make("report", "pdf", None)),
    ]


def table(results: dict) -> str:
    """The figures as text: each size's pages, throughput and builds, then every target."""
    lines = []
    for label, size in results["sizes"].items():
        data = size["data"]
        lines.append(
            f"== {label}: organisation of {data['contributions']:,} contributions, board of "
            f"{data['contributions_in_large_project']:,}, {data['touchpoints_in_large_project']:,}"
            f" touchpoints ({size['generated_at']}) =="
        )
        lines.append(f"{'page':46} {'ms':>8} {'bare':>6} {'× bare':>7} {'queries':>8}")
        for key, page in size["pages"].items():
            lines.append(
                f"{key:46} {page['median_ms']:>8} {page['bare_median_ms']:>6} "
                f"{page['ratio_to_bare']:>7} {page['queries']:>8}"
            )
        for name, figures in (size.get("throughput") or {}).items():
            if isinstance(figures, dict):
                lines.append(
                    f"throughput {name}: board {figures['board_per_second']}/s, bare "
                    f"{figures['bare_per_second']}/s, ratio {figures['ratio_to_bare']}"
                )
        if size.get("reminders"):
            sent = size["reminders"]
            lines.append(
                f"reminders: {sent['written']:,} of {sent['replies']:,} in {sent['seconds']} s, "
                f"{sent['queries']} queries, {sent['written_again']} written again"
            )
        for name, made in size["builds"].items():
            lines.append(
                f"{name:30} {made['seconds']:>8} s {made['queries']:>4} queries "
                f"{made['peak_rss_mb']:>7} MB"
            )
        lines.append("")
    for row in results["targets"]:
        at = f" at {row['at']}" if row["at"] else ""
        note = f" ({row['note']})" if row["note"] else ""
        lines.append(
            f"{targets.verdict(row):13} {row['name']}: {row['value']}{at}, "
            f"limit {'≥' if row['at_least'] else '≤'} {row['limit']}{note}"
        )
    lines.append(targets.summary(results["targets"]))
    lines.append("")
    lines.append(f"{'before this round, and now':48} {'× before':>9} {'× now':>9}  before from")
    for row in targets.before_and_now(results["sizes"], results.get("before")):
        board = f" ({row['board']:,})" if row["board"] else ""
        now = row.get("ratio_now", "-")
        worse = "  worse" if row.get("worse") else ""
        lines.append(
            f"{row['label'] + board:48} {row['ratio_before']:>9} {now:>9}  {row['source']}{worse}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--readme", type=Path, help="rewrite the figures in this README")
    parser.add_argument("--requests", type=int, default=20, help="timed pairs per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed pairs before them")
    parser.add_argument(
        "--throughput-seconds", type=float, default=5, help="each load phase (0: no run)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="load phases of each kind")
    parser.add_argument("--threads", type=int, default=4, help="threads making the load")
    parser.add_argument("--no-builds", action="store_true", help="skip exports and reports")
    parser.add_argument(
        "--reminders", type=int, default=10_000, help="reminders to send, rolled back (0: none)"
    )
    parser.add_argument("--note", default="", help="said beside these figures (a busy machine)")
    parser.add_argument(
        "--size",
        help="2k, 20k or 200k: migrate and seed this database at that size first (nothing to do "
        "when it holds it already; refused when it holds another)",
    )
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Warning: the figures mean most on PostgreSQL (set DATABASE_URL).", file=sys.stderr)
    if args.size:
        call_command("migrate", verbosity=0)
        call_command("seed_large", size=args.size)
    collect_static()
    results = run(
        requests=args.requests,
        warmup=args.warmup,
        out=args.out,
        throughput_seconds=args.throughput_seconds,
        rounds=args.rounds,
        threads=args.threads,
        builds=not args.no_builds,
        reminders=args.reminders,
        note=args.note,
    )
    print(table(results))
    print(f"\nFigures written to {args.out}")
    if args.readme:
        from . import readme

        readme.rewrite(args.readme, results)
        print(f"and to {args.readme}")


if __name__ == "__main__":
    main()
