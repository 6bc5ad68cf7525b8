"""The organisation's look: a logo checked before it is kept and a colour pair checked for
contrast, shown on its pages, emails, posters and reports."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from changes.yousaid.pdf import poster_pdf
from changes.yousaid.selectors import changes_done, you_said_we_did_of
from codesign.look import contrast_ratio, look_of
from outbox.services import email_render
from projects.models import Organisation
from reports import pdf as report_pdf
from reports.models import Report
from tests.factories import WorkshopSessionFactory

pytestmark = pytest.mark.django_db

DARK, LIGHT = "#0b3d2e", "#fdf6e3"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def picture(image_format="PNG", size=(120, 60), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=image_format, **options)
    return out.getvalue()


def settings_form(organisation, **changes):
    return {
        "name": organisation.name,
        "time_zone": organisation.time_zone,
        "parity_threshold": organisation.parity_threshold,
        "look_background": "",
        "look_text": "",
        **changes,
    }


def post_settings(client, organisation, **changes):
    url = reverse("projects:organisation-edit", args=[organisation.pk])
    return client.post(url, settings_form(organisation, **changes))


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["org_admin"])
    return client


def field_error(response, field: str) -> str:
    """The error shown beside a field (crispy's invalid-feedback under the input)."""
    html = response.content.decode()
    found = re.search(rf'id="error_\d+_id_{field}"[^>]*>(.*?)</', html, re.S)
    return " ".join(found[1].split()) if found else ""


def test_contrast_ratio_follows_wcag():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert contrast_ratio("#1d4f73", "#ffffff") > 4.5


def test_a_colour_pair_below_four_and_a_half_to_one_is_refused_beside_the_field(
    admin_client, world
):
    response = post_settings(
        admin_client, world.organisation, look_background="#777777", look_text="#ffffff"
    )
    assert response.status_code == 200
    assert "contrast 4.4:1" in field_error(response, "look_text")
    world.organisation.refresh_from_db()
    assert world.organisation.look_background == ""


def test_one_colour_alone_is_refused(admin_client, world):
    response = post_settings(admin_client, world.organisation, look_background="#0b3d2e")
    assert "Choose both colours" in field_error(response, "look_text")


def test_a_readable_pair_is_kept_and_colours_the_header_by_a_stylesheet(admin_client, world):
    response = post_settings(
        admin_client, world.organisation, look_background="#0B3D2E", look_text="fdf6e3"
    )
    assert response.status_code == 302
    world.organisation.refresh_from_db()
    assert (world.organisation.look_background, world.organisation.look_text) == (DARK, LIGHT)
    page = admin_client.get(world.organisation.get_absolute_url()).content.decode()
    href = "/look/0b3d2e-fdf6e3.css"
    assert f'<link rel="stylesheet" href="{href}">' in page
    assert 'class="org-look' in page and "style=" not in page.split("<main")[0]
    css = admin_client.get(href)
    assert css["Content-Type"].startswith("text/css")
    assert b"background-color:#0b3d2e;color:#fdf6e3" in css.content
    # Colours that would not be readable are never served.
    assert admin_client.get("/look/777777-ffffff.css").status_code == 404
    # A project's pages carry its organisation's look.
    project_page = admin_client.get(world.project.get_absolute_url()).content.decode()
    assert href in project_page


def test_without_a_choice_the_header_has_codesigns_look(admin_client, world):
    page = admin_client.get(world.organisation.get_absolute_url()).content.decode()
    assert "/look/" not in page
    assert 'data-testid="organisation-look"' in page
    look = look_of(world.organisation)
    assert (look.background, look.text, look.logo_url) == ("#1d4f73", "#ffffff", "")


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_logo_is_kept_re_encoded_without_its_metadata_and_served_safely(
    admin_client, world, image_format
):
    options = {"comment": b"secret camera note"} if image_format == "JPEG" else {}
    upload = SimpleUploadedFile("logo", picture(image_format, **options))
    response = post_settings(admin_client, world.organisation, logo_upload=upload)
    assert response.status_code == 302, field_error(response, "logo_upload")
    world.organisation.refresh_from_db()
    look = look_of(world.organisation)
    assert re.fullmatch(r"/logos/[0-9a-f]{64}\.png", look.logo_url)
    served = admin_client.get(look.logo_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    data = b"".join(served.streaming_content)
    assert b"secret camera note" not in data
    kept = Image.open(io.BytesIO(data))
    assert kept.format == "PNG" and kept.size == (120, 60)
    assert look.logo_url in admin_client.get(world.project.get_absolute_url()).content.decode()
    # Signed out, the logo is still there (emails show it); an unknown digest is not.
    admin_client.logout()
    assert admin_client.get(look.logo_url).status_code == 200
    assert admin_client.get("/logos/" + "0" * 64 + ".png").status_code == 404


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "content, expected",
    [
        pytest.param(SVG, "not a logo we can use", id="svg"),
        pytest.param(picture("GIF"), "not a logo we can use", id="gif"),
        pytest.param(
            picture() + b"<html><script>alert(document.cookie)</script></html>",
            "not a logo we can use",
            id="png-html-polyglot",
        ),
        pytest.param(
            picture("JPEG") + b"<script>alert(1)</script>\xff\xd9",
            "not a logo we can use",
            id="jpeg-polyglot",
        ),
        pytest.param(picture()[:-30], "not a logo we can use", id="truncated"),
        pytest.param(picture(size=(2500, 2500)), "too many pixels", id="too-many-pixels"),
        pytest.param(b"\x89PNG" + b"0" * (2 * 1024 * 1024), "too large", id="too-many-bytes"),
    ],
)
def test_a_logo_that_is_not_a_plain_png_or_jpeg_is_refused(admin_client, world, content, expected):
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = post_settings(admin_client, world.organisation, logo_upload=upload)
    assert response.status_code == 200
    assert expected in field_error(response, "logo_upload")
    assert not Organisation.objects.get(pk=world.organisation.pk).logo


def with_look(world, admin_client):
    post_settings(
        admin_client,
        world.organisation,
        look_background=DARK,
        look_text=LIGHT,
        logo_upload=SimpleUploadedFile("logo.png", picture()),
    )
    world.organisation.refresh_from_db()
    return look_of(world.organisation)


def test_emails_carry_the_organisations_header(admin_client, world, settings):
    settings.CODESIGN_SITE_URL = "https://codesign.example.org"
    look = with_look(world, admin_client)
    rendered = email_render(
        template="organisation_role_granted",
        context={"organisation": world.organisation, "role": "Manager"},
    )
    html = rendered["body_html"]
    header = html.split("<body", 1)[1].split("</table>", 1)[0]
    assert f'src="https://codesign.example.org{look.logo_url}"' in header
    assert f"background-color:{DARK}" in header and f"color:{LIGHT}" in header
    assert "Riverside Trust" in header


def test_the_printed_agenda_and_sign_in_sheet_carries_the_look(admin_client, world):
    look = with_look(world, admin_client)
    session = WorkshopSessionFactory(project=world.project)
    admin_client.force_login(world.users["facilitator"])
    html = admin_client.get(
        reverse("workshops:session-print", args=[world.project.pk, session.pk])
    ).content.decode()
    assert look.stylesheet_url in html
    assert f'<img src="{look.logo_url}"' in html and "Riverside Trust" in html


def images_in(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


def test_the_poster_and_the_report_carry_the_logo(admin_client, world):
    report = Report(organisation=world.organisation, kind=Report.Kind.REPORT, parameters={})
    bare_poster = poster_pdf(
        project=world.project,
        record=you_said_we_did_of(world.project),
        changes=list(changes_done(world.project)),
    )
    assert images_in(bare_poster) == 0
    with_look(world, admin_client)
    world.project.organisation.refresh_from_db()
    poster = poster_pdf(
        project=world.project,
        record=you_said_we_did_of(world.project),
        changes=list(changes_done(world.project)),
    )
    assert images_in(poster) == 1
    assert "Riverside Trust" in PdfReader(io.BytesIO(poster)).pages[0].extract_text()
    handle = io.BytesIO()
    report_pdf.write(report, handle)
    assert images_in(handle.getvalue()) == 1


def test_the_demo_trust_has_its_look_and_a_paused_example_webhook():
    from django.core.management import call_command

    from webhooks.models import WebhookEndpoint

    call_command("seed_demo")
    trust = Organisation.objects.get(name="Riverside NHS Foundation Trust")
    look = look_of(trust)
    assert look.chosen and look.logo_url and contrast_ratio(look.background, look.text) >= 4.5
    (endpoint,) = WebhookEndpoint.objects.filter(organisation=trust)
    assert endpoint.paused and endpoint.url.startswith("https://hooks.example.org/")


def test_a_logo_replaced_or_removed_is_deleted_unless_another_organisation_shows_it(
    admin_client, world, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from projects.services import organisation_update

    first, second = picture(size=(100, 50)), picture(size=(110, 50))
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=world.organisation, logo=first)
        organisation_update(organisation=world.other_organisation, logo=first)
    shared = world.organisation.logo.name
    assert default_storage.exists(shared)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=world.organisation, logo=second)
    assert default_storage.exists(shared)  # the other organisation still shows it
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=world.other_organisation, logo_remove=True)
    assert not default_storage.exists(shared)
    replaced = world.organisation.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(organisation=world.organisation, logo_remove=True)
    assert not default_storage.exists(replaced)
