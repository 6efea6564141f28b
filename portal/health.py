"""Health endpoints.

- `/healthz/live` (liveness): the process answers HTTP. Touches no service, so a database or Redis outage
  never gets a web container restarted or taken out of a load balancer for something a restart can't fix.
- `/healthz` (readiness): the database, the cache and the broker, each checked on its own with a short
  timeout; 200 only when all three answer, else 503 naming what is down. Pages keep working with the cache
  down (core/cache.py) and emails wait in the outbox with the broker down, so this is for monitoring and
  deploy gates; the web container's healthcheck uses liveness.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from core.cache import FailSoftRedisCache

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_up() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def cache_up() -> bool:
    cache = caches["default"]
    if isinstance(cache, FailSoftRedisCache):
        return cache.ping()  # a miss is not an answer: ask Redis itself
    cache.set("healthz", "up", timeout=10)
    return cache.get("healthz") == "up"


def broker_up() -> bool:
    from portal.celery import app as celery_app  # Celery and kombu: imported by the first readiness check

    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
        broker.default_channel.client.ping()  # the Redis transport connects lazily: make it talk
    return True


CHECKS: dict[str, Callable[[], bool]] = {"database": database_up, "cache": cache_up, "broker": broker_up}


def _check(name: str, check: Callable[[], bool]) -> bool:
    try:
        return check()
    except Exception as error:  # any failure of a service is "down", and the others are still checked
        logger.warning("healthz: %s is down: %s", name, error)
        return False


@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    services = {name: "up" if _check(name, check) else "down" for name, check in CHECKS.items()}
    down = [name for name, state in services.items() if state == "down"]
    return JsonResponse(
        {"status": "down" if down else "ok", "services": services, "down": down},
        status=503 if down else 200,
    )


@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
