"""Where a webhook may be sent: http or https, to a public address only, unless
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES says otherwise (tests on loopback, a private network).

The address is checked when it is typed (a literal address or "localhost") and again, after
resolving the name, each time it is sent to: the connection goes to the address that was
checked, so a name that resolves elsewhere the second time (DNS rebinding) gains nothing.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SCHEMES = ("http", "https")


class AddressRefused(Exception):
    """The address is not one a webhook may reach."""


def _private_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def validate_webhook_url(value: str) -> None:
    """Refuse an address that is not http(s), carries a password, or names a private host."""
    parts = urlsplit(value)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValidationError(
            _("Enter an address starting with https:// (or http://)."), code="scheme"
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("Leave the name and password out of the address; sign-in is by the signature."),
            code="credentials",
        )
    if _private_allowed():
        return
    host = parts.hostname
    try:
        literal = not is_public(host)
    except ValueError:
        literal = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    if literal:
        raise ValidationError(
            _("This address is on a private network; webhooks go to public addresses only."),
            code="private",
        )


def resolve(url: str) -> tuple[str, int, str]:
    """The host, port and the one checked IP address to connect to, or AddressRefused."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise AddressRefused("only http and https addresses are sent to")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OSError(f"could not resolve {parts.hostname}: {error}") from error
    addresses = [info[4][0] for info in found]
    if not _private_allowed() and not all(is_public(address) for address in addresses):
        raise AddressRefused(f"{parts.hostname} resolves to a private address")
    return parts.hostname, port, addresses[0]
