"""Redis, when configured: one client per process, and whether it answers."""
from __future__ import annotations

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError


def redis_client() -> Redis | None:
    """The app's Redis client, or None when REDIS_URL is not set."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("redis_clients", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2, health_check_interval=30)
    return clients[url]


def redis_alive() -> bool | None:
    """True/False when Redis is configured and does/doesn't answer; None when not configured."""
    client = redis_client()
    if client is None:
        return None
    try:
        return bool(client.ping())
    except RedisError:
        return False
