"""The zero-setup default (`make run`: SQLite, the web server and a worker writing to one
file) never fails a write with "database is locked": two processes that read then write in
transactions at the same time both succeed every time."""

import re
import subprocess
import sys

import pytest

from tests.smoke.support import ROOT, clean_env

pytestmark = pytest.mark.smoke


def test_two_processes_writing_the_sqlite_database_at_once_never_fail(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="codesign.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'codesign.sqlite3'}",
    )
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "audit"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    writers = [
        subprocess.Popen(
            [python, "-m", "tests.smoke.sqlite_writer", "4", name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("web", "worker")
    ]
    results = [writer.communicate(timeout=60) for writer in writers]
    for out, err in results:
        writes, failures = map(int, re.search(r"writes=(\d+) failures=(\d+)", out).groups())
        assert failures == 0, err[-2000:]
        # Both wrote (one may wait its turn behind the other's lock a long while).
        assert writes >= 1
