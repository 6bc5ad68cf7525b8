"""Run as a process of its own by tests/test_observability.py, with the settings and
environment it is given (ADMINS, SENTRY_DSN): one request through the WSGI application, as
gunicorn makes it, to a view that fails. Prints, as JSON, what Sentry would have sent and the
error emails ADMINS would have had, instead of sending either.

Also the URLconf of that process: the failing view, then the project's URLs.
"""

import io
import json
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

FAILING_PATH = "/observability-probe/fail/"
SECRET = "Could not reach ann@example.org on 01632 960000 at SW1A 1AA"

if __name__ != "__main__":  # imported as the URLconf, once Django is set up
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def fail(request):
        raise ValueError(SECRET)

    urlpatterns = [
        path(FAILING_PATH.strip("/") + "/", fail),
        path("", include("codesign.urls")),
    ]


def _request(application):
    body = urlencode({"story": "I live at 1 High Street, SW1A 1AA", "email": "bob@example.org"})
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": FAILING_PATH,
        "QUERY_STRING": "email=bob@example.org",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body.encode()),
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": "private=ann@example.org",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_REQUEST_ID": "probe-request-0001",
        "REMOTE_ADDR": "198.51.100.4",
    }
    setup_testing_defaults(environ)
    statuses = []
    b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return statuses[0]


def main():
    import django

    django.setup()
    import sentry_sdk
    from django.conf import settings
    from django.core import mail
    from django.core.wsgi import get_wsgi_application
    from django.test import override_settings
    from sentry_sdk.transport import Transport

    events = []

    class Kept(Transport):
        def capture_envelope(self, envelope):
            if (event := envelope.get_event()) is not None:
                events.append(event)

    client = sentry_sdk.get_client()
    if client.is_active():
        client.transport = Kept(client.options)
    mail.outbox = []
    with override_settings(
        ROOT_URLCONF="tests.observability_probe",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        status = _request(get_wsgi_application())
    sentry_sdk.flush()
    options = client.options
    print(
        json.dumps(
            {
                "admins": settings.ADMINS,
                "status": status,
                "admin_emails": [
                    {"to": message.to, "subject": message.subject, "body": message.body}
                    for message in mail.outbox
                ],
                "sentry_active": client.is_active(),
                "integrations": sorted(client.integrations),
                "send_default_pii": options.get("send_default_pii"),
                "before_send": getattr(options.get("before_send"), "__qualname__", None),
                "release": options.get("release"),
                "environment": options.get("environment"),
                "events": events,
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main()
