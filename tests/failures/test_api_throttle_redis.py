"""The API's rate limit counts in Redis, shared by every web process; while Redis is down the
API still answers (each process counts on its own, as the cache falls back to)."""

import pytest
from django.core.cache import cache

from api.drf import TokenRateThrottle
from tests.api.helpers import api_client, make_token

PROJECTS = "/api/v1/projects/"


@pytest.mark.django_db(transaction=True)
def test_the_rate_is_counted_in_redis_and_answers_go_on_without_it(
    world, settings, redis_server, monkeypatch
):
    settings.CACHES = {
        "default": {
            "BACKEND": "codesign.cache.ForgivingRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    token, secret = make_token(world.organisation)
    client = api_client(secret)
    assert [client.get(PROJECTS).status_code for _ in range(3)] == [200, 200, 429]
    # The calls' times are in Redis, under the token's key: another process would see them.
    key = TokenRateThrottle.cache_format % {"scope": "token", "ident": token.pk}
    assert len(cache.get(key)) == 2
    redis_server.stop()
    _other, other_secret = make_token(world.organisation, name="Other")
    assert api_client(other_secret).get(PROJECTS).status_code == 200
