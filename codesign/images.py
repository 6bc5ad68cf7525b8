"""Pictures people upload (session photos, photographed receipts), in two steps.

The request only reads the file's header (``image_check``): no pixel is decoded, so a small file
that claims a huge picture costs nothing. The worker then makes the copy others see
(``image_clean``): shrunk, turned upright and re-encoded with pixels only. Its memory is bounded
by the pixel limits below: a large JPEG is decoded at 1/2, 1/4 or 1/8 scale; any picture is
decoded once and shrunk a band of rows at a time, so besides the decoded picture only the shrunk
rows (3 bytes a pixel of the stored copy) and the band in hand are held. Measured peaks are in
tests/workshops/test_uploads.py and the README's security table.
"""

import io
import math
import re
import warnings

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image

# Formats Pillow names, and what file inputs offer.
FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT = "image/jpeg,image/png,image/webp"
# A decoded picture takes 4 bytes a pixel, so 40 MP is 160 MB: with the stored copy, a worker
# stays under 200 MB per picture. Phones take 12 MP unless set to a 50 MP or larger mode, whose
# photos are refused with a message asking for a smaller one.
MAX_PIXELS = 40_000_000
# libwebp decodes a whole WebP picture into two canvases and a copy (about 16 bytes a pixel).
MAX_PIXELS_BY_FORMAT = {"JPEG": MAX_PIXELS, "PNG": MAX_PIXELS, "WEBP": 10_000_000}
# Pillow refuses outright past twice this, and warns past it: our own check comes first.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
JPEG_QUALITY = 85
# Longest side of a stored copy: a flipchart or a receipt stays legible, a phone's 50 MP
# original does not fill the disk, and the copy (36 MB at most) fits beside the decoded picture.
MAX_SIDE = 3000
# A JPEG is decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling) when that still covers the
# stored size, or when decoding it whole would take more pixels than this: a progressive JPEG
# also holds its coefficients, about 2 bytes a pixel of the whole picture, while it decodes.
JPEG_DECODE_PIXELS = 16_000_000
# Source pixels shrunk at once: a band of about 1 MB.
BAND_PIXELS = 250_000
# Lanczos reaches 3 pixels either side, scaled by the shrink factor.
FILTER_SUPPORT = 3
LANCZOS = Image.Resampling.LANCZOS
# EXIF orientation to the transposition that makes a picture upright (as ImageOps does).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageStatus(models.TextChoices):
    """Where an uploaded picture is: only a ready one is ever shown."""

    PROCESSING = "processing", _("Being processed")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be read")


class UnreadableImage(Exception):
    """The stored upload turned out not to be a picture we can decode."""


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("This file is not a photo we can use. Upload a JPEG, PNG or WebP image."),
        code="invalid_image",
    )


def _too_large(pixels: int, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "This picture is too large (%(pixels)s megapixels); the most is %(limit)s. "
            "Please send a smaller one."
        ),
        code="too_many_pixels",
        params={"pixels": math.ceil(pixels / 1_000_000), "limit": limit // 1_000_000},
    )


def _open(source) -> Image.Image:
    """Open a picture from its header alone, refusing a format or size we do not take."""
    with warnings.catch_warnings():
        # Our limit answers first, in words: Pillow only warns between its limit and twice it.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(source, formats=FORMATS)
        except Image.DecompressionBombError as error:
            found = re.search(r"\((\d+) pixels\)", str(error))
            raise _too_large(int(found[1]) if found else 2 * MAX_PIXELS + 1, MAX_PIXELS) from None
    limit = MAX_PIXELS_BY_FORMAT[image.format]
    if image.width * image.height > limit:
        raise _too_large(image.width * image.height, limit)
    return image


def image_check(upload) -> str:
    """Return the upload's format, or raise a ValidationError, from its header alone."""
    upload.seek(0)
    try:
        with _open(upload) as image:
            image_format = image.format
            # Walks the file's structure (a PNG's chunk checksums) without decoding pixels.
            image.verify()
    except ValidationError:
        raise
    except Exception:  # whatever a damaged or hostile file makes Pillow raise
        raise _not_an_image() from None
    finally:
        upload.seek(0)
    return image_format


