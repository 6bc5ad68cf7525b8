"""Uploaded pictures (session photos, photographed receipts): the request reads the header
alone and stores the file as sent; the worker makes the copy people see, and until then nobody
is shown anything. Memory is measured in a process of its own (tests/workshops/upload_probe.py).
"""

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageDraw

from outbox.models import OutboxMessage
from sessions.closing.services import PHOTO_JOB, RECEIPT_JOB, session_photo_add
from sessions.closing.uploads import expense_receipt_process, session_photo_process
from sessions.models import ExpenseClaim, SessionPhoto

from .test_closing import photo_with_location, photos_url, running_session
from .test_payments import held_session, recognition_of, url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOO_LARGE = "This picture is too large (56 megapixels); the most is 40. Please send a smaller one."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def png_claiming(width: int, height: int, pixels: bytes = b"") -> bytes:
    """A PNG whose header claims width × height pixels, with ``pixels`` as its only data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def flat_png(path: Path, size: tuple[int, int]) -> Path:
    """A mostly flat RGB picture: a small file that decodes to a big one."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 500):
        draw.line((x, 0, size[0] - x, size[1]), fill="red", width=9)
    image.save(path, "PNG")
    return path


def probe(picture: Path, tmp_path: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite://:memory:",
        "MEDIA_ROOT": str(tmp_path / "probe-media"),
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.workshops.upload_probe", str(picture)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


# Memory: each upload in a fresh process, measured from a base taken after a first upload.


def test_a_7000_by_8000_png_is_refused_from_its_header_within_200_mb(tmp_path):
    """The issue's upload: a small PNG of 56 MP. Decoded whole, as before, it took 840 MB above
    the base here, photo and receipt together."""
    picture = flat_png(tmp_path / "huge.png", (7000, 8000))
    assert picture.stat().st_size < 1_000_000
    report = probe(picture, tmp_path)
    assert report["photo"] == {"status": 200, "errors": {"image": [TOO_LARGE]}}
    assert report["receipt"] == {"status": 200, "errors": {"receipt": [TOO_LARGE]}}
    assert report["peak_above_base_mb"] < 200, report


def test_a_40_megapixel_png_is_stored_and_processed_within_200_mb(tmp_path):
    """The largest picture accepted, through the pages and the worker's jobs in one process."""
    picture = flat_png(tmp_path / "large.png", (7200, 5500))
    report = probe(picture, tmp_path)
    assert report["photo"]["status"] == report["receipt"]["status"] == 302, report
    # The warm-up upload and this one, each as a photo and a receipt.
    assert report["photos_ready"] == report["receipts_ready"] == 2
    assert report["peak_above_base_mb"] < 200, report


# The header check, in the request


def post_photo(client, world, session, content, name="flipchart.png"):
    return client.post(
        photos_url(world, session),
        {"image": SimpleUploadedFile(name, content), "caption": "Flipchart"},
    )


def test_a_picture_over_40_megapixels_is_refused_next_to_the_field(world, client, media):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    response = post_photo(client, world, session, png_claiming(7000, 8000))
    assert response.status_code == 200
    assert response.context["form"].errors["image"] == [TOO_LARGE]
    html = response.content.decode()
    assert 'id="error_1_id_image"' in html and TOO_LARGE in html
    held_session(world)
    client.force_login(world.users["carer"])
    response = client.post(
        url("own-expense-claim-add", world, recognition_of(world, "carer").pk),
        {
            "kind": "travel",
            "amount": "3",
            "receipt": SimpleUploadedFile("r.png", png_claiming(7000, 8000)),
        },
    )
    assert response.context["form"].errors["receipt"] == [TOO_LARGE]
    assert 'id="error_1_id_receipt"' in response.content.decode()
    assert not SessionPhoto.objects.exists() and not ExpenseClaim.objects.exists()
    assert not OutboxMessage.objects.filter(kind="job").exists()
    assert stored_files(media) == []


def test_a_header_past_pillows_own_limit_is_refused_the_same_way(world, client):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    response = post_photo(client, world, session, png_claiming(20_000, 20_000))
    assert response.context["form"].errors["image"] == [
        "This picture is too large (400 megapixels); the most is 40. Please send a smaller one."
    ]


def test_a_webp_picture_has_a_lower_limit(world, client):
    """libwebp decodes a whole WebP picture at about 16 bytes a pixel."""
    out = io.BytesIO()
    Image.new("RGB", (4000, 2600), "white").save(out, "WEBP")
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    response = post_photo(client, world, session, out.getvalue(), name="wall.webp")
    assert response.context["form"].errors["image"] == [
        "This picture is too large (11 megapixels); the most is 10. Please send a smaller one."
    ]


# Stored as sent, shown to nobody until the worker has made its copy


def test_an_upload_is_kept_as_sent_and_shown_to_nobody_until_processed(world, client, media):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    assert post_photo(client, world, session, photo_with_location(), "f.jpg").status_code == 302
    photo = SessionPhoto.objects.get()
    assert photo.image_status == "processing"
    with open(photo.image.path, "rb") as stored:
        assert b"PhoneMaker" in stored.read()  # as sent: the worker has not run yet
    job = OutboxMessage.objects.get(kind="job")
    assert (job.job, job.payload) == (PHOTO_JOB, {"photo_id": photo.pk})
    file_url = reverse("closing:photo-file", args=[world.project.pk, session.pk, photo.pk])
    for role in ("facilitator", "service_user"):
        client.force_login(world.users[role])
        assert client.get(file_url).status_code == 404, role
        html = client.get(photos_url(world, session)).content.decode()
        assert "Being processed" in html and f'"{file_url}"' not in html
        assert f'hx-select="#session-photo-{photo.pk}"' in html  # asks again until it is ready
    session_photo_process(photo_id=photo.pk)
    html = client.get(photos_url(world, session)).content.decode()
    assert f'src="{file_url}"' in html and "Being processed" not in html and "hx-get" not in html
    assert client.get(file_url).status_code == 200


def test_the_worker_strips_a_photo_and_a_second_run_does_nothing(world, media):
    photo = session_photo_add(
        session=running_session(world),
        image=io.BytesIO(photo_with_location(size=(40, 20), orientation=6)),
        caption="Wall",
        uploaded_by=world.users["facilitator"],
    )
    [original] = stored_files(media)
    assert session_photo_process(photo_id=photo.pk) == "ready"
    photo.refresh_from_db()
    assert photo.image_status == "ready"
    assert stored_files(media) == [photo.image.name] != [original]  # the upload as sent is gone
    content = photo.image.read()
    assert b"Exif" not in content and b"PhoneMaker" not in content and b"Pocket" not in content
    with Image.open(io.BytesIO(content)) as clean:
        assert clean.format == "JPEG" and clean.size == (20, 40)
        assert len(clean.getexif()) == 0 and not clean.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert session_photo_process(photo_id=photo.pk) is None
    photo.refresh_from_db()
    assert stored_files(media) == [photo.image.name]
    assert photo.image.read() == content


def test_a_large_photo_is_stored_at_3000_pixels_on_its_longest_side(world):
    out = io.BytesIO()
    Image.new("RGB", (6400, 4800), "white").save(out, "JPEG")
    photo = session_photo_add(
        session=running_session(world), image=out, uploaded_by=world.users["facilitator"]
    )
    session_photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    with Image.open(photo.image.path) as clean:
        assert clean.size == (3000, 2250)


def test_the_worker_strips_a_receipt_and_a_second_run_does_nothing(world, client, media):
    held_session(world)
    recognition = recognition_of(world, "carer")
    client.force_login(world.users["carer"])
    response = client.post(
        url("own-expense-claim-add", world, recognition.pk),
        {
            "kind": "travel",
            "amount": "3",
            "receipt": SimpleUploadedFile("r.png", photo_with_location(image_format="PNG")),
        },
    )
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.receipt_status == "processing"
    job = OutboxMessage.objects.get(kind="job")
    assert (job.job, job.payload) == (RECEIPT_JOB, {"claim_id": claim.pk})
    receipt_url = url("expense-receipt", world, recognition.pk, claim.pk)
    page = client.get(url("my-payments", world)).content.decode()
    assert "the receipt is being processed" in page and receipt_url not in page
    for role in ("carer", "facilitator"):
        client.force_login(world.users[role])
        assert client.get(receipt_url).status_code == 404, role
    assert expense_receipt_process(claim_id=claim.pk) == "ready"
    claim.refresh_from_db()
    assert claim.receipt.name.endswith(".jpg")
    assert stored_files(media) == [claim.receipt.name]
    response = client.get(receipt_url)
    assert response["Content-Type"] == "image/jpeg"
    content = b"".join(response.streaming_content)
    assert b"Exif" not in content and b"PhoneMaker" not in content
    assert expense_receipt_process(claim_id=claim.pk) is None
    assert stored_files(media) == [claim.receipt.name]
    client.force_login(world.users["carer"])
    assert receipt_url in client.get(url("my-payments", world)).content.decode()


def test_a_pdf_receipt_is_ready_at_once(world, client):
    held_session(world)
    recognition = recognition_of(world, "carer")
    client.force_login(world.users["carer"])
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    client.post(
        url("own-expense-claim-add", world, recognition.pk),
        {"kind": "travel", "amount": "3", "receipt": pdf},
    )
    claim = ExpenseClaim.objects.get()
    assert claim.receipt_status == "ready"
    assert not OutboxMessage.objects.filter(kind="job").exists()
    assert client.get(url("expense-receipt", world, recognition.pk, claim.pk)).status_code == 200


def test_a_picture_the_worker_cannot_decode_is_marked_and_its_upload_removed(world, client, media):
    """A header that passes the request's check over pixel data that is not there."""
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    broken = png_claiming(640, 480, pixels=zlib.compress(b"\x00" * 100))
    assert post_photo(client, world, session, broken).status_code == 302
    photo = SessionPhoto.objects.get()
    assert session_photo_process(photo_id=photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.image_status == "failed"
    assert stored_files(media) == []
    assert session_photo_process(photo_id=photo.pk) is None
    html = client.get(photos_url(world, session)).content.decode()
    assert "This photo could not be read. Delete it and upload it again." in html
    assert "hx-get" not in html


def test_a_photo_deleted_before_the_worker_runs_is_left_alone(
    world, client, media, django_capture_on_commit_callbacks
):
    photo = session_photo_add(
        session=running_session(world),
        image=io.BytesIO(photo_with_location()),
        uploaded_by=world.users["facilitator"],
    )
    client.force_login(world.users["facilitator"])
    delete_url = reverse(
        "closing:photo-delete", args=[world.project.pk, photo.session_id, photo.pk]
    )
    assert "<img" not in client.get(delete_url).content.decode().split("<main")[-1]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url).status_code == 302
    assert session_photo_process(photo_id=photo.pk) is None
    assert stored_files(media) == []
