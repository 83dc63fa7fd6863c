"""Password guessing is stopped: ten failed sign-ins for one username from one address lock that pair out for
fifteen minutes — on the login page and the token endpoint alike — and a rotating X-Forwarded-For does not
reset the count. Attempts and lockouts are recorded."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD, PersonFactory

LOGIN = reverse("login")
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def ada(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "auth": None},
    }
    return PersonFactory(username="ada")


def fail_login(client, n: int, **headers) -> None:
    for i in range(n):
        client.post(LOGIN, {"username": "ada", "password": f"wrong-{i}"}, **headers)


def test_ten_failures_lock_the_login_page_even_for_the_right_password(client, ada):
    fail_login(client, 10)
    response = client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode() and "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_failures_still_let_the_right_password_in(client, ada):
    fail_login(client, 9)
    response = client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert AccessLog.objects.filter(username="ada").exists()  # the sign-in is recorded


def test_a_rotating_x_forwarded_for_does_not_reset_the_count(client, ada):
    for i in range(10):
        client.post(LOGIN, {"username": "ada", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    response = client.post(LOGIN, {"username": "ada", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_count(client, ada, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    fail_login(client, 10, HTTP_X_FORWARDED_FOR="203.0.113.7")
    ok = client.post(LOGIN, {"username": "ada", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert ok.status_code == 302


def test_the_token_endpoint_counts_and_locks_out_too(ada):
    api = APIClient()
    for i in range(9):
        assert api.post(TOKEN, {"username": "ada", "password": f"no-{i}"}, format="json").status_code == 400
    assert api.post(TOKEN, {"username": "ada", "password": "no-10"}, format="json").status_code == 429  # the tenth
    response = api.post(TOKEN, {"username": "ada", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["non_field_errors"][0]
    assert response["Retry-After"] == "900"


def test_failures_and_lockouts_are_recorded(client, ada):
    fail_login(client, 10)
    attempt = AccessAttempt.objects.get(username="ada")
    assert attempt.failures_since_start == 10
    assert AccessFailureLog.objects.filter(username="ada", locked_out=True).exists()
