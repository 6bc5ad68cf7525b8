"""The production cache: Redis, and requests that go on while Redis is down."""

import os
import pickle

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


def test_large_values_are_kept_compressed_and_read_back_as_they_were():
    from codesign.cache import CompressingSerializer

    serializer = CompressingSerializer()
    page = ("versions", "<li>" + "A card of the board. " * 500 + "</li>")
    stored = serializer.dumps(page)
    assert stored[:1] == b"L"  # an LZ4 block after its mark
    assert len(stored) < len(pickle.dumps(page)) / 4
    assert serializer.loads(stored) == page
    # Small values are pickled as Django pickles them, and integers left as they are (incr).
    assert serializer.dumps({"n": 1}) == pickle.dumps({"n": 1}, pickle.HIGHEST_PROTOCOL)
    assert serializer.loads(serializer.dumps({"n": 1})) == {"n": 1}
    assert serializer.dumps(7) == 7
    assert serializer.loads(b"7") == 7
    # What was kept before compression reads as it was.
    assert serializer.loads(pickle.dumps(page, pickle.HIGHEST_PROTOCOL)) == page


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="Needs REDIS_URL; CI sets it.")
def test_with_redis_up_a_large_page_is_sent_compressed(settings):
    import redis

    url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15"
    _redis_cache(settings, url)
    html = "<main>" + "<p>Waiting times at the front desk.</p>" * 1000 + "</main>"
    cache.set("kept-page-test", html, 60)
    try:
        raw = redis.Redis.from_url(url).get(cache.make_key("kept-page-test"))
        assert raw[:1] == b"L" and len(raw) < len(html) / 4
        assert cache.get("kept-page-test") == html
        cache.set("counter-test", 1, 60)
        assert cache.incr("counter-test") == 2
    finally:
        cache.delete_many(["kept-page-test", "counter-test"])


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="Needs REDIS_URL; CI sets it.")
def test_values_kept_together_are_sent_as_one_set_each_with_its_expiry(settings, monkeypatch):
    """``KeepingClient.set_many``: one SET with its expiry for each value, sent together
    without a transaction (Django's sends MSET, an EXPIRE a key, inside MULTI and EXEC); no
    expiry kept for ever; an expiry of nothing deletes."""
    import redis

    _redis_cache(settings, os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/15")
    sent = []
    execute = redis.client.Pipeline.execute

    def watched(pipeline, *args, **kwargs):
        sent.append((pipeline.transaction, [c[0][0] for c in pipeline.command_stack]))
        return execute(pipeline, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", watched)
    try:
        cache.set_many({"page": "x" * 5000, "results": [1, 2]}, 300)
        assert sent == [(False, ["SET", "SET"])]
        client = cache._cache.get_client(None)
        assert 0 < client.ttl(cache.make_key("page")) <= 300
        assert cache.get_many(["page", "results"]) == {"page": "x" * 5000, "results": [1, 2]}
        cache.set_many({"page": "y"}, None)
        assert client.ttl(cache.make_key("page")) == -1 and cache.get("page") == "y"
        cache.set_many({"page": "z", "results": 3}, 0)
        assert cache.get_many(["page", "results"]) == {}
    finally:
        cache.delete_many(["page", "results"])
