"""The `make run` shape: dev settings, SQLite, no Redis, one Celery worker with embedded beat
on kombu's filesystem transport, delivering an outbox email to a real SMTP server."""

import secrets

import pytest

from .support import (
    BIN,
    OUTBOX_STATUSES,
    SWEEP_SENT,
    WRITE_ONE_EMAIL,
    clean_env,
    manage,
    wait_until,
)

pytestmark = pytest.mark.smoke


def test_embedded_worker_delivers_an_outbox_email_once(tmp_path, smtp_server, processes):
    mailbox, smtp_port = smtp_server
    env = clean_env(
        DJANGO_SETTINGS_MODULE="codesign.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'codesign.sqlite3'}",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        CELERY_QUEUE=f"smoke-{secrets.token_hex(4)}",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        OUTBOX_SWEEP_SECONDS="1",
    )
    assert "REDIS_URL" not in env

    manage("migrate", "--noinput", env=env)
    processes.start(
        "worker",
        [
            str(BIN / "celery"),
            "-A",
            "codesign",
            "worker",
            "--beat",
            "-P",
            "solo",
            "--loglevel=INFO",
            "-n",
            f"smoke-embedded-{secrets.token_hex(4)}@%h",
        ],
        env,
    )

    manage("shell", "-c", WRITE_ONE_EMAIL, env=env)

    def delivered():
        processes.assert_alive()
        return mailbox.to("smoke@example.org")

    received = wait_until(
        delivered,
        timeout=30,
        message=lambda: f"no email reached the SMTP server\n{processes.logs()}",
    )
    assert len(received) == 1
    assert b"Subject: Smoke" in received[0].original_content
    assert b"hello" in received[0].original_content

    # Let beat sweep a few more times: the message must not be sent again.
    sweeps_at_delivery = processes.log("worker").count(SWEEP_SENT)
    wait_until(
        lambda: processes.log("worker").count(SWEEP_SENT) >= sweeps_at_delivery + 3,
        timeout=15,
        message=lambda: f"beat stopped sweeping\n{processes.logs()}",
    )
    assert len(mailbox.to("smoke@example.org")) == 1
    assert manage("shell", "-c", OUTBOX_STATUSES, env=env).splitlines()[-1] == "['sent']"
