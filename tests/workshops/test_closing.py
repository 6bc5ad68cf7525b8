"""Closing a session: attendance, recognition offered, walk-ins, photos of room outputs."""

import io
import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from PIL import ExifTags, Image

from outbox.models import OutboxMessage
from participants.models import Constituency, Membership
from sessions.closing.selectors import attendance_by_constituency
from sessions.closing.services import (
    session_close,
    session_photo_add,
    walk_in_add,
    walk_in_invite,
)
from sessions.models import (
    Attendance,
    PaymentPolicy,
    Recognition,
    SessionPhoto,
    WalkIn,
    WorkshopSession,
)
from tests.factories import ReplyFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def running_session(world, **fields):
    now = timezone.now()
    fields.setdefault("status", WorkshopSession.Status.IN_PROGRESS)
    return WorkshopSessionFactory(
        project=world.project,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1, minutes=30),
        **fields,
    )


def close(world, session, roles, **fields):
    return session_close(
        session=session,
        attended_membership_ids=[member(world, role).pk for role in roles],
        record_notes=fields.get("record_notes", "Good discussion."),
        outputs=fields.get("outputs", "Three priorities."),
        closed_by=world.users["facilitator"],
    )


def close_url(world, session):
    return reverse("closing:session-close", args=[world.project.pk, session.pk])


# Closing and attendance


def test_closing_records_attendance_notes_and_marks_the_session_held(world):
    session = running_session(world)
    close(world, session, ["service_user", "staff"])
    session.refresh_from_db()
    assert session.status == WorkshopSession.Status.HELD
    assert session.record_notes == "Good discussion."
    assert session.outputs == "Three priorities."
    assert set(session.attendances.values_list("membership__user__email", flat=True)) == {
        "service_user@example.org",
        "staff@example.org",
    }


def test_closing_twice_duplicates_nothing(world):
    session = running_session(world)
    close(world, session, ["service_user", "carer"])
    close(world, session, ["service_user", "carer"])
    assert Attendance.objects.filter(session=session).count() == 2
    assert Recognition.objects.filter(attendance__session=session).count() == 2
    assert OutboxMessage.objects.filter(subject__startswith="Thank you for coming").count() == 2


def test_closing_again_corrects_the_list(world):
    session = running_session(world)
    close(world, session, ["service_user", "carer"])
    close(world, session, ["service_user", "staff"])
    assert set(
        Attendance.objects.filter(session=session).values_list(
            "membership__constituency", flat=True
        )
    ) == {Constituency.SERVICE_USER, Constituency.STAFF}
    # The carer's offer went with their attendance.
    assert not Recognition.objects.filter(attendance__membership=member(world, "carer")).exists()


def test_someone_whose_payment_is_approved_cannot_be_taken_off_the_list(world):
    session = running_session(world)
    close(world, session, ["service_user"])
    Recognition.objects.update(payment_status=Recognition.PaymentStatus.APPROVED)
    with pytest.raises(ValidationError, match="Service User"):
        close(world, session, [])
    assert Attendance.objects.filter(session=session).count() == 1


def test_only_the_sessions_audience_can_be_ticked(world):
    session = running_session(world, audience=WorkshopSession.Audience.SERVICE_USERS)
    with pytest.raises(ValidationError):
        close(world, session, ["staff"])
    outsider = Membership.objects.get(user=world.users["outsider"])
    with pytest.raises(ValidationError):
        session_close(
            session=session,
            attended_membership_ids=[outsider.pk],
            record_notes="",
            outputs="",
            closed_by=world.users["facilitator"],
        )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", ["scheduled", "cancelled"])
def test_a_session_that_has_not_started_or_was_cancelled_cannot_be_closed(world, status):
    session = running_session(world, status=status)
    with pytest.raises(ValidationError):
        close(world, session, ["service_user"])
    session.refresh_from_db()
    assert session.status == status
    assert not Attendance.objects.exists()


# Recognition offered on closing


def test_service_users_and_carers_are_offered_payment_and_staff_are_not(world):
    session = running_session(world)
    close(world, session, ["service_user", "carer", "staff", "facilitator"])
    offered = Recognition.objects.filter(attendance__session=session)
    assert set(offered.values_list("attendance__membership__constituency", flat=True)) == {
        Constituency.SERVICE_USER,
        Constituency.CARER,
    }
    assert set(offered.values_list("payment_status", flat=True)) == {"offered"}


def test_staff_are_paid_when_the_policy_says_so(world):
    PaymentPolicy.objects.create(project=world.project, pay_staff=True)
    session = running_session(world)
    close(world, session, ["staff", "facilitator"])
    assert Recognition.objects.filter(attendance__session=session).count() == 2


