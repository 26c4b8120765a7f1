"""A cache for map data in Redis, invalidated when the data change.

Each cached thing belongs to a *scope* (e.g. ``project:12``) with a version
number in Redis; changing the data bumps the version, so every key of the old
version is never read again (and expires). Without Redis, or while it is
down, nothing is cached and the data are computed every time.
"""
from __future__ import annotations

import json
from typing import Callable

from flask import current_app
from redis.exceptions import RedisError

from participation.backends import redis_client
from participation.database.after_commit import after_commit

#: Short, so that a missed invalidation (Redis down at that moment) heals soon.
TTL_SECONDS = 300


def _version_key(scope: str) -> str:
    return f"mapcache:{scope}:version"


#: The scope's version and the entry of that version, in one round trip: a hit costs one call.
#: (Standalone Redis: the entry's key is made inside the script, which Redis Cluster would refuse.)
_READ = """
local version = redis.call('GET', KEYS[1]) or '0'
return {version, redis.call('GET', ARGV[1] .. version .. ARGV[2])}
"""


def json_bytes(data: object) -> bytes:
    """Compact JSON, as the cache keeps it."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def cached_json(scope: str, key: str, build: Callable[[], object]) -> bytes:
    """The JSON bytes for `key` in `scope`, built by `build()` when not cached."""
    def encoded() -> bytes:
        return json_bytes(build())

    client = redis_client()
    if client is None:
        return encoded()
    try:
        version, hit = _reader(client)(keys=[_version_key(scope)], args=[f"mapcache:{scope}:", f":{key}"])
    except RedisError:
        return encoded()
    if hit is not None:
        return hit
    data = encoded()
    try:
        client.set(f"mapcache:{scope}:{version.decode()}:{key}", data, ex=TTL_SECONDS)
    except RedisError:
        pass
    return data


def _reader(client):
    scripts = current_app.extensions.setdefault("redis_scripts", {})
    if id(client) not in scripts:
        scripts[id(client)] = client.register_script(_READ)
    return scripts[id(client)]


def cached_bytes(key: str, build: Callable[[], bytes]) -> bytes:
    """The bytes stored under `key`, or `build()` stored there for TTL_SECONDS.

    For keys that name everything the bytes depend on (no invalidation needed);
    without Redis, or while it is down, `build()` runs every time.
    """
    client = redis_client()
    if client is not None:
        try:
            hit = client.get(key)
            if hit is not None:
                return hit
        except RedisError:
            client = None
    data = build()
    if client is not None:
        try:
            client.set(key, data, ex=TTL_SECONDS)
        except RedisError:
            pass
    return data


def invalidate(scope: str) -> None:
    """Forget everything cached for `scope` once the current transaction commits.

    Not before: a request reading between the change and the commit would
    otherwise cache the old data under the new version.
    """
    after_commit(lambda: _bump(scope), key=("cache", scope))


def _bump(scope: str) -> None:
    client = redis_client()
    if client is None:
        return
    try:
        client.incr(_version_key(scope))
    except RedisError:
        # Entries expire after TTL_SECONDS; until then a stale answer is possible.
        current_app.logger.warning("Redis unreachable: map cache for %s not invalidated", scope)
