"""Signing secrets kept encrypted (Fernet) under a key derived by HKDF from ``SECRET_KEY``, so
a copy of the database alone cannot sign as Codesign. After ``SECRET_KEY`` changes a secret
can no longer be read: its deliveries fail, saying so, until an admin replaces it."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"codesign webhook signing secret"
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def keep(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def reveal(kept: str) -> str | None:
    """The secret, or None when the key it was kept under has changed since."""
    try:
        return _fernet().decrypt(kept.encode()).decode()
    except (InvalidToken, ValueError):
        return None
