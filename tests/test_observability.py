"""Errors reach someone, and logs and error reports name requests and people by id only."""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from codesign.observability import (
    REDACTED,
    RequestContextFilter,
    RequestFormatter,
    admins_from,
    redact,
    scrub_event,
)

from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger("tests.observability")


@csrf_exempt
def _reminder_sent(request):
    from django.http import HttpResponse

    logger.warning("Sent a reminder to %s", request.user.email)
    return HttpResponse("sent")


# This module is also the URLconf of the requests below: one view that logs, then the project.
urlpatterns = [
    path("observability/reminder/", _reminder_sent),
    path("", include("codesign.urls")),
]


@pytest.fixture
def console(settings):
    """What the console handler that settings.LOGGING sets up writes, as a list of lines."""
    settings.ROOT_URLCONF = __name__
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RequestContextFilter) for f in handler.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)


def _line(lines, text):
    (line,) = [line for line in lines if text in line]
    return line


@pytest.mark.django_db
def test_a_requests_log_records_carry_its_id_and_the_persons_id_never_their_email(client, console):
    user = UserFactory(email="ann.smith@example.org")
    client.force_login(user)
    response = client.get("/observability/reminder/", HTTP_X_REQUEST_ID="proxy-req-000123")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-req-000123"
    line = _line(console(), "Sent a reminder to")
    assert "request=proxy-req-000123" in line
    assert f"user={user.pk}" in line
    assert "ann.smith@example.org" not in line
    assert line.endswith(f"Sent a reminder to {REDACTED}")


@pytest.mark.django_db
def test_djangos_own_record_of_a_response_carries_the_request_and_person(client, console):
    """Django logs a 404 after the middleware has finished; the record's request still tells."""
    user = UserFactory()
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    line = _line(console(), "Not Found: /no-such-page/")
    assert f"request={response['X-Request-ID']}" in line
    assert f"user={user.pk}" in line


@pytest.mark.django_db
def test_signed_out_visitors_and_work_outside_requests_are_logged_without_ids(client, console):
    client.get("/no-such-page/")
    logger.warning("Swept the outbox")
    lines = console()
    assert re.search(r"request=[0-9a-f]{32} user=- .*Not Found", _line(lines, "Not Found"))
    assert "request=- user=- " in _line(lines, "Swept the outbox")


@pytest.mark.parametrize(
    "incoming",
    ["", "short", "has spaces in it", "x" * 129, "semi;colon-12345", "<script>alert(1)</script>"],
)
@pytest.mark.django_db
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, incoming):
    headers = {"HTTP_X_REQUEST_ID": incoming} if incoming else {}
    first = client.get("/healthz", **headers)["X-Request-ID"]
    second = client.get("/healthz", **headers)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize(
    "incoming", ["0f8fad5b-d9cb-469f-a165-70867728950e", "req-1234abcd", "a" * 128]
)
@pytest.mark.django_db
def test_a_well_formed_request_id_is_kept_and_echoed(client, incoming):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


def test_email_addresses_are_redacted_from_log_messages_and_tracebacks(console):
    logger.warning("Invitation for %s bounced", "pat.oneill+ward7@nhs.example.org")
    try:
        raise ValueError("bob@example.org is not a member")
    except ValueError:
        logger.exception("Could not add a member")
    output = "\n".join(console())
    assert "Invitation for [redacted] bounced" in output
    assert "ValueError: [redacted] is not a member" in output
    assert "@" not in output


def test_a_record_whose_request_is_not_a_django_request_has_no_ids():
    """runserver logs each request with the socket as the record's "request"."""
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"GET /" 200', (), None)
    record.request = socket.socket()
    try:
        assert RequestContextFilter().filter(record)
    finally:
        record.request.close()
    assert (record.request_id, record.user_id) == ("-", "-")


