"""A webhook over HTTPS goes to the address checked when its name was resolved (a second answer
from the name's DNS, a rebinding, is never asked for), and the certificate is still checked
against the name: a receiver on loopback with a certificate from a test authority."""

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks import transport
from webhooks.addresses import AddressRefused

NAME = "hooks.example.test"
# Where the name points once it has been checked (TEST-NET-3: nothing answers there).
REBOUND = "203.0.113.9"


def _certificate(subject: str, issuer_name, issuer_key, key, *, ca: bool, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def authority(tmp_path):
    """A certificate authority of the test's own, and a way to issue a server's certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Codesign test authority")])
    ca = _certificate("Codesign test authority", name, key, key, ca=True)
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def issue(host: str) -> tuple:
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        leaf = _certificate(host, name, key, leaf_key, ca=False, names=[host])
        cert_file, key_file = tmp_path / f"{host}.pem", tmp_path / f"{host}.key"
        cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_file, key_file

    issue.ca_file = ca_file
    return issue


class TlsReceiver:
    """An HTTPS server on loopback that records each POST and the name the client asked for."""

    def __init__(self, cert_file, key_file):
        self.received: list[tuple[str, dict, bytes]] = []
        self.server_names: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        context.sni_callback = lambda _socket, name, _context: self.server_names.append(name)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dns(monkeypatch):
    """The name resolves to loopback the first time and elsewhere after (a rebinding): the
    answers given are recorded."""
    real = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = "127.0.0.1" if len(asked) == 1 else REBOUND
        return [(2, 1, 6, "", (address, port))]

    monkeypatch.setattr("socket.getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture
def trusting(monkeypatch, authority):
    """Contexts made for webhooks trust the test's authority (and check names as ever)."""
    made = ssl.create_default_context
    monkeypatch.setattr(
        transport.ssl,
        "create_default_context",
        lambda *args, **kwargs: made(cafile=str(authority.ca_file)),
    )


def serve(authority, host):
    return TlsReceiver(*authority(host))


def test_https_goes_to_the_checked_address_and_checks_the_name(settings, authority, dns, trusting):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    receiver = serve(authority, NAME)
    try:
        status = transport.post(
            f"https://{NAME}:{receiver.port}/hooks?x=1", b'{"event": "ping"}', {"A": "b"}
        )
    finally:
        receiver.stop()
    assert status == 200
    # Resolved once: the connection went to the address checked, not to a second answer.
    assert dns == [NAME]
    # The name was asked for in the handshake and its certificate accepted; the request
    # carries the name too.
    assert receiver.server_names == [NAME]
    [(path, headers, body)] = receiver.received
    assert path == "/hooks?x=1" and body == b'{"event": "ping"}'
    assert headers["Host"] == f"{NAME}:{receiver.port}"
    assert headers["User-Agent"] == transport.USER_AGENT


def refused(authority, certificate_for: str) -> None:
    """A POST to NAME, whose receiver shows a certificate for ``certificate_for``, is refused
    in the handshake: nothing reaches the receiver."""
    receiver = serve(authority, certificate_for)
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            transport.post(f"https://{NAME}:{receiver.port}/", b"{}", {})
    finally:
        receiver.stop()
    assert receiver.received == []


@pytest.fixture
def loopback(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2


def test_a_certificate_for_another_name_is_refused(loopback, authority, dns, trusting):
    refused(authority, "other.example.test")


def test_a_certificate_from_an_unknown_authority_is_refused(loopback, authority, dns):
    refused(authority, NAME)


def test_a_name_that_resolves_to_a_private_address_is_never_connected_to(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(AddressRefused):
        transport.post(f"https://{NAME}/", b"{}", {})
    assert dns == [NAME]
