"""A Redis cache that lets requests go on while Redis is down.

Codesign keeps nothing in the cache that it cannot work out again: dashboards' figures and
allauth's rate-limit counters. Django's ``RedisCache`` fails the request when Redis cannot be
reached; this one logs a warning and answers from a cache of the process's own until Redis is
back. So people can still sign in, add ideas and open dashboards while the outbox holds the
mail for later, and sign-in rate limits keep counting, per process, instead of refusing
everyone (allauth takes a lock with ``add()``, which an always-empty answer would refuse).

What it keeps is compressed when large (``CompressingSerializer``): kept pages are tens of
kilobytes of HTML, which compress four to one, and Redis takes a large value in slowly (on the
machines the bench runs on, about 35-60 µs a kilobyte: 1.6 ms to keep a board's page of 46 kB,
0.7 once compressed). LZ4 rather than zlib: its output is a third larger, but it compresses
eight times and reads back ten times faster, and a kept page is read far more often than kept
(zlib's reading alone was a twentieth of a kept board's time).
"""

import logging

import lz4.block
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
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


class CompressingSerializer(RedisSerializer):
    """Django's serializer (integers as they are, for ``incr``; anything else pickled), with
    pickles of ``COMPRESS_FROM`` bytes or more compressed (LZ4: a board's page of 46 kB to
    11 kB in 25 µs, back in 7), after a mark of their own. A pickle starts with its protocol's
    mark (0x80) and an integer with a digit or a sign, so each value read says which it is,
    and values kept before compression was used read as they were."""

    COMPRESS_FROM = 4096
    MARK = b"L"

    def dumps(self, obj):
        data = super().dumps(obj)
        if type(data) is bytes and len(data) >= self.COMPRESS_FROM:
            return self.MARK + lz4.block.compress(data)
        return data

    def loads(self, data):
        if data[:1] == self.MARK:
            data = lz4.block.decompress(data[1:])
        return super().loads(data)


class KeepingClient(RedisCacheClient):
    """Django's client, keeping several values at once in one SET each, with its expiry, sent
    together (a pipeline, no transaction: each value stands alone): Django's sends MSET and an
    EXPIRE for each key inside MULTI and EXEC, five commands and replies for a page and its
    results where two do."""

    def set_many(self, data, timeout):
        if timeout == 0:  # kept for no time at all: gone, as Django's expiring at once
            self.delete_many(list(data))
            return
        pipeline = self.get_client(None, write=True).pipeline(transaction=False)
        for key, value in data.items():
            pipeline.set(key, self._serializer.dumps(value), ex=timeout)
        pipeline.execute()


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeepingClient
        self._options = {"serializer": CompressingSerializer, **self._options}
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
