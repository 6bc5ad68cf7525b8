"""A Redis cache that lets requests go on while Redis is down.

Codesign keeps nothing in the cache that it cannot work out again: dashboards' figures
(``dashboards.freshness``) and allauth's rate-limit counters. Django's ``RedisCache`` fails
the request when Redis cannot be reached; this one logs a warning and answers as an empty
cache would, so people can still sign in, add ideas and open dashboards while the outbox
holds the mail for later. Rate limits do not count until Redis is back.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _forgiving(name, answer):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable (%s): %s", name, type(error).__name__)
            return answer(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


class ForgivingRedisCache(RedisCache):
    add = _forgiving("add", lambda *a, **k: False)
    get = _forgiving("get", lambda key, default=None, version=None: default)
    set = _forgiving("set", lambda *a, **k: None)
    touch = _forgiving("touch", lambda *a, **k: False)
    delete = _forgiving("delete", lambda *a, **k: False)
    get_many = _forgiving("get_many", lambda *a, **k: {})
    has_key = _forgiving("has_key", lambda *a, **k: False)
    incr = _forgiving("incr", lambda key, delta=1, version=None: delta)
    set_many = _forgiving("set_many", lambda data, *a, **k: list(data))
    delete_many = _forgiving("delete_many", lambda *a, **k: None)
    clear = _forgiving("clear", lambda *a, **k: False)
