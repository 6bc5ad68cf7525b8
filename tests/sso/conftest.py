"""A real OpenID Connect provider on loopback for the single sign-on tests (oidc_provider.py,
in a process of its own), with an RSA key made here."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils.html import escape

from sso.services import sso_settings_save

CLIENT_SECRET = "loopback-client-secret-0123456789"


@dataclass
class Provider:
    base: str

    @property
    def issuer(self) -> str:
        return f"{self.base}/o"

    def behave(self, *, client_id="codesign", redirect_uri="", **mode):
        """Register Codesign's client and say how to answer from now on."""
        client = {
            "client_id": client_id,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": redirect_uri,
        }
        response = requests.post(
            f"{self.base}/mode/", json={"mode": mode, "client": client}, timeout=10
        )
        response.raise_for_status()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_SETTINGS")}
    env.update(
        OIDC_TEST_KEY=pem,
        OIDC_TEST_DB=str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
    )
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("oidc_provider.py"))],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        # Blocks until the provider listens, or returns "" if it died (its error is on stderr).
        line = process.stdout.readline()
        assert line.startswith("PORT "), f"the provider did not start: {line!r}"
        yield Provider(base=f"http://127.0.0.1:{int(line.split()[1])}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure(organisation, provider, *, domains=("riverside.example",), **changes):
    """Switch the organisation's single sign-on on, pointed at the provider on loopback."""
    values = {
        "enabled": True,
        "issuer": provider.issuer,
        "client_id": "codesign",
        "client_secret": CLIENT_SECRET,
        "client_secret_env": "",
        "domains": list(domains),
        "trust_provider_two_factor": False,
        "email_always_verified": False,
    }
    values.update(changes)
    return sso_settings_save(organisation=organisation, by=None, **values)


def callback_uri(sso) -> str:
    return "http://testserver" + reverse(
        "openid_connect_callback", kwargs={"provider_id": sso.provider_id}
    )


def sign_in(client, provider, email):
    """Drive the whole flow over HTTP: Codesign's sign-in form, the provider's authorization
    endpoint, and back to Codesign's callback (which fetches the token from the provider)."""
    start = client.post(reverse("sso:start"), {"email": email})
    assert start.status_code == 200, start.content.decode()[:500]
    onward = start.context["provider_url"]
    assert onward.startswith(f"{provider.issuer}/authorize/")
    assert f'content="0;url={escape(onward)}"' in start.content.decode()
    answer = requests.get(onward, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "testserver", answer.headers["Location"]
    return client.get(f"{back.path}?{back.query}")