def test_hourly_policy_pays_hours_times_rate(world):
    PaymentPolicy.objects.create(project=world.project, hourly_rate=Decimal("18.50"))
    session = running_session(world)  # two and a half hours
    close(world, session, ["service_user"])
    recognition = Recognition.objects.get()
    assert recognition.hours == Decimal("2.50")
    assert recognition.amount == Decimal("46.25")


def test_fixed_policy_pays_the_amount_per_session(world):
    PaymentPolicy.objects.create(
        project=world.project, basis=PaymentPolicy.Basis.PER_SESSION, fixed_amount=Decimal("30")
    )
    session = running_session(world)
    close(world, session, ["carer"])
    assert Recognition.objects.get().amount == Decimal("30.00")


def test_the_policy_is_created_on_first_use_with_the_organisations_wording(world):
    world.organisation.payment_policy = "We pay £20 an hour by bank transfer."
    world.organisation.save()
    session = running_session(world)
    close(world, session, ["service_user"])
    policy = PaymentPolicy.objects.get(project=world.project)
    assert policy.notes == "We pay £20 an hour by bank transfer."
    assert Recognition.objects.get().amount == Decimal("50.00")  # 2.5 h at the default £20


def test_a_recognition_already_offered_keeps_its_amount_when_the_session_is_closed_again(world):
    session = running_session(world)
    close(world, session, ["service_user"])
    PaymentPolicy.objects.filter(project=world.project).update(hourly_rate=Decimal("99"))
    close(world, session, ["service_user", "carer"])
    amounts = dict(
        Recognition.objects.values_list("attendance__membership__constituency", "amount")
    )
    assert amounts == {
        Constituency.SERVICE_USER: Decimal("50.00"),
        Constituency.CARER: Decimal("247.50"),
    }


# The close page


def test_close_page_lists_the_audience_with_those_going_ticked(world, client):
    session = running_session(world)
    ReplyFactory(session=session, membership=member(world, "carer"), answer="going")
    ReplyFactory(session=session, membership=member(world, "staff"), answer="not_going")
    client.force_login(world.users["facilitator"])
    response = client.get(close_url(world, session))
    assert response.status_code == 200
    rows = {m.display_name: ticked for m, ticked in response.context["form"].attendance_rows()}
    assert rows == {"Carer": True, "Facilitator": False, "Service User": False, "Staff": False}
    html = response.content.decode()
    carer = member(world, "carer")
    assert re.search(rf'<input[^>]*value="{carer.pk}"[^>]*checked', html)
    staff = member(world, "staff")
    assert not re.search(rf'<input[^>]*value="{staff.pk}"[^>]*checked', html)
    assert "Observer" not in rows


