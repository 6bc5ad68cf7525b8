"""A reminder through a real Celery worker on Redis arrives once, however often the task runs.

The worker runs the dev settings in its own process, on a database of its own (a fresh
PostgreSQL database when DATABASE_URL is PostgreSQL, else a SQLite file), its own Redis database
number and queue, and sends to an SMTP server on loopback.
"""

import email
import os
import re
from email import policy

import pytest

from tests.smoke.support import (
    BIN,
    clean_env,
    fresh_postgres_database,
    manage,
    private_redis_queue,
    wait_until,
)

pytestmark = pytest.mark.smoke

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
# Not 0 (what people use by hand) nor 9 (the production-shape smoke test).
REMINDERS_REDIS_DB = "12"
RECIPIENT = "reminded@example.org"

CREATE_SESSION = f"""
from datetime import timedelta
from django.utils import timezone
from sessions.models import AgendaItem
from tests.factories import (
    MembershipFactory, ProjectFactory, ReplyFactory, UserFactory, WorkshopSessionFactory
)
project = ProjectFactory(title="Going home from Ward 7")
member = MembershipFactory(project=project, user=UserFactory(email="{RECIPIENT}"))
MembershipFactory(project=project, user=UserFactory(email="not-going@example.org"))
starts_at = timezone.now() + timedelta(hours=1)
session = WorkshopSessionFactory(
    project=project,
    title="Discharge letters",
    starts_at=starts_at,
    ends_at=starts_at + timedelta(hours=2),
    reminder_offsets=[2],
)
AgendaItem.objects.create(session=session, order=1, title="Read the letter together")
ReplyFactory(session=session, membership=member, answer="going")
"""
RUN_TASK = (
    "from sessions.tasks import session_reminders_send_task; session_reminders_send_task.delay()"
)
STATE = (
    "from sessions.models import Reminder; "
    "print(sorted((r.offset_hours, r.message.to, r.message.status) "
    "for r in Reminder.objects.select_related('message')))"
)
TASK_SUCCEEDED = re.compile(r"Task sessions\.tasks\.session_reminders_send_task\[[^]]+\] succeeded")


@pytest.fixture
def worker_database(tmp_path):
    """A database for the worker: a new PostgreSQL one (dropped at the end) or a SQLite file."""
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'reminders.sqlite3'}"
        return
    with fresh_postgres_database(DATABASE_URL, "codesign_reminders") as url:
        yield url


@pytest.fixture
def worker_redis():
    """A Redis database number and a queue of their own."""
    if not REDIS_URL:
        pytest.skip("Needs Redis: set REDIS_URL=redis://... to run a real Celery worker.")
    with private_redis_queue(REDIS_URL, db=REMINDERS_REDIS_DB, prefix="reminders") as pair:
        yield pair


def test_a_reminder_sent_by_a_real_worker_arrives_once(
    tmp_path, worker_redis, worker_database, mailbox, processes
):
    redis_url, queue = worker_redis
    kept, smtp_port = mailbox
    env = clean_env(
        DJANGO_SETTINGS_MODULE="codesign.settings.dev",
        DATABASE_URL=worker_database,
        REDIS_URL=redis_url,
        CELERY_QUEUE=queue,
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
    )
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", CREATE_SESSION, env=env)
    processes.start(
        "worker",
        [
            str(BIN / "celery"),
            "-A",
            "codesign",
            "worker",
            "-P",
            "solo",
            "--loglevel=INFO",
            "-n",
            f"{queue}@%h",
        ],
        env,
    )

    def runs_done():
        processes.assert_alive()
        return len(TASK_SUCCEEDED.findall(processes.log("worker")))

    # Two beats, or a redelivery: the task runs twice, through Redis, in the worker.
    manage("shell", "-c", RUN_TASK, env=env)
    manage("shell", "-c", RUN_TASK, env=env)

    def delivered():
        processes.assert_alive()
        return kept.to(RECIPIENT)

    received = wait_until(
        delivered,
        timeout=60,
        message=lambda: f"no reminder reached the SMTP server\n{processes.logs()}",
    )
    wait_until(
        lambda: runs_done() >= 2,
        timeout=30,
        message=lambda: f"the worker did not run the task twice\n{processes.logs()}",
    )
    manage("shell", "-c", RUN_TASK, env=env)
    wait_until(
        lambda: runs_done() >= 3,
        timeout=30,
        message=lambda: f"the worker did not run the task again\n{processes.logs()}",
    )

    assert len(kept.to(RECIPIENT)) == 1
    assert kept.to("not-going@example.org") == []
    message = email.message_from_bytes(received[0].original_content, policy=policy.default)
    assert message["Subject"].startswith("Reminder: Discharge letters")
    assert "Read the letter together" in message.get_body(("plain",)).get_content()
    assert [part.get_content_type() for part in message.iter_attachments()] == ["text/calendar"]
    state = manage("shell", "-c", STATE, env=env).splitlines()[-1]
    assert state == f"[(2, '{RECIPIENT}', 'sent')]"
