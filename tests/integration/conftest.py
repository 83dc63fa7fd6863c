from collections.abc import Iterator

import pytest
import redis

from apps.goals import dirty
from goalcascade.celery import app as celery_app
from tests.eager import set_eager


@pytest.fixture
def broker(db, redis_url, settings, monkeypatch) -> Iterator[redis.Redis]:
    """Tasks go through Redis (not eager); no drain is on its way yet."""
    settings.ROLLUP_COALESCE_SECONDS = 0.3
    monkeypatch.setattr(dirty, "_next_wake", 0.0)
    client = redis.Redis.from_url(redis_url)
    celery_app.control.purge()
    set_eager(False)
    yield client
    set_eager(True)
    celery_app.control.purge()
