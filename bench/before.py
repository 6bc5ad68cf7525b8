"""The code from before this round, measured by this bench on this machine: what "no worse
than before" is judged against.

    DATABASE_URL=postgres://…/bench_before .venv/bin/python -m bench.before [--scale 1]
        [--commit 2148fbd] [--out bench/results.json] [--readme README.md] [--requests 20]
        [--warmup 3] [--throughput-seconds 5]

The performance issue's figures from before this round (``targets.BEFORE``) were taken on
another machine, in an hour its own bench called slow (a bare view of 7.7 to 9.7 ms): a ratio
to a bare view depends on how fast that view is, so ratios taken there and here do not compare.
This measures the code as it stood before the round (``COMMIT``) here, with this bench: it
checks the commit out into a temporary worktree, seeds the empty database at ``DATABASE_URL``
with that code's own ``seed_large`` (``--scale 1``: a board of 2,000 in an organisation of
20,000; ``--scale 10``: 20,000 in 200,000), and runs this bench's pages, people, states and
pairing (``measure.py``, ``pages.py``) against that code under production settings (two-factor
required, the Redis cache), its bare view a plain ``HttpResponse`` through that code's own
middleware, in a process of its own started in the worktree. The figures are written to the
results file under ``before`` with the machine they were taken on; ``targets`` compares today's
figures with them where the same board size was measured on the same machine, and with the
issue's own elsewhere.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The last commit before this round's first (8b9ac14, "Sub-apps become subpackages").
COMMIT = "2148fbd"
# What the worktree's process imports this bench as (its own ``bench`` is that code's).
PACKAGE = "thisbench"
# The "contribution with 10 comments": that code's seed_large made none with more than
# six, so its most commented idea is given ten through its own service before measuring.
FEATURED_COMMENTS = 10

# This bench's own settings and bare view (bench/settings.py, bench/urls.py), imported as
# ``PACKAGE``: the name ``bench`` is that code's own bench there.
SETTINGS = f'''"""This bench's settings for the code measured (bench/before.py)."""
from {PACKAGE}.settings import *  # noqa: F403

