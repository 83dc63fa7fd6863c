"""Debug mode (the embedded default) answers a mistyped address or a failing page with the site's own pages, not
Django's technical ones (which list every URL or a traceback) — unless DEBUG_TECHNICAL_404 asks for them."""

import pytest
from django.test import Client


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = False
    settings.ROOT_URLCONF = "tests.error_urls"
    return settings


def test_a_missing_page_is_the_sites_own_404_in_debug_mode(debug, db):
    response = Client().get("/no-such-page/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in text and "URLconf" not in text and "admin/" not in text


def test_a_failing_page_is_the_sites_own_500_in_debug_mode(debug, db):
    response = Client(raise_request_exception=False).get("/broken/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text and "Traceback" not in text and "RuntimeError" not in text


def test_the_technical_pages_come_back_when_asked_for(debug, db):
    debug.DEBUG_TECHNICAL_404 = True
    assert "URLconf" in Client().get("/no-such-page/").content.decode()
    assert "RuntimeError" in Client(raise_request_exception=False).get("/broken/").content.decode()


def test_the_api_keeps_its_json_errors(debug, db):
    response = Client().get("/api/v1/goals/999999/", HTTP_ACCEPT="application/json")
    assert response.status_code in (401, 403, 404)
    assert response["Content-Type"].startswith("application/json")


def test_the_login_page_says_what_goalcascade_is(client, db):
    text = client.get("/accounts/login/").content.decode()
    assert "Log in to GoalCascade" in text and "strategy" in text
