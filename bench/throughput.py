"""Throughput: requests a second that gunicorn (2 workers) serves, the board against the bare view.

gunicorn runs the benchmark's settings (production's) on a free loopback port. Load comes from
a few threads, each asking as the next of many signed-in participants in turn (rotating, so a
page one person keeps is rarely the one the next asks for), for a few seconds at a time; the
board and the bare view alternate, so both see the same machine. Then again with two writes a
second: other participants supporting ideas through the service, each raising the project's
content version. The ratio of the board's requests a second to the bare view's is the figure.
"""

import http.client
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import nullcontext
from pathlib import Path

WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # The settings this process runs with (the bench's, or those of the code bench/before.py
    # measures).
    settings = os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    command = [
        str(gunicorn),
        "codesign.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    with log.open("ab") as handle:
        # The command is this virtualenv's gunicorn with fixed arguments.
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603


def get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET",
            path,
            headers={"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def wait_until_up(port: int, path: str, cookie: str, process, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered; see its log.")
        if get(port, path, cookie) == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {seconds:.0f} s.")


def load(port: int, path: str, cookies: list[str], *, seconds: float, threads: int) -> dict:
    """Ask ``path`` from ``threads`` threads for ``seconds``, each request as the next person."""
    rotation = itertools.cycle(cookies)
    lock = threading.Lock()
    done, failed = [0], [0]
    stop = time.monotonic() + seconds

    def worker():
        while time.monotonic() < stop:
            with lock:
                cookie = next(rotation)
            status = get(port, path, cookie)
            with lock:
                if status == 200:
                    done[0] += 1
                else:
                    failed[0] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"ok": done[0], "failed": failed[0], "seconds": time.monotonic() - started}


class Writes:
    """Two writes a second, by other people, in a thread of their own while load runs."""

    def __init__(self, writer, per_second: float = 2):
        self.writer = writer
        self.interval = 1 / per_second
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.errors: list[str] = []

    def run(self):
        from django.db import connection

        next_at = time.monotonic()
        try:
            while not self.stopping.is_set():
                try:
                    self.writer()
                except Exception as error:  # counted, and shown in the results
                    self.errors.append(repr(error))
                next_at += self.interval
                self.stopping.wait(max(0, next_at - time.monotonic()))
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()


def session_cookies(users) -> list[str]:
    """A session cookie for each person (sessions live in the database gunicorn reads)."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        cookies.append(f"{name}={client.cookies[name].value}")
    return cookies


def run(*, board_url, bare_url, users, writer, seconds, rounds, threads, log: Path) -> dict:
    """Requests a second of the board and of the bare view, without writes and with two a
    second, alternating the two in ``rounds`` rounds of ``seconds`` each."""
    cookies = session_cookies(users)
    port = free_port()
    process = start_gunicorn(port, log)
    try:
        wait_until_up(port, bare_url, cookies[0], process)
        for cookie in cookies:  # every session seen once: a first request costs more
            get(port, board_url, cookie)
        results = {"workers": WORKERS, "threads": threads, "people": len(cookies)}
        for name, writes in (("no_writes", None), ("two_writes_a_second", writer)):
            totals = {"board": [0, 0, 0.0], "bare": [0, 0, 0.0]}
            for _round in range(rounds):
                for target, path in (("bare", bare_url), ("board", board_url)):
                    with Writes(writes) if writes else nullcontext() as during:
                        got = load(port, path, cookies, seconds=seconds, threads=threads)
                    if during is not None and during.errors:
                        results.setdefault("write_errors", []).extend(during.errors[:5])
                    totals[target][0] += got["ok"]
                    totals[target][1] += got["failed"]
                    totals[target][2] += got["seconds"]
            board_rps = totals["board"][0] / totals["board"][2]
            bare_rps = totals["bare"][0] / totals["bare"][2]
            results[name] = {
                "board_per_second": round(board_rps, 1),
                "bare_per_second": round(bare_rps, 1),
                "ratio_to_bare": round(board_rps / bare_rps, 3) if bare_rps else None,
                "failed": totals["board"][1] + totals["bare"][1],
                "seconds_each": round(totals["board"][2], 1),
            }
        if writer is not None:
            results["writes"] = writer.writes
        return results
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
