"""Single sign-on end to end: Debian's Chromium, the app's live server and a real OpenID Connect provider.

The provider is npm's oidc-provider (tests/integration/oidc/provider.mjs) on 127.0.0.1, with one client for this
live server and the accounts below; it requires PKCE, so a sign-in that passes proves the app sends it. Without
node, the npm package (`npm ci` in tests/integration/oidc) or /usr/bin/chromium these tests skip — and fail in CI.
"""

import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import make_password
from playwright.sync_api import Browser, Page, expect, sync_playwright

from apps.org.models import Person
from apps.org.sso import UNKNOWN_EMAIL
from goalcascade.settings import sso_providers
from tests.conftest import require
from tests.factories import PersonFactory

from .processes import Process, free_port, wait_until

HERE = Path(__file__).parent / "oidc"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
TIMEOUT_MS = 15_000
CLIENT_ID, CLIENT_SECRET = "goalcascade-test", "a-test-only-client-secret"
PROVIDER_NAME = "Acme sign-in"
CALLBACK = "/accounts/sso/oidc/idp/login/callback/"

# The provider's people (login → claims). Ada is imported into GoalCascade with another case of her email.
ACCOUNTS = {
    "ada": {"email": "ada.lovelace@example.com", "email_verified": True, "name": "Ada L."},
    "newcomer": {"email": "newcomer@newco.example", "email_verified": True, "name": "Nia Newcomer"},
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require(CHROMIUM.exists(), f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    # As in tests/browser/conftest.py: Playwright's sync API looks like a running event loop to Django, and the
    # tests do ORM work beside it one thing at a time. Module scope: it stops before the browser suite starts its own.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def issuer(live_server, tmp_path_factory) -> Iterator[str]:
    """A running oidc-provider whose one client redirects to this live server; its issuer URL."""
    node = shutil.which("node")
    require(node is not None, "needs node (Node.js 20+) for the OpenID Connect provider")
    require(
        (HERE / "node_modules" / "oidc-provider").is_dir(),
        "needs npm's oidc-provider: run `npm ci` in tests/integration/oidc",
    )
    port = free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": live_server.url + CALLBACK,
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    log_path = tmp_path_factory.mktemp("oidc") / "provider.log"
    process = Process([node, str(HERE / "provider.mjs")], env, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: discovery_answers(url), timeout=30, what="the OpenID Connect provider", log_path=log_path)
        yield url
    finally:
        process.stop()


def discovery_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=1) as response:
            return json.load(response)["issuer"] == url
    except OSError:
        return False


@pytest.fixture
def sso(issuer, settings):
    """The app's single sign-on pointed at the provider, as the environment would set it."""
    env = {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET}
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers({**env, "OIDC_NAME": PROVIDER_NAME})
    settings.SSO_AUTO_CREATE_DOMAINS = []
    return settings


@pytest.fixture
def page(browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def sign_in_with_provider(page: Page, login: str) -> None:
    """From the app's login page through the provider's sign-in form, back to wherever the app sends us."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("whatever-the-provider-checks")
    page.get_by_role("button", name="Sign-in").click()


def test_imported_person_signs_in_with_the_provider_and_lands_on_their_own_home(sso, page):
    ada = PersonFactory(
        username="ada", name="Ada Lovelace", email="Ada.Lovelace@Example.com", password=make_password(None)
    )
    people = Person.objects.count()

    sign_in_with_provider(page, "ada")

    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Ada Lovelace")
    assert Person.objects.count() == people
    assert SocialAccount.objects.get(provider="idp").user_id == ada.pk


def test_unknown_email_is_refused_without_auto_create_domains(sso, page):
    people = Person.objects.count()

    sign_in_with_provider(page, "newcomer")

    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(UNKNOWN_EMAIL.format(email="newcomer@newco.example"))
    assert Person.objects.count() == people
    assert not SocialAccount.objects.exists()


def test_unknown_email_gets_an_account_when_its_domain_is_named(sso, page):
    sso.SSO_AUTO_CREATE_DOMAINS = ["newco.example"]

    sign_in_with_provider(page, "newcomer")

    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Nia Newcomer")
    person = Person.objects.get(email="newcomer@newco.example")
    assert (person.role, person.has_usable_password(), person.is_active) == (Person.Role.EMPLOYEE, False, True)
