"""Authentication (token and session with CSRF) and throttling."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
GOALS = "/api/v1/goals/"


def test_token_for_username_and_password(cast, client_for):
    response = client_for().post(TOKEN_URL, {"username": "employee", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(GOALS).status_code == 200


def test_token_is_the_same_until_revoked(cast, client_for):
    first = client_for().post(TOKEN_URL, {"username": "employee", "password": PASSWORD}, format="json").json()
    again = client_for().post(TOKEN_URL, {"username": "employee", "password": PASSWORD}, format="json").json()
    assert first == again


@pytest.mark.parametrize(
    "data",
    [
        {"username": "employee", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "employee"},
        {"username": "emp\x00loyee", "password": PASSWORD},
        {},
    ],
)
def test_bad_credentials_are_400(cast, client_for, data):
    response = client_for().post(TOKEN_URL, data, format="json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_inactive_people_get_no_token(cast, client_for):
    cast.employee.is_active = False
    cast.employee.save()
    assert client_for().post(TOKEN_URL, {"username": "employee", "password": PASSWORD}).status_code == 400


def test_without_credentials_is_401(db, client_for):
    response = client_for().get(GOALS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token nope", "Token " + "g" * 40, "Token a\x00b", "Token", "Token a b"])
def test_bad_tokens_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(GOALS).status_code == 401


def test_session_reads_and_writes_with_csrf(cast):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="employee", password=PASSWORD)
    assert client.get(GOALS).status_code == 200
    data = {"title": "Mine", "layer": "personal", "cycle": cast.year.pk}
    response = client.post(GOALS, data, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    client.get("/admin/login/")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    assert client.post(GOALS, data, format="json", HTTP_X_CSRFTOKEN=csrf).status_code == 201


def throttle(settings, **rates) -> None:
    """These rates, counted in a cache of this test's own."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "auth": None, **rates},
    }


def test_signed_in_people_are_throttled_per_person(cast, client_for, settings):
    throttle(settings, user="3/minute")
    client = client_for(cast.employee)
    assert [client.get(GOALS).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(client.get(GOALS)["Retry-After"]) > 0
    assert client_for(cast.manager).get(GOALS).status_code == 200  # another person has their own budget


def test_anonymous_requests_are_throttled(cast, client_for, settings):
    throttle(settings, anon="2/minute")
    codes = [client_for().post(TOKEN_URL, {"username": "employee", "password": "x"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_token_requests_are_throttled_even_when_anonymous_ones_are_not(cast, client_for, settings):
    throttle(settings, auth="2/minute")
    codes = [client_for().post(TOKEN_URL, {"username": "employee", "password": "x"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
