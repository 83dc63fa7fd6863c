"""Shared test setup.

Services that need PostgreSQL or Redis skip with a reason when those are absent, so the
suite passes on a laptop; with CI=true a missing service fails the run instead.
"""

import os
from datetime import date

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from goalcascade.celery import app as celery_app
from tests.eager import set_eager
from tests.factories import CycleFactory, PersonFactory, UnitFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip when a service is missing — except in CI, where every test must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must run this test against the real service)")
    pytest.skip(reason)


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing dominates user creation (the demo seed makes ten); MD5 is fine for test passwords."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True, scope="session")
def _eager_celery():
    """The suite runs tasks in-process; the worker integration test switches this off for itself."""
    previous = celery_app.conf.task_always_eager
    set_eager(True)
    yield
    set_eager(previous)


@pytest.fixture
def postgres(db):
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def redis_url():
    require(redis_available(), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 with a server running")
    return settings.REDIS_URL


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit work (the rollup) as a real commit would: `with commit(): services...`."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def company(db):
    return UnitFactory(name="Acme", kind="company")


@pytest.fixture
def year(db):
    return CycleFactory(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))


@pytest.fixture
def quarter(year):
    return CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=year)


@pytest.fixture
def leader(company):
    return PersonFactory(username="leader", role="leader", unit=company)
