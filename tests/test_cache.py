"""The production cache: Redis, and requests that go on while Redis is down."""

import os

import pytest
from django.core.cache import cache
from django.urls import reverse

from dashboards.selectors import project_dashboard
from tests.smoke.support import free_port


def _redis_cache(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "codesign.cache.ForgivingRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


# Requests in autocommit, as in production: pages ask the cache for what is kept.
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_render_and_the_cache_answers_from_the_process(
    world, client_for, settings, caplog
):
    _redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    # allauth's lock: the first add succeeds, a second is refused, as in Redis.
    assert cache.add("k", 1) is True
    assert cache.add("k", 2) is False
    assert cache.get("k", "absent") == 1
    assert cache.incr("k") == 2
    assert cache.get_many(["k", "other"]) == {"k": 2}
    cache.delete("k")
    assert cache.get("k", "absent") == "absent"
    client = client_for(world.users["facilitator"])
    response = client.get(reverse("dashboards:project", args=[world.project.pk]))
    assert response.status_code == 200
    assert b'id="summary"' in response.content
    assert "Cache unreachable" in caplog.text


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="Needs REDIS_URL; CI sets it.")
@pytest.mark.django_db(transaction=True)
def test_with_redis_up_figures_are_kept_there(world, settings):
    # Its own database number, away from the broker's queues.
    _redis_cache(settings, os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15")
    first = project_dashboard(world.project)
    try:
        assert cache.get(first["key"]) is not None  # stored in Redis
        assert project_dashboard(world.project)["key"] == first["key"]
    finally:
        cache.delete(first["key"])
