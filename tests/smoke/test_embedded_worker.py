"""The `make run` shape: dev settings, SQLite, no Redis, one Celery worker with embedded beat
on kombu's filesystem transport, delivering an outbox email to a real SMTP server."""

import secrets

import pytest

from .support import (
    BIN,
    assert_one_email_delivered_once,
    clean_env,
    manage,
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

    assert_one_email_delivered_once(
        mailbox=mailbox, processes=processes, env=env, beat_process="worker"
    )
