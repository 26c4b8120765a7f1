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


def cached_json(scope: str, key: str, build: Callable[[], object]) -> bytes:
    """The JSON bytes for `key` in `scope`, built by `build()` when not cached."""
    client = redis_client()
    version = 0
    if client is not None:
        try:
            version = int(client.get(_version_key(scope)) or 0)
        except RedisError:
            pass
    return cached_bytes(f"mapcache:{scope}:{version}:{key}",
                        lambda: json.dumps(build(), separators=(",", ":"), ensure_ascii=False).encode())


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
