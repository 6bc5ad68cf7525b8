"""Fixtures for failure tests: real redis-server, Celery workers and SMTP servers on loopback."""

import os
import shutil
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection

from codesign.celery import app as celery_app
from outbox.publisher import publisher
from tests.smoke.support import Processes, RedisServer, RefusingMailbox, free_port


@pytest.fixture
def processes(tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir(exist_ok=True)
    running = Processes(log_dir)
    try:
        yield running
    finally:
        running.stop_all()
        print(running.logs())  # shown by pytest when the test failed


@contextmanager
def _smtp(mailbox):
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port that accepts everything: (mailbox, port)."""
    with _smtp(RefusingMailbox()) as pair:
        yield pair


@pytest.fixture
def refusing_smtp_server():
    """Start a real SMTP server whose refusals the test sets: ``refusing_smtp_server(refuse=2)``."""
    with_servers = []

    def start(**kwargs):
        context = _smtp(RefusingMailbox(**kwargs))
        with_servers.append(context)
        return context.__enter__()

    try:
        yield start
    finally:
        for context in with_servers:
            context.__exit__(None, None, None)


@pytest.fixture
def smtp_backend(settings):
    """Send this process's mail with Django's SMTP backend to ``smtp_backend(port)``."""

    def use(port: int) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5

    return use


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of this test's own, started; the test may stop and restart it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Needs the redis-server binary: apt-get install -y redis-server")
    log_dir = tmp_path / "redis"
    log_dir.mkdir()
    server = RedisServer(log_dir, binary=binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shared_database_url():
    """The URL of this test's committed PostgreSQL database, for worker processes to share."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: worker processes share the test database "
            "(set DATABASE_URL=postgres://...)."
        )
    return urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    )


def _reset_producer_pools() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def publishing_to():
    """Make this process publish tasks to a real broker (``publishing_to(url)``) instead of
    running them eagerly, as the web process does; restored after the test."""
    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}

    def use(broker_url: str) -> None:
        _reset_producer_pools()
        publisher._paused_until = 0.0  # no pause left from an earlier test's outage
        celery_app.conf.update(
            broker_url=broker_url,
            broker_transport_options={"visibility_timeout": 3600},
            task_always_eager=False,
        )

    try:
        yield use
    finally:
        _reset_producer_pools()
        publisher._paused_until = 0.0
        celery_app.conf.update(saved)


@pytest.fixture
def worker_env(tmp_path, shared_database_url, redis_server, smtp_server):
    """The environment of a worker process: dev settings, the shared database, this test's
    redis-server and SMTP server, the queue this process publishes to."""
    from tests.smoke.support import clean_env

    _, smtp_port = smtp_server

    def env(**values: str) -> dict[str, str]:
        return clean_env(
            DJANGO_SETTINGS_MODULE="codesign.settings.dev",
            DATABASE_URL=shared_database_url,
            REDIS_URL=redis_server.url,
            CELERY_QUEUE=django_settings.CELERY_TASK_DEFAULT_QUEUE,
            CELERY_DATA_DIR=str(tmp_path / "celery"),
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            EMAIL_TIMEOUT="5",
            **values,
        )

    return env
