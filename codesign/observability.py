"""What happens when something goes wrong, and who hears of it: request ids, log records that
name a request and a person by their ids (never an email address), ADMINS from the environment,
and Sentry when SENTRY_DSN is set, with personal data scrubbed before anything is sent.

Settings import this module, so it imports nothing from Django's apps at import time.
"""

import contextvars
import ipaddress
import logging
import re
import uuid
from email.utils import getaddresses

from django.utils.functional import LazyObject
from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like to be kept: 8 to 128 letters, digits, dots, dashes and
# underscores (a UUID, a hex digest, "req-1234abcd"). Anything else is replaced, so a log line
# never carries what a client chose to write there.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
NOT_KNOWN = "-"
REDACTED = "[redacted]"

# The addresses people have (not every one RFC 5322 allows: quotes and "=" around an address in
# a repr or a query string stay outside it).
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Ten to fifteen digits from a leading 0 or +, perhaps spaced, dashed or bracketed: UK numbers
# ("01632 960000", "+44 (0)20 7946 0000") and international ones. Dates, times and ids do not
# start that way or have fewer digits.
PHONE = re.compile(r"(?<![\w/.:+-])(?:\+|0)\d?(?:[ ().-]{0,2}\d){9,14}(?![\w/.:-])")
# A UK postcode, the part of a postal address that finds a house.
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\b")
# Candidates for IP addresses, kept only if ipaddress accepts them ("10:30:00" is not one).
IP_CANDIDATE = re.compile(r"(?<![\w.:])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]+(?![\w.:])")

_current_request = contextvars.ContextVar("codesign_request", default=None)


def _ip_or_same(match):
    text = match.group(0)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text
    return REDACTED


def redact(text: str) -> str:
    """Replace email addresses, phone numbers, postcodes and IP addresses in a text."""
    text = EMAIL.sub(REDACTED, text)
    text = PHONE.sub(REDACTED, text)
    text = POSTCODE.sub(REDACTED, text)
    return IP_CANDIDATE.sub(_ip_or_same, text)


def redact_emails(text: str) -> str:
    """Replace email addresses in a text."""
    return EMAIL.sub(REDACTED, text)


# Requests


class RequestIdMiddleware:
    """Give each request an id, from a well-formed X-Request-ID header or a new UUID, that its
    log records carry and its response echoes back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = (
            incoming if WELL_FORMED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _user_id(request) -> str:
    # Only a user the request has already loaded: loading it here would query the database
    # from inside logging (and log that query).
    user = getattr(request, "_cached_user", None)
    if user is None:
        user = vars(request).get("user")
        if isinstance(user, LazyObject):
            user = None
    if user is None or not getattr(user, "is_authenticated", False):
        return NOT_KNOWN
    return str(user.pk)


class RequestContextFilter(logging.Filter):
    """Give every record `request_id` and `user_id` ("-" outside a request or signed out)."""

    def filter(self, record):
        # Django logs a response's status after the middleware has finished, with the request.
        # (runserver's records name a socket "request": not one of ours.)
        request = _current_request.get() or getattr(record, "request", None)
        if not hasattr(request, "META"):
            request = None
        request_id = getattr(request, "request_id", None) if request is not None else None
        record.request_id = request_id or NOT_KNOWN
        record.user_id = _user_id(request) if request is not None else NOT_KNOWN
        return True


class RedactEmailsFilter(logging.Filter):
    """Take email addresses out of a record's message before any handler writes it."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_emails(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RequestFormatter(logging.Formatter):
    """Formats records that may lack the request fields, and redacts email addresses from
    tracebacks too (an exception's message may quote one)."""

    def format(self, record):
        record.__dict__.setdefault("request_id", NOT_KNOWN)
        record.__dict__.setdefault("user_id", NOT_KNOWN)
        return redact_emails(super().format(record))


# Who hears of errors


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports show stars for every posted value, not only the fields a view marks:
    what people post here is mostly about themselves (DEBUG pages still show it all)."""

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error email to ADMINS, with email addresses, phone numbers, postcodes and IP
    addresses taken out of its subject and body (what was posted, the exception's message)."""

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = redact(kwargs["html_message"])
        super().send_mail(redact(subject), redact(message), *args, **kwargs)


def admins_from(value: str) -> list[tuple[str, str]]:
    """Parse ADMINS ("Name <a@example.org>, Other <b@example.org>") into (name, address) pairs."""
    if not value.strip():
        return []
    admins = getaddresses([value])
    if any("@" not in address for _name, address in admins):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"ADMINS must read 'Name <address@example.org>, ...', not {value!r}"
        )
    return [(name or address, address) for name, address in admins]


# Sentry

# Request fields that hold what people sent or who they are; dropped whole.
_DROPPED_REQUEST_FIELDS = ("data", "cookies", "env")
_DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "forwarded"}


def _scrub(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event, hint=None):
    """Sentry's before_send: drop request bodies, cookies and identifying headers, keep only
    the person's id, and redact email addresses, phone numbers, postcodes and IP addresses
    from every text left in the event."""
    request = event.get("request")
    if isinstance(request, dict):
        for field in _DROPPED_REQUEST_FIELDS:
            request.pop(field, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in _DROPPED_HEADERS
            }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _scrub(event)


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    """Send errors from web processes and Celery workers to Sentry, without personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # Request bodies and local variables hold what people wrote about themselves.
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=traces_sample_rate,
    )


def sentry_init_from_env(env, *, environment: str, release: str) -> bool:
    """Start Sentry if SENTRY_DSN is set (SENTRY_ENVIRONMENT and SENTRY_TRACES_SAMPLE_RATE
    may refine it); say whether it was started."""
    dsn = env("SENTRY_DSN", default="")
    if not dsn:
        return False
    sentry_init(
        dsn=dsn,
        environment=env("SENTRY_ENVIRONMENT", default=environment),
        release=release,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
    return True
