"""Letters without GOV.UK Notify: the print queue, its PDF and marking letters posted."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEntry
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver, outbox_letter

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def letter(project, name="Mrs Ada Jones", subject="Your session on Tuesday"):
    message = outbox_letter(
        address=f"{name}\n4 Mill Lane\nRiverside\nRS1 2AB",
        subject=subject,
        body="Dear Ada,\nThe session is on Tuesday at 2pm in the Riverside Centre.",
        project=project,
    )
    outbox_deliver(message_id=message.pk)
    return message


def text_positions(page):
    """[(text, x mm from the left, y mm from the top)] of each line drawn on a page."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


def test_the_letters_pdf_is_a4_with_each_address_in_the_envelope_window(world, client):
    letter(world.project)
    letter(world.project, name="Mr Lee Nurse", subject="A change to your session")
    client.force_login(world.users["facilitator"])
    response = client.get(reverse("outbox:print-queue-pdf", args=[world.project.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    for page, name in zip(reader.pages, ["Mrs Ada Jones", "Mr Lee Nurse"], strict=True):
        assert round(float(page.mediabox.width) / MM) == 210
        assert round(float(page.mediabox.height) / MM) == 297
        lines = text_positions(page)
        address = [(t, x, y) for t, x, y in lines if t in (name, "4 Mill Lane", "RS1 2AB")]
        assert len(address) == 3
        for _text, x, y in address:
            # Notify's address area: 24.6-120 mm from the left, 40-66.2 mm from the top
            # (y is a baseline: the letters sit above it, inside the area).
            assert 24.6 <= x < 120
            assert 40 < y <= 66.2
        assert any(y > 95 for t, x, y in lines if "Tuesday at 2pm" in t)


def test_facilitators_see_waiting_letters_and_mark_them_posted(world, client):
    waiting, other = letter(world.project), letter(world.project, name="Mr Lee Nurse")
    client.force_login(world.users["facilitator"])
    page = client.get(reverse("outbox:print-queue", args=[world.project.pk])).content.decode()
    assert "Mrs Ada Jones" in page and "Mr Lee Nurse" in page
    response = client.post(
        reverse("outbox:print-queue-posted", args=[world.project.pk]), {"letter": [waiting.pk]}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.posted_at and waiting.posted_by == world.users["facilitator"]
    assert other.posted_at is None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LETTERS_POSTED)
    assert entry.details == {"letters": [waiting.pk]} and entry.project == world.project
    page = client.get(reverse("outbox:print-queue", args=[world.project.pk])).content.decode()
    assert "Posted lately" in page
    listed = client.get(reverse("outbox:message-list", args=[world.project.pk])).content.decode()
    assert "Posted" in listed and "Waiting to be posted" in listed


def test_another_projects_letters_cannot_be_marked_posted(world, client):
    other_project_letter = letter(world.other_project)
    client.force_login(world.users["facilitator"])
    client.post(
        reverse("outbox:print-queue-posted", args=[world.project.pk]),
        {"letter": [other_project_letter.pk]},
    )
    other_project_letter.refresh_from_db()
    assert other_project_letter.posted_at is None
    assert OutboxMessage.objects.filter(posted_at__isnull=False).count() == 0


def test_the_channel_pages_cost_the_same_queries_for_one_row_or_many(world, client, count_queries):
    from outbox.models import InboundText
    from outbox.services import outbox_text

    client.force_login(world.users["facilitator"])
    pages = [
        reverse(name, args=[world.project.pk])
        for name in ("outbox:print-queue", "outbox:message-list", "outbox:inbound-texts")
    ]

    def add(n):
        for index in range(n):
            letter(world.project, name=f"Person {index}")
            outbox_text(
                phone="+447400123456",
                body="Codesign: hello",
                project=world.project,
                recipient=world.users["service_user"],
            )
            InboundText.objects.create(
                notify_id=f"count-{n}-{index}",
                source_number="+447400123456",
                content="What time?",
                received_at=timezone.now(),
                outcome=InboundText.Outcome.UNCLEAR,
                project=world.project,
                sender=world.users["service_user"],
            )

    add(1)
    few = [count_queries(lambda url=url: client.get(url)) for url in pages]
    add(6)
    many = [count_queries(lambda url=url: client.get(url)) for url in pages]
    assert few == many
