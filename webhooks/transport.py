"""One webhook POST: to the checked address (webhooks.addresses), with short timeouts, no
redirect followed and nothing of the answer kept but its status code."""

import http.client
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

from .addresses import resolve

USER_AGENT = "Codesign-Webhooks/1"


def _connection(url: str, timeout: float) -> http.client.HTTPConnection:
    host, port, address = resolve(url)

    def connect_to_checked_address(_address, timeout=timeout, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    if urlsplit(url).scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    # The name was resolved and checked once: connect to that address (the certificate is
    # still checked against the name).
    connection._create_connection = connect_to_checked_address
    return connection


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST the body and return the answer's status code. Raises AddressRefused for an
    address a webhook may not reach, OSError (timeouts included) when it cannot be reached."""
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    connection = _connection(url, timeout)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={**headers, "User-Agent": USER_AGENT, "Content-Length": str(len(body))},
        )
        response = connection.getresponse()
        return response.status
    except http.client.HTTPException as error:
        raise OSError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
