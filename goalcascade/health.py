"""/healthz: is this web process able to serve, and which part is degraded.

The database is required (503 without it). Redis is not: without it writes still commit and
answer, throttles are off and rollups wait in the outbox, so its absence is reported as
"degraded" with a 200, as is a rollup outbox whose oldest entry is older than the sweep should
allow (no worker or beat is draining it).
"""

from datetime import timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone

from apps.goals.models import PendingRollup

ROLLUP_LAG_LIMIT = timedelta(minutes=5)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def _broker() -> str:
    if not settings.REDIS_URL:
        return "not used (embedded mode)"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except (redis.RedisError, OSError):
        return "down"
    return "ok"


def _rollups() -> str:
    oldest = PendingRollup.objects.order_by("pk").values_list("marked_at", flat=True).first()
    if oldest is not None and timezone.now() - oldest > ROLLUP_LAG_LIMIT:
        return "behind"
    return "ok"


def healthz(_request):
    database = _database()
    components = {"database": database}
    if database == "ok":
        components |= {"broker": _broker(), "rollups": _rollups()}
    if database != "ok":
        state, status = "down", 503
    elif all(value == "ok" or value.startswith("not used") for value in components.values()):
        state, status = "ok", 200
    else:
        state, status = "degraded", 200
    return JsonResponse({"status": state, "components": components}, status=status)
