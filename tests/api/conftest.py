"""API test setup: the cast, clients signed in as each of them, and no throttling (tests/api/test_auth.py
switches it on where it tests it)."""

import pytest
from rest_framework.test import APIClient

from tests.cast import build_cast


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "auth": None},
    }


class Client(APIClient):
    """A test client whose signed-in person is read afresh for each request, as in production
    (permission checks keep what they learn about a person on the object for one request)."""

    def request(self, **kwargs):
        user = self.handler._force_user
        if user is not None:
            user.__dict__.pop("_access", None)
        return super().request(**kwargs)


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def client_for():
    def make(person=None) -> Client:
        client = Client()
        if person is not None:
            client.force_authenticate(person)
        return client

    return make


@pytest.fixture
def as_role(cast, client_for):
    """`as_role("manager")`: a client signed in as that member of the cast."""
    return lambda role: client_for(cast.person(role))