def test_one_post_records_attendance_and_marks_held(world, client):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    response = client.post(
        close_url(world, session),
        {
            "attended": [member(world, "service_user").pk, member(world, "carer").pk],
            "record_notes": "Notes",
            "outputs": "Outputs",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "held"
    assert session.outputs == "Outputs"
    assert Attendance.objects.filter(session=session).count() == 2
    page = client.get(close_url(world, session))
    assert "Save changes" in page.content.decode()
    figures = {row.constituency: row.total for row in page.context["figures"]}
    assert figures[Constituency.SERVICE_USER] == 1 and figures[Constituency.CARER] == 1


def test_close_page_of_a_scheduled_session_sends_the_facilitator_back(world, client):
    session = WorkshopSessionFactory(project=world.project)
    client.force_login(world.users["facilitator"])
    response = client.post(close_url(world, session), {"attended": [], "outputs": "x"})
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    session.refresh_from_db()
    assert session.status == "scheduled"


@pytest.mark.parametrize(
    ("role", "status"),
    [("service_user", 403), ("manager", 403), ("observer", 403), ("outsider", 404)],
)
def test_only_facilitators_close_sessions(world, client, role, status):
    session = running_session(world)
    client.force_login(world.users[role])
    assert client.get(close_url(world, session)).status_code == status
    response = client.post(close_url(world, session), {"attended": [], "outputs": "x"})
    assert response.status_code == status
    session.refresh_from_db()
    assert session.status == "in_progress"


# Walk-ins


def test_walk_ins_count_in_the_figures_by_constituency(world):
    session = running_session(world)
    close(world, session, ["service_user", "staff"])
    for name, constituency in [("Ann", "service_user"), ("Bo", "carer"), ("Cy", "service_user")]:
        walk_in_add(
            session=session,
            name=name,
            constituency=constituency,
            added_by=world.users["facilitator"],
        )
    figures = {
        row.constituency: (row.members, row.walk_ins) for row in attendance_by_constituency(session)
    }
    assert figures == {
        "service_user": (1, 2),
        "carer": (0, 1),
        "staff": (1, 0),
        "other": (0, 0),
    }


def test_walk_in_added_through_the_page(world, client):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    url = reverse("closing:walk-in-add", args=[world.project.pk, session.pk])
    response = client.post(url, {"name": "Dee", "constituency": "carer", "email": ""})
    assert response.status_code == 302
    assert WalkIn.objects.get().name == "Dee"


def test_inviting_a_walk_in_makes_them_a_member_who_attended_and_is_offered_payment(world, client):
    session = running_session(world)
    close(world, session, ["service_user"])
    walk_in = walk_in_add(
        session=session,
        name="Eve Walker",
        constituency="service_user",
        email="eve@example.org",
        added_by=world.users["facilitator"],
    )
    client.force_login(world.users["facilitator"])
    response = client.post(
        reverse("closing:walk-in-invite", args=[world.project.pk, session.pk, walk_in.pk])
    )
    assert response.status_code == 302
    walk_in.refresh_from_db()
    membership = walk_in.invited_membership
    assert membership.user.email == "eve@example.org"
    assert membership.status == Membership.Status.INVITED
    assert membership.display_name == "Eve Walker"
    assert OutboxMessage.objects.filter(to="eve@example.org").count() == 1  # the invitation
    assert Recognition.objects.filter(attendance__membership=membership).exists()
    # Counted once: as a member who attended, no longer as a walk-in.
    service_users = [
        r for r in attendance_by_constituency(session) if r.constituency == "service_user"
    ]
    assert (service_users[0].members, service_users[0].walk_ins) == (2, 0)
    # Closing again keeps them on the list.
    session_close(
        session=session,
        attended_membership_ids=[member(world, "service_user").pk, membership.pk],
        record_notes="",
        outputs="",
        closed_by=world.users["facilitator"],
    )
    assert Attendance.objects.filter(session=session).count() == 2


def test_a_walk_in_is_invited_once_and_only_with_an_email(world):
    session = running_session(world)
    facilitator = world.users["facilitator"]
    no_email = walk_in_add(session=session, name="Fay", constituency="carer", added_by=facilitator)
    with pytest.raises(ValidationError):
        walk_in_invite(walk_in=no_email, invited_by=facilitator)
    walk_in = walk_in_add(
        session=session,
        name="Gil",
        constituency="carer",
        email="gil@example.org",
        added_by=facilitator,
    )
    walk_in_invite(walk_in=walk_in, invited_by=facilitator)
    with pytest.raises(ValidationError):
        walk_in_invite(walk_in=walk_in, invited_by=facilitator)
    assert Membership.objects.filter(user__email="gil@example.org").count() == 1


# Photos of room outputs


def photo_with_location(size=(40, 20), orientation=6, image_format="JPEG"):
    """A photo carrying camera details and GPS, taken with the phone on its side."""
    image = Image.new("RGB", size, "red")
    image.putpixel((0, 0), (0, 0, 255))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Pocket 12"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    out = io.BytesIO()
    image.save(out, image_format, exif=exif)
    return out.getvalue()


def photos_url(world, session):
    return reverse("closing:session-photos", args=[world.project.pk, session.pk])


def upload(
    client, world, session, content, name="flipchart.jpg", caption="Flipchart of priorities"
):
    return client.post(
        photos_url(world, session),
        {"image": SimpleUploadedFile(name, content), "caption": caption},
    )


def test_a_photo_is_stored_upright_without_location_or_camera_details(
    world, client, django_capture_on_commit_callbacks
):
    original = photo_with_location()
    with Image.open(io.BytesIO(original)) as source:  # the test photo really carries them
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert source.getexif()[ExifTags.Base.Make] == "PhoneMaker"
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    with django_capture_on_commit_callbacks(execute=True):  # the worker's job runs at once
        response = upload(client, world, session, original)
    assert response.status_code == 302
    photo = SessionPhoto.objects.get()
    assert photo.image_status == "ready"
    assert photo.caption == "Flipchart of priorities"
    with open(photo.image.path, "rb") as stored:
        content = stored.read()
    assert b"Exif" not in content and b"PhoneMaker" not in content and b"Pocket" not in content
    with Image.open(io.BytesIO(content)) as stored_image:
        assert stored_image.format == "JPEG"
        assert len(stored_image.getexif()) == 0
        assert "exif" not in stored_image.info and "xmp" not in stored_image.info
        assert stored_image.size == (20, 40)  # turned upright before the orientation was dropped
    assert photo.image.name.startswith(f"session-photos/{world.project.pk}/")
    assert "flipchart" not in photo.image.name


def test_png_and_webp_are_accepted_and_stored_as_jpeg(
    world, client, django_capture_on_commit_callbacks
):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    for image_format, name in [("PNG", "a.png"), ("WEBP", "b.webp")]:
        out = io.BytesIO()
        Image.new("RGBA", (10, 10), (0, 255, 0, 128)).save(out, image_format)
        with django_capture_on_commit_callbacks(execute=True):
            assert upload(client, world, session, out.getvalue(), name=name).status_code == 302
    for photo in SessionPhoto.objects.all():
        with Image.open(photo.image.path) as stored:
            assert stored.format == "JPEG"
            # Half-transparent green, shown on white.
            assert stored.getpixel((5, 5)) == pytest.approx((127, 255, 127), abs=3)


def test_a_file_that_is_not_an_image_is_refused_next_to_the_field(world, client):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    response = upload(client, world, session, b"<script>alert(1)</script>", name="evil.jpg")
    assert response.status_code == 200
    assert "image" in response.context["form"].errors
    assert "not a photo we can use" in response.context["form"].errors["image"][0]
    assert 'id="error_1_id_image"' in response.content.decode()
    assert not SessionPhoto.objects.exists()


def test_an_image_of_another_format_is_refused(world, client):
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = upload(client, world, session, out.getvalue(), name="x.gif")
    assert "image" in response.context["form"].errors
    assert not SessionPhoto.objects.exists()


def test_an_oversize_photo_is_refused(world, client, settings):
    settings.SESSION_PHOTO_MAX_BYTES = 500
    content = photo_with_location(size=(400, 400))
    assert len(content) > 500
    session = running_session(world)
    client.force_login(world.users["facilitator"])
    response = upload(client, world, session, content)
    assert response.status_code == 200
    assert "the most we accept is 500" in response.context["form"].errors["image"][0]
    assert not SessionPhoto.objects.exists()


def test_a_photo_without_caption_gets_a_numbered_description(world):
    session = running_session(world)
    for _ in range(2):
        session_photo_add(
            session=session,
            image=io.BytesIO(photo_with_location()),
            caption="  ",
            uploaded_by=world.users["facilitator"],
        )
    assert list(SessionPhoto.objects.values_list("caption", flat=True)) == [
        "Photo of room output 1",
        "Photo of room output 2",
    ]


def test_members_cannot_upload_photos(world, client):
    session = running_session(world)
    client.force_login(world.users["service_user"])
    assert upload(client, world, session, photo_with_location()).status_code == 403
    assert not SessionPhoto.objects.exists()


@pytest.fixture
def photo(world, django_capture_on_commit_callbacks):
    """A photo the worker has processed."""
    session = running_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        photo = session_photo_add(
            session=session,
            image=io.BytesIO(photo_with_location()),
            caption="Wall of sticky notes",
            uploaded_by=world.users["facilitator"],
        )
    photo.refresh_from_db()
    return photo


def photo_url(photo):
    return reverse(
        "closing:photo-file", args=[photo.session.project_id, photo.session_id, photo.pk]
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_manager", 404),
        ("manager", 403),  # sees the project and its sessions, not the room's photos
        ("service_user", 200),
        ("staff", 200),
        ("observer", 200),
        ("facilitator", 200),
        ("org_admin", 200),
    ],
)
def test_photos_are_served_only_to_the_projects_members(world, client_for, photo, role, status):
    response = client_for(world.users[role]).get(photo_url(photo))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as served:
            assert served.format == "JPEG"


def test_photos_are_not_under_a_public_media_url(photo, settings):
    with pytest.raises(Resolver404):
        resolve("/" + photo.image.name)
    with pytest.raises(Resolver404):
        resolve((settings.MEDIA_URL or "/media/") + photo.image.name)


def test_members_see_thumbnails_described_by_their_caption(world, client, photo):
    client.force_login(world.users["carer"])
    response = client.get(photos_url(world, photo.session))
    html = response.content.decode()
    assert f'src="{photo_url(photo)}"' in html
    assert 'alt="Wall of sticky notes"' in html
    assert "Upload photo" not in html
    client.force_login(world.users["facilitator"])
    html = client.get(close_url(world, photo.session)).content.decode()
    assert 'alt="Wall of sticky notes"' in html


def test_deleting_a_photo_asks_first_then_removes_the_file(
    world, client, photo, django_capture_on_commit_callbacks
):
    url = reverse("closing:photo-delete", args=[world.project.pk, photo.session_id, photo.pk])
    path = photo.image.path
    client.force_login(world.users["service_user"])
    assert client.post(url).status_code == 403
    client.force_login(world.users["facilitator"])
    assert client.get(url).status_code == 200
    assert SessionPhoto.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not SessionPhoto.objects.exists()
    assert not os.path.exists(path)
