"""Signing in with a code sent by text, for people with a mobile number and no email."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from outbox.models import OutboxMessage
from participants.services import contact_preferences_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "+447400123456"


@pytest.fixture
def texter(world):
    user = UserFactory(email=None, full_name="Pat Mobile")
    contact_preferences_save(
        person=user, channel="text", mobile="07400 123456", changed_by=world.users["facilitator"]
    )
    return user


def request_code(client, phone):
    return client.post(reverse("account_request_login_code"), {"phone": phone})


def codes_sent():
    return [
        re.search(r"code is (\S+)\.", m.body_text).group(1)
        for m in OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT).order_by("pk")
    ]


def test_a_person_with_only_a_mobile_signs_in_with_a_texted_code(
    client, texter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = request_code(client, "07400 123456")
    assert response.status_code == 302
    [message] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert message.phone == MOBILE and message.recipient == texter
    assert message.status == OutboxMessage.Status.SENT  # to the console without Notify
    [code] = codes_sent()
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == texter.pk


def test_an_unknown_number_gets_no_text_and_the_page_does_not_tell(client, texter):
    response = request_code(client, "07400 654321")
    assert response.status_code == 302  # the same answer as for a known number
    assert codes_sent() == []


def test_a_landline_is_refused_with_a_clear_error(client, texter):
    response = request_code(client, "020 7946 0018")
    assert response.status_code == 200
    assert "cannot receive text messages" in response.content.decode()
    assert codes_sent() == []


def test_codes_by_text_are_rate_limited_like_codes_by_email(client, texter, settings):
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "3/m/key"}
    cache.clear()
    for _attempt in range(3):
        client.cookies.clear()
        assert request_code(client, "07400 123456").status_code == 302
    client.cookies.clear()
    response = request_code(client, "07400 123456")
    assert response.status_code == 200
    assert len(codes_sent()) == 3


def test_asking_for_a_code_without_email_or_mobile_says_what_is_needed(client):
    response = client.post(reverse("account_request_login_code"), {"email": "", "phone": ""})
    assert response.status_code == 200
    assert "Enter your email address, or the mobile number" in response.content.decode()
