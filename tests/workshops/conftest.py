"""Fixtures for workshop tests: a real SMTP server on loopback, and the smoke tests' processes."""

import pytest
from aiosmtpd.controller import Controller

from tests.smoke.conftest import processes  # noqa: F401 (a fixture used by the Celery test)
from tests.smoke.support import Mailbox, free_port


@pytest.fixture
def mailbox():
    """A real SMTP server on a free loopback port: (mailbox, port)."""
    kept = Mailbox()
    controller = Controller(kept, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield kept, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, mailbox):
    """Route this process's email to the loopback SMTP server; return its mailbox."""
    kept, port = mailbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return kept
