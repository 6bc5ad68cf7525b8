"""An organisation's own look: its logo and a colour pair for the header of its pages, its
emails, posters and reports.

The core reads an organisation's look by its fields alone (``logo``, ``look_background``,
``look_text``), so it imports no domain app. Colours are checked for contrast (WCAG 2.2,
1.4.3: at least 4.5:1) before they are kept. A logo is checked and decoded here, then kept as
a PNG re-encoded from its pixels alone (no metadata, nothing after the picture), named by its
digest, and served from ``/logos/<digest>.png`` with headers that keep a browser from reading
it as anything else. A logo is public by nature: the digest names it and reveals nothing.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from PIL import Image

# Codesign's own header colours, used while an organisation has chosen none.
DEFAULT_BACKGROUND = "#1d4f73"
DEFAULT_TEXT = "#ffffff"
MIN_CONTRAST = 4.5
COLOUR = re.compile(r"^#[0-9a-f]{6}$")

LOGO_FORMATS = ("PNG", "JPEG")
LOGO_ACCEPT = "image/png,image/jpeg"
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4_000_000
# The kept copy: large enough for a printed header, small enough for an email.
LOGO_MAX_SIDE = 600
LOGO_FOLDER = "logos"
DIGEST = re.compile(r"^[0-9a-f]{64}$")


def colour_normalise(value: str) -> str:
    """A colour as kept: ``#rrggbb`` in lower case ("#FFF" and "fff" are "#ffffff")."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if not value.startswith("#"):
        value = "#" + value
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


def validate_colour(value: str) -> None:
    if value and not COLOUR.match(value):
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, for example #1d4f73."),
            code="invalid_colour",
        )


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2)."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_colour_pair(background: str, text: str) -> None:
    """Both colours or neither, and far enough apart to read (4.5:1); the error is the text
    colour's."""
    if bool(background) != bool(text):
        field = "look_text" if background else "look_background"
        raise ValidationError(
            {field: _("Choose both colours, or leave both empty for Codesign's own.")}
        )
    if background and text and COLOUR.match(background) and COLOUR.match(text):
        ratio = contrast_ratio(background, text)
        if ratio < MIN_CONTRAST:
            raise ValidationError(
                {
                    "look_text": _(
                        "These colours contrast %(ratio)s:1; text needs at least 4.5:1 to be "
                        "read by everyone. Choose a darker or lighter colour."
                    )
                    % {"ratio": f"{int(ratio * 10) / 10:.1f}"}
                }
            )


def _not_a_logo() -> ValidationError:
    return ValidationError(
        _("This file is not a logo we can use. Upload a PNG or JPEG picture."),
        code="invalid_logo",
    )


def _png_end(data: bytes) -> int:
    """Where a PNG's IEND chunk ends, walking its chunks (-1 if it has none)."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    return -1


def _jpeg_end(data: bytes) -> int:
    """Where a JPEG's end-of-image marker ends, walking its segments and scans (-1 if none)."""
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            return -1
        marker = data[position + 1]
        if marker == 0xD9:
            return position + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 1 if marker == 0xFF else 2
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:  # a scan: its coded data runs to the next marker
            while position + 1 < len(data) and not (
                data[position] == 0xFF and data[position + 1] not in SCAN_BYTES
            ):
                position += 1
    return -1


# In a scan's coded data, 0xFF is followed by 0x00 (a stuffed byte) or a restart marker.
SCAN_BYTES = {0x00, *range(0xD0, 0xD8)}


def _trailing_data(data: bytes, image_format: str) -> bool:
    """Whether anything follows the picture's end (a file that is also something else)."""
    end = _png_end(data) if image_format == "PNG" else _jpeg_end(data)
    return end < 0 or data[end:].strip(b"\x00\r\n") != b""


def logo_clean(upload) -> bytes:
    """Check an uploaded logo and return a PNG of its pixels alone, no larger than
    LOGO_MAX_SIDE, or raise a ValidationError saying why it is refused.

    Only PNG and JPEG are read (an SVG can carry script); the file's size and the picture's
    pixels are limited before it is decoded; a file with anything after the picture's end is
    refused; the picture is decoded whole, then drawn afresh, so nothing but pixels is kept.
    """
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("This file is too large; a logo may be at most 2 MB."), code="logo_too_large"
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=LOGO_FORMATS)
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValidationError(
                    _("This picture has too many pixels; a logo may be at most 2000 × 2000."),
                    code="logo_too_many_pixels",
                )
            image.load()
    except ValidationError:
        raise
    except Exception:  # whatever a damaged or hostile file makes Pillow raise
        raise _not_a_logo() from None
    if _trailing_data(data, image.format):
        raise _not_a_logo()
    image = image.convert("RGBA")
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    clean = Image.frombytes("RGBA", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def logo_name(data: bytes) -> str:
    """Where a cleaned logo is kept: named by its digest."""
    return f"{LOGO_FOLDER}/{hashlib.sha256(data).hexdigest()}.png"


@dataclass(frozen=True)
class Look:
    """What an organisation's header shows."""

    name: str
    background: str
    text: str
    logo_url: str  # relative to the site; "" without a logo
    logo_path: str  # the kept file, for PDFs; "" without a logo
    chosen: bool  # colours chosen by the organisation, not Codesign's own

    @property
    def stylesheet_url(self) -> str:
        if not self.chosen:
            return ""
        return reverse(
            "look-stylesheet",
            kwargs={"background": self.background[1:], "text": self.text[1:]},
        )

    @property
    def absolute_logo_url(self) -> str:
        return settings.CODESIGN_SITE_URL.rstrip("/") + self.logo_url if self.logo_url else ""


def look_of(organisation) -> Look | None:
    """An organisation's look (its own colours, or Codesign's), None for no organisation."""
    if organisation is None:
        return None
    background = getattr(organisation, "look_background", "") or ""
    text = getattr(organisation, "look_text", "") or ""
    chosen = bool(
        COLOUR.match(background)
        and COLOUR.match(text)
        and contrast_ratio(background, text) >= MIN_CONTRAST
    )
    logo = getattr(organisation, "logo", None)
    logo_url = logo_path = ""
    if logo:
        digest = logo.name.rsplit("/", 1)[-1].removesuffix(".png")
        if DIGEST.match(digest):
            logo_url = reverse("organisation-logo", kwargs={"digest": digest})
            logo_path = logo.path
    return Look(
        name=organisation.name,
        background=background if chosen else DEFAULT_BACKGROUND,
        text=text if chosen else DEFAULT_TEXT,
        logo_url=logo_url,
        logo_path=logo_path,
        chosen=chosen,
    )


def stylesheet(background: str, text: str) -> str:
    """The rules that give an organisation's header its colours (no inline style: the CSP
    allows none)."""
    return (
        f".org-look{{background-color:#{background};color:#{text}}}"
        f".org-look a,.org-look a:hover,.org-look a:visited{{color:#{text}}}"
    )


_BODY_OPEN = re.compile(r"<body[^>]*>", re.IGNORECASE)


def with_email_header(html: str, organisation) -> str:
    """An HTML email with the organisation's header (its name, logo and colours) at the top
    of its body; unchanged without an organisation or a body."""
    look = look_of(organisation)
    match = _BODY_OPEN.search(html or "")
    if look is None or match is None:
        return html
    header = render_to_string("emails/_look_header.html", {"look": look})
    return html[: match.end()] + header + html[match.end() :]
