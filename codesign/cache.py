"""A Redis cache that lets requests go on while Redis is down.

Codesign keeps nothing in the cache that it cannot work out again: dashboards' figures and
allauth's rate-limit counters. Django's ``RedisCache`` fails the request when Redis cannot be
reached; this one logs a warning and answers from a cache of the process's own until Redis is
back. So people can still sign in, add ideas and open dashboards while the outbox holds the
mail for later, and sign-in rate limits keep counting, per process, instead of refusing
everyone (allauth takes a lock with ``add()``, which an always-empty answer would refuse).
"""

import logging

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _forgiving(name):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache unreachable (%s): %s", name, type(error).__name__)
            return getattr(self.fallback, name)(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # While Redis is down: this process's own memory, bounded like any LocMemCache.
        self.fallback = LocMemCache(
            f"codesign-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 1000}}
        )

    add = _forgiving("add")
    get = _forgiving("get")
    set = _forgiving("set")
    touch = _forgiving("touch")
    delete = _forgiving("delete")
    get_many = _forgiving("get_many")
    has_key = _forgiving("has_key")
    incr = _forgiving("incr")
    set_many = _forgiving("set_many")
    delete_many = _forgiving("delete_many")
    clear = _forgiving("clear")
