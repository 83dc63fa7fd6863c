"""Every page answers with the security headers: a Content-Security-Policy without inline script, no framing,
a strict referrer policy — and the pages themselves run no inline script or event handler the policy would block."""

import re

import pytest
from django.urls import reverse

from tests.factories import PersonFactory


@pytest.fixture
def signed_in(client, db):
    client.force_login(PersonFactory(role="hr"))
    return client


PAGES = ["home", "goals:map", "goals:mine", "reports:alignment", "reports:alignment-print"]


@pytest.mark.parametrize("name", [*PAGES, "login", "api-docs"])
def test_pages_carry_the_security_headers(signed_in, name):
    response = signed_in.get(reverse(name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("name", PAGES)
def test_pages_run_no_inline_script(signed_in, name):
    response = signed_in.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
