"""Sign-in limits with allauth's real rate limits (tests switch them off elsewhere): they count
per account and client address, and they keep working while Redis is down."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.smoke.support import free_port

pytestmark = pytest.mark.django_db

# allauth's own defaults, as production runs them.
LIMITS = {}


@pytest.fixture
def limits_on(settings):
    settings.ACCOUNT_RATE_LIMITS = LIMITS
    caches["default"].clear()
    yield
    caches["default"].clear()


def sign_in(client, password):
    client.post(reverse("account_login"), {"login": "carer@example.org", "password": password})
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_out_from_that_address_only(world, limits_on):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    assert not any(sign_in(attacker, "wrong") for _ in range(5))
    # From the attacker's address even the right password is refused for a while...
    assert not sign_in(attacker, PASSWORD)
    # ...but the person, elsewhere, signs in as usual.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.4"), PASSWORD)


def test_without_the_address_in_the_count_the_person_would_be_locked_out(world, limits_on):
    # The check above would pass if nothing were limited at all: show that the five failures
    # do count, from the same address, for the same account.
    client = Client(REMOTE_ADDR="203.0.113.9")
    results = [sign_in(client, "wrong") for _ in range(5)]
    assert results == [False] * 5
    page = client.post(
        reverse("account_login"), {"login": "carer@example.org", "password": "wrong"}
    ).content.decode()
    assert "Too many failed login attempts" in page


@pytest.fixture
def redis_down(settings, limits_on):
    """The production cache pointed at a port nothing listens on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "codesign.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield caches["default"]


def test_with_redis_down_people_sign_in_and_reset_their_password(world, redis_down):
    assert sign_in(Client(), PASSWORD)
    response = Client().post(reverse("account_reset_password"), {"email": "carer@example.org"})
    assert response.status_code == 302, response.content.decode()[:500]


def test_with_redis_down_failed_sign_ins_are_still_counted_by_the_process(world, redis_down):
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert not any(sign_in(client, "wrong") for _ in range(5))
    assert not sign_in(client, PASSWORD)
    assert redis_down.fallback.get("missing", "none") == "none"
