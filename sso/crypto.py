"""Client secrets kept encrypted (Fernet) under a key derived by HKDF from
``CODESIGN_SSO_SECRET_KEY``, or from ``SECRET_KEY`` when that is not set."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet() -> Fernet:
    material = (settings.CODESIGN_SSO_SECRET_KEY or settings.SECRET_KEY).encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"codesign sso client secret"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str | None:
    """The secret, or None when the key it was kept under has changed since."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
