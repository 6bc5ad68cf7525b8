"""The docker-compose shape without Docker: production settings on a fresh PostgreSQL database,
gunicorn, one Celery worker and one beat on Redis, and an outbox email delivered once to a real
SMTP server."""

import os
import re
import secrets

import pytest

from .support import (
    BIN,
    assert_one_email_delivered_once,
    clean_env,
    free_port,
    fresh_postgres_database,
    http_get,
    manage,
    private_redis_queue,
    wait_until,
)

pytestmark = pytest.mark.smoke

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
SMOKE_REDIS_DB = "9"


@pytest.fixture
def smoke_database():
    """A new PostgreSQL database on DATABASE_URL's server, dropped at the end."""
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")) or not REDIS_URL:
        pytest.skip(
            "Production-shape smoke test needs PostgreSQL and Redis: set "
            "DATABASE_URL=postgres://... and REDIS_URL=redis://... (CI sets both)."
        )
    with fresh_postgres_database(DATABASE_URL, "codesign_smoke") as url:
        yield url


@pytest.fixture
def smoke_redis(smoke_database):
    """A Redis database and a queue of their own, so nothing else sees these tasks."""
    with private_redis_queue(REDIS_URL, db=SMOKE_REDIS_DB, prefix="smoke") as url_and_queue:
        yield url_and_queue


def test_production_shape_serves_pages_and_delivers_email_once(
    tmp_path, smoke_database, smoke_redis, smtp_server, processes
):
    mailbox, smtp_port = smtp_server
    redis_url, queue = smoke_redis
    env = clean_env(
        DJANGO_SETTINGS_MODULE="codesign.settings.production",
        DATABASE_URL=smoke_database,
        REDIS_URL=redis_url,
        CELERY_QUEUE=queue,
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS="https://127.0.0.1,https://localhost",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        OUTBOX_SWEEP_SECONDS="1",
        STATIC_ROOT=str(tmp_path / "staticfiles"),
    )

    # What the web container runs before gunicorn (never seed_demo: it refuses production).
    manage("migrate", "--noinput", env=env)
    manage("createcachetable", env=env)
    manage("collectstatic", "--noinput", env=env)

    port = free_port()
    processes.start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "codesign.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ],
        env,
    )
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
    processes.start("beat", [str(BIN / "celery"), "-A", "codesign", "beat", "--loglevel=INFO"], env)

    # The container health check: plain HTTP to /healthz answers even with the HTTPS redirect.
    def healthy():
        processes.assert_alive()
        response = http_get(port, "/healthz")
        return response if response and response[0] == 200 else None

    status, _, body = wait_until(
        healthy, timeout=30, message=lambda: f"/healthz never answered 200\n{processes.logs()}"
    )
    assert body == "ok"

    # Production redirects plain HTTP, and serves the page behind a TLS-terminating proxy.
    status, headers, _ = http_get(port, "/", {"Host": "localhost"})
    assert status == 301
    assert headers["Location"] == "https://localhost/"

    status, headers, page = http_get(port, "/", {"Host": "localhost", "X-Forwarded-Proto": "https"})
    assert status == 200, page
    assert "Codesign" in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "max-age=" in headers["Strict-Transport-Security"]

    # Static files come from collectstatic's manifest, served by WhiteNoise.
    stylesheet = re.search(r'href="(/static/css/codesign\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page does not link the hashed stylesheet"
    status, headers, _ = http_get(
        port, stylesheet.group(1), {"Host": "localhost", "X-Forwarded-Proto": "https"}
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")

    assert_one_email_delivered_once(
        mailbox=mailbox, processes=processes, env=env, beat_process="beat"
    )
