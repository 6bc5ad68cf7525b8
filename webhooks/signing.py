"""How a delivery is signed, and how a receiver checks it (the README shows the same check).

``Codesign-Signature: t=<unix time>,v1=<hex>``, where the hex is HMAC-SHA256, keyed with the
endpoint's secret, of ``<unix time>.`` followed by the request's body exactly as sent. Each
attempt is signed afresh, so a receiver may refuse a signature more than five minutes old.
"""

import hashlib
import hmac
import secrets
import time

HEADER = "Codesign-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE_SECONDS, now=None
) -> bool:
    """Whether a signature header is this body's, made with this secret, recently."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