def _fitted(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    if max(width, height) <= max_side:
        return size
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _on_white(band: Image.Image) -> Image.Image:
    """The band in RGB, with anything transparent shown on white."""
    if band.mode == "RGB":
        return band
    if band.mode in ("RGBA", "LA", "PA", "P"):
        band = band.convert("RGBA")
        flat = Image.new("RGB", band.size, "white")
        flat.paste(band, mask=band.getchannel("A"))
        return flat
    return band.convert("RGB")


def _bands(image: Image.Image, size: tuple[int, int]) -> list[tuple[int, int, bytes]]:
    """A loaded picture shrunk to ``size`` in RGB, as bands of rows (top row, rows, pixels):
    3 bytes a pixel where a Pillow picture takes 4, while the decoded picture is still held.

    Each band is cut with the rows the filter reaches beyond it and resized through a box in
    its own coordinates, so the bands join into what resizing the whole picture gives.
    """
    width, height = image.size
    scale = height / size[1]
    margin = math.ceil(FILTER_SUPPORT * scale) + 1
    step = max(1, int(BAND_PIXELS / width / scale))
    bands = []
    for top in range(0, size[1], step):
        bottom = min(top + step, size[1])
        if size == image.size:
            piece = _on_white(image.crop((0, top, width, bottom)))
        else:
            first, last = top * scale, bottom * scale
            cut_top = max(0, math.floor(first) - margin)
            cut_bottom = min(height, math.ceil(last) + margin)
            band = _on_white(image.crop((0, cut_top, width, cut_bottom)))
            box = (0, first - cut_top, width, last - cut_top)
            piece = band.resize((size[0], bottom - top), LANCZOS, box=box)
        bands.append((top, bottom - top, piece.tobytes()))
    return bands


def _jpeg_scale(size: tuple[int, int], target: tuple[int, int]) -> int:
    """The scale to decode a JPEG at: the smallest picture that still covers ``target``,
    unless that is more than JPEG_DECODE_PIXELS."""
    width, height = size
    scales = (1, 2, 4, 8)
    covering = max(s for s in scales if width / s >= target[0] - 1 and height / s >= target[1] - 1)
    for scale in scales:
        if scale >= covering and (width / scale) * (height / scale) <= JPEG_DECODE_PIXELS:
            return scale
    return scales[-1]


def _shrunk_bands(source, max_side: int):
    """Decode a stored upload once and return its bands, their size and its orientation.

    The decoded picture is freed when this returns, before the bands are put together.
    """
    with _open(source) as image:
        size = _fitted(image.size, max_side)
        scale = _jpeg_scale(image.size, size) if image.format == "JPEG" else 1
        if scale > 1:
            image.draft(None, (image.width // scale, image.height // scale))
            size = _fitted(image.size, max_side)
        image.load()
        # After loading: a PNG may carry its EXIF after the pixels.
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
        return _bands(image, size), size, orientation


def image_clean(source, *, max_side: int = MAX_SIDE) -> bytes:
    """Read a stored upload and return a JPEG of its pixels alone: upright, no longer side
    than ``max_side``, without EXIF, GPS, XMP, ICC profile or comments.

    Raises UnreadableImage when the file is not a picture we accept or cannot be decoded.
    """
    source.seek(0)
    try:
        bands, size, orientation = _shrunk_bands(source, max_side)
    except Exception as error:  # a damaged or hostile file fails the same way every time
        raise UnreadableImage(type(error).__name__) from error
    clean = Image.new("RGB", size)
    while bands:
        top, rows, pixels = bands.pop(0)
        clean.paste(Image.frombytes("RGB", (size[0], rows), pixels), (0, top))
    if orientation in UPRIGHT:
        clean = clean.transpose(UPRIGHT[orientation])
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
