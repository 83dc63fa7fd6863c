"""Single sign-on end to end: a real OpenID Connect provider and Chromium; a signed SAML 2.0 assertion.

OpenID Connect: npm's oidc-provider (tests/integration/oidc/provider.mjs) on 127.0.0.1, with one client for the
live server and the accounts below; it requires PKCE, so a sign-in that passes proves the app sends it. Without
node, the npm package (`npm ci` in tests/integration/oidc) or /usr/bin/chromium these tests skip — and fail in CI.
SAML: the test plays the identity provider and signs the assertion with xmlsec (see the section below).
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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


# --- SAML 2.0 ---------------------------------------------------------------------------------------------
# No SAML identity provider ships on npm or PyPI that runs headless here, so the test plays the provider itself:
# it publishes metadata with its certificate, reads the app's AuthnRequest, and answers with a response whose
# assertion it signs with xmlsec, as Entra ID or Okta would. SAML is installed only when configured (see
# goalcascade/settings.py), so the app runs in a process of its own with the SAML variables set.

IDP_ENTITY_ID = "https://idp.example.test/saml"
IDP_SSO_URL = "https://idp.example.test/saml/sso"
SP_ENTITY_ID = "https://goals.example.test/saml"
SP_HOST = "goals.example.test"  # python3-saml accepts only addresses with a dotted host name
ROOT = Path(__file__).resolve().parents[2]


def test_saml_signed_assertion_signs_the_imported_person_in_and_a_tampered_or_unsigned_one_is_refused(tmp_path):
    require(xmlsec_loads(), "needs xmlsec built on the libxml2 lxml has: pip install --force-reinstall xmlsec lxml")
    key, cert = self_signed_certificate()
    (tmp_path / "idp.key").write_text(key)
    (tmp_path / "idp.crt").write_text(cert)
    (tmp_path / "idp.xml").write_text(idp_metadata(cert))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goalcascade.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'saml.sqlite3'}",
        "REDIS_URL": "",
        "ALLOWED_HOSTS": SP_HOST,
        "SAML_IDP_METADATA_FILE": str(tmp_path / "idp.xml"),
        "SAML_ENTITY_ID": SP_ENTITY_ID,
        "SSO_TRUSTED_EMAIL_DOMAINS": "example.com",
        "SAML_TEST_DIR": str(tmp_path),
    }
    code = "import django; django.setup(); from tests.integration.test_sso import saml_round_trip; saml_round_trip()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["signed"] == {"status": 200, "user": "grace", "heading": True}
    refused = {"status": 302, "location": "/accounts/login/", "user": None}
    assert (outcome["tampered"], outcome["unsigned"]) == (refused, refused)


def xmlsec_loads() -> bool:
    try:
        import xmlsec  # noqa: F401  (it refuses to load beside an lxml of another libxml2)
    except Exception:
        return False
    return True


def self_signed_certificate() -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def pem_body(cert: str) -> str:
    return "".join(line for line in cert.splitlines() if "CERTIFICATE" not in line)


def idp_metadata(cert: str) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{IDP_ENTITY_ID}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{pem_body(cert)}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{IDP_SSO_URL}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def saml_round_trip() -> None:
    """In the app's process (SAML configured): sign in with a signed assertion, then with a tampered one."""
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    workdir = Path(os.environ["SAML_TEST_DIR"])
    key, cert = (workdir / "idp.key").read_text(), (workdir / "idp.crt").read_text()
    PersonFactory(username="grace", email="Grace.Hopper@Example.com", password=make_password(None))
    PersonFactory(username="ada", email="ada.lovelace@example.com", password=make_password(None))
    grace = "grace.hopper@example.com"
    outcome = {}
    for case in ("signed", "tampered", "unsigned"):
        client = Client(HTTP_HOST=SP_HOST)  # python3-saml builds our addresses from the Host header
        started = client.post("/accounts/sso/saml/org/login/")
        assert started["Location"].startswith(IDP_SSO_URL), started["Location"]
        request_id = authn_request_id(started["Location"])
        response = saml_response(request_id, grace, key, cert, sign=case != "unsigned")
        if case == "tampered":  # Grace's signed assertion, edited in transit to name Ada: the signature breaks
            response = response.replace(grace, "ada.lovelace@example.com")
        posted = client.post(
            "/accounts/sso/saml/org/acs/", {"SAMLResponse": base64.b64encode(response.encode()).decode()}
        )
        finished = client.get(posted["Location"])
        user_id = client.session.get("_auth_user_id")
        user = Person.objects.get(pk=user_id).username if user_id else None
        if case == "signed":
            home = client.get(finished["Location"])
            outcome[case] = {"status": home.status_code, "user": user, "heading": b"My work</h1>" in home.content}
        else:
            outcome[case] = {"status": finished.status_code, "location": finished.get("Location"), "user": user}
    print(json.dumps(outcome))


def authn_request_id(location: str) -> str:
    """The ID of the AuthnRequest the app sent (HTTP-Redirect binding: deflated, base64, in the query)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    return re.search(r'\sID="([^"]+)"', xml).group(1)


def saml_response(request_id: str, email: str, key: str, cert: str, *, sign: bool = True) -> str:
    """What the identity provider posts back: a response whose assertion it signed (unless told not to)."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    now = datetime.now(UTC)
    instant, before, after = (
        (now + delta).strftime("%Y-%m-%dT%H:%M:%SZ")
        for delta in (timedelta(0), -timedelta(minutes=5), timedelta(minutes=5))
    )
    acs = f"http://{SP_HOST}/accounts/sso/saml/org/acs/"
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 ID="_a{request_id}" Version="2.0" IssueInstant="{instant}">
<saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">grace-0001</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{after}" Recipient="{acs}" InResponseTo="{request_id}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{before}" NotOnOrAfter="{after}">
<saml:AudienceRestriction><saml:Audience>{SP_ENTITY_ID}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{instant}" SessionIndex="_s{request_id}">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress">
<saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="http://schemas.microsoft.com/identity/claims/displayname">
<saml:AttributeValue>Grace Hopper</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>"""
    signed = OneLogin_Saml2_Utils.add_sign(assertion, key, cert) if sign else assertion
    signed = signed.decode() if isinstance(signed, bytes) else signed
    return f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{request_id}" Version="2.0" IssueInstant="{instant}"
 Destination="{acs}" InResponseTo="{request_id}">
<saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{signed}
</samlp:Response>"""
