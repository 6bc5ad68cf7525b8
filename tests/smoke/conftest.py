"""Fixtures for smoke tests: a real SMTP server on loopback, and processes stopped at the end."""

import pytest
from aiosmtpd.controller import Controller

from .support import Mailbox, Processes, free_port


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port: (mailbox, port)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def processes(tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    running = Processes(log_dir)
    try:
        yield running
    finally:
        running.stop_all()
        print(running.logs())  # shown by pytest when the test failed