def test_the_formatter_copes_with_records_that_no_filter_has_seen():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "to %s", ("a@b.org",), None)
    formatter = RequestFormatter("%(request_id)s %(user_id)s %(message)s")
    assert formatter.format(record) == "- - to [redacted]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 01632 960000 or +44 (0)20 7946 0000", "Call [redacted] or [redacted]"),
        ("Lives at SW1A 1AA", "Lives at [redacted]"),
        ("From 203.0.113.7 and 2001:db8::1", "From [redacted] and [redacted]"),
        ("Mail ann@example.org", "Mail [redacted]"),
        # What is not personal stays readable.
        ("At 2026-12-04 10:30:00, pk=1234567890", "At 2026-12-04 10:30:00, pk=1234567890"),
        ("Python 3.11.7, thread 140230223123456", "Python 3.11.7, thread 140230223123456"),
        ("0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_admins_are_parsed_from_the_environments_form():
    value = 'Ann Smith <ann@example.org>, "Lee, Jo" <jo@example.org>,ops@example.org'
    assert admins_from(value) == [
        ("Ann Smith", "ann@example.org"),
        ("Lee, Jo", "jo@example.org"),
        ("ops@example.org", "ops@example.org"),
    ]
    assert admins_from("") == admins_from("  ") == []
    with pytest.raises(ImproperlyConfigured, match="Ann Smith"):
        admins_from("Ann Smith")


def test_before_send_drops_bodies_cookies_and_identifying_headers_and_scrubs_text():
    event = {
        "message": "Reminder to ann@example.org failed",
        "exception": {"values": [{"type": "ValueError", "value": "call 07700 900123"}]},
        "request": {
            "url": "https://codesign.example.org/p/1/?email=bob@example.org",
            "method": "POST",
            "query_string": "email=bob@example.org",
            "data": {"story": "I live at 1 High Street"},
            "cookies": {"sessionid": "abc"},
            "env": {"REMOTE_ADDR": "198.51.100.4"},
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Bearer x",
                "X-Forwarded-For": "203.0.113.7",
                "User-Agent": "Firefox",
            },
        },
        "user": {"id": "42", "email": "ann@example.org", "ip_address": "203.0.113.7"},
        "breadcrumbs": {"values": [{"message": "SELECT ... WHERE email = 'c@example.org'"}]},
        "extra": {"postcode": "SW1A 1AA", "count": 3},
    }
    scrubbed = scrub_event(event, {})
    request = scrubbed["request"]
    assert set(request) == {"url", "method", "query_string", "headers"}
    assert request["headers"] == {"User-Agent": "Firefox"}
    assert request["url"] == "https://codesign.example.org/p/1/?email=[redacted]"
    assert scrubbed["user"] == {"id": "42"}
    assert scrubbed["message"] == "Reminder to [redacted] failed"
    assert scrubbed["exception"]["values"][0]["value"] == "call [redacted]"
    assert scrubbed["breadcrumbs"]["values"][0]["message"].endswith("email = '[redacted]'")
    assert scrubbed["extra"] == {"postcode": "[redacted]", "count": 3}
    text = json.dumps(scrubbed)
    for secret in ("@example.org", "203.0.113", "198.51", "High Street", "SW1A", "abc"):
        assert secret not in text


def _probe(tmp_path, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SENTRY_DSN", "ADMINS", "CODESIGN_RELEASE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="codesign.settings.dev",
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.observability_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_a_server_error_reaches_admins_and_sentry_without_personal_data(tmp_path):
    """Settings read ADMINS and SENTRY_DSN from the environment; one failing request, through
    the WSGI application as gunicorn runs it, emails ADMINS and makes one Sentry event."""
    report = _probe(
        tmp_path,
        ADMINS='Ann Smith <ann@example.org>, "Lee, Jo" <jo@example.org>',
        # Nothing listens there: the probe keeps what would be sent.
        SENTRY_DSN="http://public@127.0.0.1:9/1",
        CODESIGN_RELEASE="abc1234-dirty",
    )
    assert report["status"].startswith("500")
    assert report["admins"] == [["Ann Smith", "ann@example.org"], ["Lee, Jo", "jo@example.org"]]
    (email,) = report["admin_emails"]
    assert email["to"] == ["ann@example.org", "jo@example.org"]
    assert "ValueError" in email["body"]

    assert report["sentry_active"]
    assert {"django", "celery"} <= set(report["integrations"])
    assert report["send_default_pii"] is False
    assert report["before_send"] == "scrub_event"
    assert (report["release"], report["environment"]) == ("abc1234-dirty", "development")
    (event,) = report["events"]
    assert event["exception"]["values"][-1]["value"] == (
        "Could not reach [redacted] on [redacted] at [redacted]"
    )
    assert event["request"]["headers"]["X-Request-Id"] == "probe-request-0001"
    assert not {"data", "cookies", "env"} & set(event["request"])

    sent = json.dumps(event) + email["subject"] + email["body"]
    for secret in ("@example.org", "01632", "SW1A", "High Street", "203.0.113", "198.51"):
        assert secret not in sent, secret


def test_without_sentry_dsn_nothing_is_started(tmp_path):
    report = _probe(tmp_path)
    assert report["sentry_active"] is False
    assert report["admins"] == []
    assert report["admin_emails"] == []
