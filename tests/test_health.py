"""/healthz: serving as long as the database answers, and saying which part is degraded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.goals.models import PendingRollup
from tests.integration.processes import free_port

pytestmark = pytest.mark.django_db


def test_healthy_embedded_mode(client, settings):
    settings.REDIS_URL = ""
    body = client.get("/healthz").json()
    assert body == {
        "status": "ok",
        "components": {"database": "ok", "broker": "not used (embedded mode)", "rollups": "ok"},
    }


def test_redis_away_is_degraded_but_serving(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["components"]["broker"] == "down"


def test_rollups_left_waiting_are_reported(client, settings):
    settings.REDIS_URL = ""
    PendingRollup.objects.create(goal_id=1)
    PendingRollup.objects.update(marked_at=timezone.now() - timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert (body["status"], body["components"]["rollups"]) == ("degraded", "behind")
