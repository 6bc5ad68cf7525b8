"""Helpers for smoke tests: real processes (gunicorn, celery), a real SMTP server on loopback."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent

# Variables a smoke test sets itself; whatever the outer environment says is dropped.
_OWN_VARIABLES = {
    # Set for the in-process browser tests; a real server must keep Django's async safety.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "CELERY_DATA_DIR",
    "CELERY_QUEUE",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_URL",
    "OUTBOX_SWEEP_SECONDS",
    "REDIS_URL",
    "SECRET_KEY",
    "SECURE_SSL_REDIRECT",
    "STATIC_ROOT",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _OWN_VARIABLES}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(values)
    return env


def wait_until(predicate, *, timeout: float, message, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy, or fail after ``timeout`` seconds.

    ``message`` may be a callable, so that logs are read only when the wait fails.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


def http_get(port: int, path: str, headers: dict | None = None):
    """GET without following redirects; None while nothing listens yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    except (ConnectionError, OSError):
        return None
    finally:
        connection.close()


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages = []

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._messages.append(envelope)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self._lock:
            return [m for m in self._messages if address in m.rcpt_tos]


class Processes:
    """Subprocesses started by one test, each logging to its own file; all stopped at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        try:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(
            f"----- {name} (exit code {process.poll()}) -----\n{self.log(name)[-6000:]}"
            for name, process in self.running.items()
        )

    def assert_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}\n{self.logs()}")

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # Each process leads its own session: this ends it and its children only.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    """Run manage.py with ``env``; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{output}"
    return result.stdout


WRITE_ONE_EMAIL = (
    "from outbox.services import outbox_email_rendered; "
    "outbox_email_rendered(to='smoke@example.org', subject='Smoke', body_text='hello')"
)
OUTBOX_STATUSES = (
    "from outbox.models import OutboxMessage; "
    "print(sorted(OutboxMessage.objects.values_list('status', flat=True)))"
)
SWEEP_SENT = "Sending due task outbox-sweep"


def assert_one_email_delivered_once(*, mailbox, processes, env, beat_process: str) -> None:
    """Write one email to the outbox and check the worker delivers it, and only once."""
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
    sweeps_at_delivery = processes.log(beat_process).count(SWEEP_SENT)
    wait_until(
        lambda: processes.log(beat_process).count(SWEEP_SENT) >= sweeps_at_delivery + 3,
        timeout=15,
        message=lambda: f"beat stopped sweeping\n{processes.logs()}",
    )
    assert len(mailbox.to("smoke@example.org")) == 1
    assert manage("shell", "-c", OUTBOX_STATUSES, env=env).splitlines()[-1] == "['sent']"


@contextmanager
def fresh_postgres_database(server_url: str, prefix: str):
    """A new PostgreSQL database on the server of ``server_url``; yields its URL, drops it after."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def private_redis_queue(server_url: str, *, db: str, prefix: str):
    """A Redis database number and a queue nothing else uses; yields (url, queue) and removes
    the queue's keys after."""
    import redis

    url = urlunsplit(urlsplit(server_url)._replace(path=f"/{db}"))
    queue = f"{prefix}-{secrets.token_hex(4)}"
    try:
        yield url, queue
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
        client.close()


class RedisServer:
    """A redis-server of one test's own on a free loopback port (never the shared 6379), keeping
    nothing on disk, that the test may stop and start again on the same port."""

    def __init__(self, log_dir: Path, binary: str = "redis-server"):
        self.log_dir = log_dir
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # One try: redis-py's default retries would spend seconds on a server that is down.
        client = redis.Redis(
            host="127.0.0.1",
            port=self.port,
            socket_connect_timeout=0.5,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            return client.ping()
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        self.starts += 1
        log_path = self.log_dir / f"redis-{self.starts}.log"
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.log_dir),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            self.answers,
            timeout=10,
            message=lambda: f"redis-server did not start\n{log_path.read_text(errors='replace')}",
            interval=0.05,
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        assert not self.answers(), "redis-server still answers after it was stopped"


def message_ids(envelopes) -> list[str]:
    """The Message-ID header of each received message, in the order they arrived."""
    import email
    from email import policy

    return [
        email.message_from_bytes(envelope.original_content, policy=policy.default)["Message-ID"]
        for envelope in envelopes
    ]


class RefusingMailbox(Mailbox):
    """A Mailbox that answers the first ``refuse`` messages with ``reply`` (a temporary or
    permanent refusal, e.g. "451 4.3.0 Try again later") and keeps the ones after."""

    def __init__(self, *, refuse: int = 0, reply: str = "451 4.3.0 Try again later"):
        super().__init__()
        self.refuse = refuse
        self.reply = reply
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refused < self.refuse:
                self.refused += 1
                return self.reply
        return await super().handle_DATA(server, session, envelope)

    def received(self) -> list:
        with self._lock:
            return list(self._messages)


def celery_worker_start(
    processes, name: str, env: dict[str, str], *, beat: bool = False, app: str = "codesign"
):
    """Start a solo-pool Celery worker (with embedded beat if asked); it takes a few seconds to
    be ready (celery_worker_wait_ready). ``app``: the module holding the Celery app."""
    args = [str(BIN / "celery"), "-A", app, "worker", "-P", "solo", "--loglevel=INFO"]
    if beat:
        args.append("--beat")
    args += ["-n", f"{name}-{secrets.token_hex(4)}@%h"]
    return processes.start(name, args, env)


def celery_worker_wait_ready(processes, name: str) -> None:
    wait_until(
        lambda: processes.assert_alive() or " ready." in processes.log(name),
        timeout=30,
        message=lambda: f"{name} did not start\n{processes.logs()}",
    )
