"""A person whose language is Welsh gets everything Codesign sends them in Welsh: the email,
its calendar invitation, the text message, the letter, the bell, and the PDF made for them."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from accounts.models import User
from contributions.services import contribution_set_status
from notifications.models import Notification
from outbox import texts
from outbox.models import OutboxMessage
from outbox.services import outbox_sweep
from participants.models import Membership
from participants.services import contact_preferences_save, participant_invite
from reports.models import Report
from reports.services import report_request
from sessions.calendar.services import calendar_feed_create
from sessions.models import WorkshopSession
from sessions.services import session_schedule
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db


def welsh(user):
    User.objects.filter(pk=user.pk).update(language="cy")
    user.refresh_from_db()
    return user


def schedule(world, capture):
    starts = timezone.now() + timedelta(days=5)
    with capture(execute=True):
        return session_schedule(
            project=world.project,
            created_by=world.users["facilitator"],
            title="Going home: what helps",
            title_cy="Mynd adref: beth sy'n helpu",
            kind=WorkshopSession.Kind.WORKSHOP,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Riverside Community Centre",
            online_link="https://meet.example.org/ward7",
            audience=WorkshopSession.Audience.EVERYONE,
        )


def ics_event(message):
    [attachment] = message.attachments
    calendar = Calendar.from_ical(attachment[1] if isinstance(attachment, tuple) else attachment)
    return next(component for component in calendar.walk("VEVENT"))


def test_a_welsh_speaker_is_invited_to_a_project_in_welsh(world):
    participant_invite(
        project=world.project,
        email="siwan@example.org",
        constituency="service_user",
        language="cy",
        invited_by=world.users["facilitator"],
    )
    message = OutboxMessage.objects.get(to="siwan@example.org")
    assert message.subject.startswith("Rydych wedi'ch gwahodd i gymryd rhan")
    assert "Mae defnyddwyr gwasanaeth, gofalwyr a staff yn cymryd rhan" in message.body_text
    assert '<html lang="cy">' in message.body_html and "take part" not in message.body_text


def test_a_welsh_speaker_gets_the_session_email_and_calendar_invitation_in_welsh(
    world, django_capture_on_commit_callbacks
):
    carer = welsh(world.users["carer"])
    schedule(world, django_capture_on_commit_callbacks)
    [to_carer] = [m for m in mail.outbox if m.to == [carer.email]]
    [to_staff] = [m for m in mail.outbox if m.to == [world.users["staff"].email]]
    assert to_carer.subject == "Sesiwn newydd: Mynd adref: beth sy'n helpu"
    assert to_staff.subject == "New session: Going home: what helps"
    assert "Helo" in to_carer.body and "Hello" not in to_carer.body
    event = ics_event(to_carer)
    assert str(event["summary"]) == "Mynd adref: beth sy'n helpu"
    assert "Ar-lein: https://meet.example.org/ward7" in str(event["description"])
    english = ics_event(to_staff)
    assert str(english["summary"]) == "Going home: what helps"
    assert "Online: https://meet.example.org/ward7" in str(english["description"])


def test_a_welsh_speaker_gets_texts_and_letters_in_welsh(world, django_capture_on_commit_callbacks):
    by_text, by_letter = welsh(world.users["service_user"]), welsh(world.users["carer"])
    contact_preferences_save(
        person=by_text, channel="text", mobile="07400 123456", changed_by=by_text
    )
    contact_preferences_save(
        person=by_letter,
        channel="letter",
        address_lines="Mrs Ada Jones\n4 Mill Lane\nRiverside",
        postcode="RS1 2AB",
        changed_by=by_letter,
    )
    schedule(world, django_capture_on_commit_callbacks)
    [text] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert text.body_text.startswith("Codesign: rydych wedi'ch gwahodd i \"Mynd adref")
    assert "Atebwch IE, NA neu EFALLAI." in text.body_text
    assert texts.segments(text.body_text) <= texts.MAX_SEGMENTS
    [letter] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.LETTER)
    assert letter.subject == "Sesiwn newydd: Mynd adref: beth sy'n helpu"
    assert letter.body_text.startswith("Annwyl")


def test_the_bell_and_its_email_speak_each_persons_language(world):
    author = welsh(world.users["service_user"])
    idea = ContributionFactory(
        project=world.project, author=Membership.objects.get(project=world.project, user=author)
    )
    contribution_set_status(
        contribution=idea,
        status="under_consideration",
        note="",
        changed_by=world.users["facilitator"],
    )
    bell = Notification.objects.get(user=author)
    assert bell.message.startswith("Mae eich syniad")
    assert "Yn cael ei ystyried" in bell.message


def test_a_report_is_made_in_the_language_of_whoever_asked_for_it(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    manager = welsh(world.users["manager"])
    report, _created = report_request(
        user=manager,
        organisation=world.organisation,
        project=world.project,
        kind=Report.Kind.REPORT,
        file_format="pdf",
    )
    outbox_sweep()
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    text = " ".join(pdf.split())
    assert "Adroddiad y prosiect" in text and "Project report" not in text


def test_a_welsh_speakers_calendar_feed_names_sessions_in_welsh(
    world, client, django_capture_on_commit_callbacks
):
    carer = welsh(world.users["carer"])
    schedule(world, django_capture_on_commit_callbacks)
    token = calendar_feed_create(user=carer)
    response = client.get(reverse("calendar:feed", args=[token]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Mynd adref: beth sy'n helpu"