ROOT_URLCONF = "{PACKAGE}.urls"
'''


def shims(directory: Path) -> Path:
    """The settings the measured code runs with, and this bench under ``PACKAGE``."""
    (directory / "before_settings.py").write_text(SETTINGS)
    (directory / PACKAGE).symlink_to(ROOT / "bench", target_is_directory=True)
    return directory


def environment(shim: Path, static: Path) -> dict:
    """The measured code's environment: production's settings, this run's secret key, the
    database and Redis given, and the shims importable."""
    inherited = {name: value for name, value in os.environ.items() if name != "CACHE_URL"}
    return {
        **inherited,  # but a CACHE_URL a shell may carry: production's Redis cache, as here
        "DJANGO_SETTINGS_MODULE": "before_settings",
        "PYTHONPATH": str(shim),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "STATIC_ROOT": str(static),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
    }


def in_worktree(worktree: Path, env: dict, *command: str) -> None:
    # This interpreter, with fixed arguments: nothing comes from outside.
    subprocess.run([sys.executable, *command], cwd=worktree, env=env, check=True)  # noqa: S603


def measure_commit(commit: str, *, scale: float, measuring: list[str]) -> dict:
    """Check ``commit`` out, seed the database with its ``seed_large`` and measure it: the
    figures of one size, as ``run.run`` gives them."""
    with tempfile.TemporaryDirectory(prefix="codesign-before-") as temporary:
        temporary = Path(temporary)
        worktree = temporary / "code"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", str(worktree), commit], check=True)  # noqa: S603, S607
        try:
            shim = temporary / "shim"
            shim.mkdir()
            env = environment(shims(shim), temporary / "static")
            in_worktree(worktree, env, "manage.py", "migrate", "--verbosity", "0")
            in_worktree(worktree, env, "manage.py", "collectstatic", "--noinput", "-v", "0")
            in_worktree(worktree, env, "manage.py", "seed_large", "--scale", str(scale))
            figures = temporary / "figures.json"
            in_worktree(
                worktree,
                env,
                "-m",
                f"{PACKAGE}.before",
                "--measure-here",
                str(figures),
                *measuring,
            )
            size = json.loads(figures.read_text())
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(worktree)], check=False)  # noqa: S603, S607
    size["commit"] = commit
    return size


def measure_here(out: Path, *, requests: int, warmup: int, throughput_seconds: float) -> None:
    """Inside the worktree: measure the code there, as ``run.run`` measures this code (its
    pages, and the throughput run), and write the figures to ``out``."""
    from .run import (
        collect_static,
        data_counts,
        machine,
        measure_pages,
        measure_throughput,
        setup_django,
    )

    setup_django()
    collect_static()
    from django.utils import timezone

    from projects.management.commands import seed_large
    from projects.models import Organisation

    from . import pages

    organisation = Organisation.objects.get(name=seed_large.ORGANISATION_NAME)
    project = organisation.projects.get(title=seed_large.LARGE_PROJECT_TITLE)
    with_authenticators(seed_large)
    commented(project, FEATURED_COMMENTS)
    vacuumed()
    scene = pages.scenario(organisation, project, featured_comments=FEATURED_COMMENTS)
    pages.sign_in(scene)
    size = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {"requests": requests, "warmup": warmup},
        "data": data_counts(organisation, project),
        "pages": measure_pages(scene, requests=requests, warmup=warmup),
        "throughput": None,
    }
    if throughput_seconds:
        size["throughput"] = measure_throughput(
            scene, seconds=throughput_seconds, rounds=2, threads=4
        )
    out.write_text(json.dumps(size))


def with_authenticators(seed_large) -> None:
    """Those whose roles need two-factor authentication, each with an authenticator app, as
    this code's ``seed_large`` gives them (that code's gave none: they were sent to set one
    up on every page)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    emails = (seed_large.MANAGER_EMAIL, seed_large.FACILITATOR_EMAIL, seed_large.ADMIN_EMAIL)
    for user in get_user_model().objects.filter(email__in=emails):
        Authenticator.objects.get_or_create(
            user=user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": "not-a-usable-secret"}},
        )


def commented(project, count: int) -> None:
    """The project's most commented idea, with ``count`` comments shown at least: the rest
    added through the code's own service, by its active participants, newest members first."""
    from django.db.models import Count, Q

    from contributions.models import Contribution
    from participants.models import Membership

    from .measure import comment_add

    shown = Q(comments__hidden_at__isnull=True, comments__withdrawn_at__isnull=True)
    idea = (
        Contribution.objects.filter(
            project=project, kind="idea", hidden_at__isnull=True, withdrawn_at__isnull=True
        )
        .annotate(shown=Count("comments", filter=shown))
        .order_by("-shown", "pk")
        .first()
    )
    people = Membership.objects.filter(
        project=project, role="participant", status="active"
    ).order_by("-pk")
    for person in people[: max(0, count - idea.shown)]:
        comment_add()(contribution=idea, author=person, body="Same here, on the ward.")


def vacuumed() -> None:
    """Fresh statistics and visibility maps, as this code's ``seed_large`` leaves them (that
    code's only analysed): both codes measured on tables in the same state."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def keep(out: Path, size: dict) -> dict:
    """The results file with these figures from before under their size (and the targets
    checked again against them)."""
    from . import targets
    from .run import same_machine

    results = json.loads(out.read_text()) if out.exists() else {}
    # Named as this bench names its sizes (seed_large's ``size_label``: 20k, 200k).
    label = f"{size['data']['contributions'] // 1000}k"
    results.setdefault("before", {})[label] = size
    # Compared only with figures of this code taken on the same machine (or, at the next
    # ``bench.run`` here, with those).
    here = same_machine(results.get("machine") or {}, size["machine"])
    results["targets"] = targets.check(results.get("sizes", {}), results["before"] if here else {})
    out.write_text(json.dumps(results, indent=2) + "\n")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=COMMIT, help="the code to measure")
    parser.add_argument("--scale", type=float, default=1, help="its seed_large's --scale")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--readme", type=Path, help="rewrite the figures in this README")
    parser.add_argument("--requests", type=int, default=20, help="timed pairs per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed pairs before them")
    parser.add_argument("--throughput-seconds", type=float, default=0, help="0: no run")
    parser.add_argument("--measure-here", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_here:
        measure_here(
            args.measure_here,
            requests=args.requests,
            warmup=args.warmup,
            throughput_seconds=args.throughput_seconds,
        )
        return
    measuring = [
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        "--throughput-seconds",
        str(args.throughput_seconds),
    ]
    size = measure_commit(args.commit, scale=args.scale, measuring=measuring)
    results = keep(args.out, size)
    if args.readme and results.get("sizes"):
        from .readme import rewrite

        rewrite(args.readme, results)
    print(f"Measured {args.commit} here: written to {args.out} under 'before'.")


if __name__ == "__main__":
    main()
