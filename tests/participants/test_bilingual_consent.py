"""Consent statements and invitations in English and Welsh, with easy-read versions."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from participants.models import ConsentStatement, Membership
from participants.services import consent_give, consent_statement_publish, participant_invite

pytestmark = pytest.mark.django_db

EASY = "You can stop at any time.\nWe keep your ideas safe."


def test_the_statement_form_saves_welsh_and_easy_read_as_a_new_version(world, client):
    client.force_login(world.users["facilitator"])
    url = reverse("participants:consent-statement", args=[world.project.pk])
    page = client.get(url).content.decode()
    assert "In Welsh (Cymraeg)" in page and "Easy read" in page
    texts = {
        "text": "We use what you say to improve the ward.",
        "text_cy": "Rydym yn defnyddio'r hyn a ddywedwch i wella'r ward.",
        "text_easy_read": EASY,
        "text_easy_read_cy": "Gallwch stopio unrhyw bryd.",
    }
    assert client.post(url, texts).status_code == 302
    latest = world.project.consent_statements.order_by("-version").first()
    assert {name: getattr(latest, name) for name in texts} == texts
    # The form starts from the latest version's texts, and saving them unchanged adds none.
    assert "Gallwch stopio unrhyw bryd." in client.get(url).content.decode()
    client.post(url, texts)
    assert world.project.consent_statements.order_by("-version").first().pk == latest.pk


def test_a_new_welsh_text_alone_is_a_new_version(world):
    first = consent_statement_publish(project=world.project, text="Statement.")
    second = consent_statement_publish(
        project=world.project, text="Statement.", text_cy="Datganiad."
    )
    assert second.version == first.version + 1


def test_a_participant_reads_the_statement_in_easy_read_when_they_asked_for_it(world, client):
    statement = consent_statement_publish(
        project=world.project, text="A long statement in full.", text_easy_read=EASY
    )
    user = world.users["carer"]
    Membership.objects.filter(user=user).update(status=Membership.Status.INVITED)
    client.force_login(user)
    url = reverse("participants:consent", args=[world.project.pk])
    page = client.get(url).content.decode()
    assert "A long statement in full." in page and "Show easy read" in page
    client.post(reverse("easy-read"), {"easy_read": "1", "next": url})
    page = client.get(url).content.decode()
    assert "<p>You can stop at any time.</p>\n<p>We keep your ideas safe.</p>" in page
    assert "easy-read" in page and "A long statement in full." not in page
    assert statement.has_easy_read("text")


def test_an_english_only_statement_is_marked_where_welsh_is_read(world):
    statement = ConsentStatement(project=world.project, version=9, text="In English only.")
    chosen = statement.in_language("text", language="cy")
    assert (chosen.text, chosen.fallback, chosen.html_lang) == ("In English only.", True, "en-GB")


def test_the_invitation_carries_the_easy_read_version(
    world, client, django_capture_on_commit_callbacks
):
    world.project.invitation_easy_read = "We are making leaving hospital better.\nCome and help."
    world.project.save()
    with django_capture_on_commit_callbacks(execute=True):
        participant_invite(
            project=world.project,
            email="new.person@example.org",
            invited_by=world.users["facilitator"],
            constituency="service_user",
        )
    body = mail.outbox[-1].body
    assert "In easy read:" in body and "Come and help." in body
    path = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", body).group(1)
    page = client.get(path).content.decode()
    assert "Show easy read" in page and "Come and help." not in page
    client.post(reverse("easy-read"), {"easy_read": "1", "next": path})
    page = client.get(path).content.decode()
    assert "<p>Come and help.</p>" in page


def test_no_easy_read_section_without_one(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        participant_invite(
            project=world.project,
            email="new.person@example.org",
            invited_by=world.users["facilitator"],
            constituency="service_user",
        )
    assert "easy read" not in mail.outbox[-1].body


def test_consent_is_given_to_the_version_read(world):
    statement = consent_statement_publish(project=world.project, text="S.", text_cy="D.")
    carer = Membership.objects.get(project=world.project, user=world.users["carer"])
    consent = consent_give(membership=carer, recorded_by=world.users["carer"])
    assert consent.statement == statement
