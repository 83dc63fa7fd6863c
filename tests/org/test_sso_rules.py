"""Who may sign in through a single sign-on provider, and as whom (apps/org/sso.py, docs/sso.md)."""

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.contrib.auth.hashers import make_password
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from apps.core.models import ObjectChange
from apps.org import sso
from apps.org.models import Person
from goalcascade.settings import sso_providers
from tests.factories import PASSWORD, PersonFactory
from tests.integration.processes import free_port

ISSUER = "https://login.example.test/tenant/v2.0"
OIDC_ENV = {"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "goalcascade", "OIDC_CLIENT_SECRET": "s3cret"}


@pytest.fixture
def oidc(settings):
    """An OpenID Connect provider configured as the environment would; returns the settings to change further."""
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(OIDC_ENV)
    settings.SSO_AUTO_CREATE_DOMAINS = []
    return settings


def browser_request():
    request = RequestFactory().get("/accounts/sso/oidc/idp/login/callback/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def provider_login(email, verified=True, uid="subject-1", name="Ada L.", **claims):
    """What allauth makes of a provider's answer (the userinfo claims), before any of our rules ran."""
    request = browser_request()
    app = sso.SocialAccountAdapter(request).get_app(request, provider="idp")
    provider = OpenIDConnectProvider(request, app=app)
    userinfo = {"sub": uid, "email": email, "email_verified": verified, "name": name, **claims}
    return request, provider.sociallogin_from_response(request, {"userinfo": userinfo})


def sign_in(email, **kwargs):
    """Run our hook on a provider's sign-in: the person it is connected to, or the refusal's message."""
    request, login = provider_login(email, **kwargs)
    login.lookup()
    try:
        sso.SocialAccountAdapter(request).pre_social_login(request, login)
    except ImmediateHttpResponse as refused:
        assert refused.response["Location"] == "/accounts/login/"
        return [str(message) for message in get_messages(request)]
    return login.user


# --- Matching by verified email -----------------------------------------------------------------------------


def test_an_imported_person_is_matched_by_email_in_any_case(oidc, db):
    ada = PersonFactory(email="Ada.Lovelace@Example.com", password=make_password(None))
    assert sign_in("ada.lovelace@example.COM") == ada


def test_the_match_links_the_provider_account_to_the_person(oidc, db):
    ada = PersonFactory(email="ada@example.com")
    sign_in("ada@example.com", uid="subject-ada")
    assert SocialAccount.objects.get(uid="subject-ada").user == ada


def test_a_linked_provider_account_signs_in_its_person_even_after_an_email_change(oidc, db):
    ada = PersonFactory(email="ada@example.com")
    sign_in("ada@example.com", uid="subject-ada")
    assert sign_in("ada.new@example.com", uid="subject-ada") == ada


def test_an_unverified_email_matches_nobody(oidc, db):
    PersonFactory(email="ada@example.com")
    assert sign_in("ada@example.com", verified=False) == [sso.NO_VERIFIED_EMAIL]
    assert not SocialAccount.objects.exists()


def test_trusted_email_domains_count_as_verified_for_providers_that_do_not_say(oidc, db):
    oidc.SOCIALACCOUNT_PROVIDERS = sso_providers({**OIDC_ENV, "SSO_TRUSTED_EMAIL_DOMAINS": "Example.com"})
    ada = PersonFactory(email="ada@example.com")
    assert sign_in("ada@example.com", verified=None) == ada
    assert sign_in("eve@elsewhere.example", verified=None, uid="subject-eve") == [sso.NO_VERIFIED_EMAIL]


def test_an_unknown_email_is_refused_with_a_message(oidc, db):
    assert sign_in("nobody@example.com") == [sso.UNKNOWN_EMAIL.format(email="nobody@example.com")]


def test_an_email_two_active_people_share_is_refused(oidc, db):
    PersonFactory(email="team@example.com")
    PersonFactory(email="TEAM@example.com")
    assert sign_in("team@example.com") == [sso.SHARED_EMAIL.format(email="team@example.com")]


def test_the_active_person_is_matched_when_a_deactivated_one_shares_the_email(oidc, db):
    PersonFactory(email="ada@example.com", is_active=False)
    ada = PersonFactory(email="ada@example.com")
    assert sign_in("ada@example.com") == ada


# --- Inactive people --------------------------------------------------------------------------------------


def test_an_inactive_person_cannot_sign_in_by_email(oidc, db):
    PersonFactory(email="ada@example.com", is_active=False)
    assert sign_in("ada@example.com") == [sso.INACTIVE]
    assert not SocialAccount.objects.exists()


def test_an_inactive_person_cannot_sign_in_through_a_linked_provider_account(oidc, db):
    ada = PersonFactory(email="ada@example.com")
    sign_in("ada@example.com", uid="subject-ada")
    ada.is_active = False
    ada.save()
    assert sign_in("ada@example.com", uid="subject-ada") == [sso.INACTIVE]


# --- Accounts by signing in alone ---------------------------------------------------------------------------


def test_nobody_gets_an_account_by_signing_in_alone(oidc, db):
    request, login = provider_login("newcomer@newco.example")
    assert sso.SocialAccountAdapter(request).is_open_for_signup(request, login) is False


def test_an_auto_create_domain_lets_an_unknown_verified_email_through(oidc, db):
    oidc.SSO_AUTO_CREATE_DOMAINS = ["newco.example"]
    assert sign_in("Newcomer@NewCo.example") is not None  # not refused: allauth goes on to sign them up
    request, login = provider_login("newcomer@newco.example")
    assert sso.SocialAccountAdapter(request).is_open_for_signup(request, login) is True


def test_an_auto_create_domain_never_admits_an_unverified_email(oidc, db):
    oidc.SSO_AUTO_CREATE_DOMAINS = ["newco.example"]
    request, login = provider_login("newcomer@newco.example", verified=False)
    assert sso.SocialAccountAdapter(request).is_open_for_signup(request, login) is False


def test_an_auto_create_domain_is_matched_whole_not_as_a_suffix():
    assert sso.may_auto_create("eve@evil-newco.example", ["newco.example"]) is False
    assert sso.may_auto_create("eve@newco.example.evil", ["newco.example"]) is False
    assert sso.may_auto_create("ann@NewCo.Example", ["newco.example"]) is True


def test_an_auto_created_person_is_an_employee_without_a_password_recorded_in_the_history(oidc, db):
    oidc.SSO_AUTO_CREATE_DOMAINS = ["newco.example"]
    PersonFactory(username="newcomer")
    request, login = provider_login("newcomer@newco.example", name="Nia Newcomer")
    adapter = sso.SocialAccountAdapter(request)
    adapter.populate_user(request, login, {"email": "newcomer@newco.example", "name": "Nia Newcomer"})
    person = adapter.save_user(request, login)
    person.refresh_from_db()
    assert (person.name, person.email, person.role) == ("Nia Newcomer", "newcomer@newco.example", "employee")
    assert person.username != "newcomer" and person.username.startswith("newcomer")
    assert not person.has_usable_password()
    assert ObjectChange.objects.filter(object_id=person.pk, action=ObjectChange.Action.CREATE).exists()
    assert SocialAccount.objects.get(uid="subject-1").user == person


# --- Errors at the provider ------------------------------------------------------------------------------


def messages_on_the_login_page(client) -> list[str]:
    return [str(message) for message in client.get("/accounts/login/").context["messages"]]


def test_an_unreachable_provider_ends_on_the_login_page_with_a_message(client, settings, db):
    unreachable = {**OIDC_ENV, "OIDC_ISSUER": f"http://127.0.0.1:{free_port()}"}
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(unreachable)
    response = client.post("/accounts/sso/oidc/idp/login/")
    assert response["Location"] == "/accounts/login/"
    assert messages_on_the_login_page(client) == [sso.PROVIDER_UNREACHABLE]


def test_a_sign_in_cancelled_at_the_provider_ends_on_the_login_page(client, oidc, db):
    response = client.get("/accounts/sso/oidc/idp/login/callback/?error=access_denied&state=unknown")
    assert response["Location"] == "/accounts/login/"
    assert messages_on_the_login_page(client) == [sso.PROVIDER_ERROR.format(provider="single sign-on")]


# --- Password login -------------------------------------------------------------------------------------


def test_the_login_page_offers_no_provider_when_none_is_configured(client, settings, db):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page
    assert 'name="password"' in page


def test_the_login_page_offers_a_configured_provider_beside_the_password_form(client, oidc, db):
    oidc.SOCIALACCOUNT_PROVIDERS = sso_providers({**OIDC_ENV, "OIDC_NAME": "Acme sign-in"})
    page = client.get("/accounts/login/?next=/my-goals/").content.decode()
    assert 'action="/accounts/sso/oidc/idp/login/"' in page
    assert "Sign in with Acme sign-in" in page
    assert 'name="password"' in page


def test_password_login_still_lands_on_my_work(client, oidc, db):
    PersonFactory(username="ada")
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response["Location"] == "/"


def test_password_login_off_leaves_only_the_providers_on_the_login_page(client, oidc, db):
    oidc.PASSWORD_LOGIN = False
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page
    assert "Sign in with single sign-on" in page


def test_password_login_off_refuses_the_login_form(client, oidc, db):
    oidc.PASSWORD_LOGIN = False
    PersonFactory(username="ada")
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 403
    assert sso.PASSWORD_LOGIN_OFF in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_login_off_refuses_every_password_check(settings, db):
    from django.contrib.auth import authenticate

    PersonFactory(username="ada")
    settings.PASSWORD_LOGIN = False
    assert authenticate(username="ada", password=PASSWORD) is None
    settings.PASSWORD_LOGIN = True
    assert authenticate(username="ada", password=PASSWORD) is not None


# --- Configuration from the environment ----------------------------------------------------------------


def test_no_provider_without_its_variables():
    assert sso_providers({}) == {}
    assert sso_providers({"OIDC_ISSUER": ISSUER}) == {}


def test_openid_connect_uses_the_code_flow_with_pkce_against_the_issuer():
    app = sso_providers({**OIDC_ENV, "OIDC_ISSUER": ISSUER + "/"})["openid_connect"]["APPS"][0]
    assert (app["client_id"], app["secret"]) == ("goalcascade", "s3cret")
    assert app["settings"] == {"server_url": ISSUER, "oauth_pkce_enabled": True}


def test_saml_reads_the_metadata_url_or_file_and_our_entity_id(tmp_path):
    url_app = sso_providers({"SAML_IDP_METADATA_URL": "https://idp.example.test/metadata"})["saml"]["APPS"][0]
    assert url_app["settings"]["idp"] == {"metadata_url": "https://idp.example.test/metadata", "entity_id": None}
    assert url_app["settings"]["sp"] == {"entity_id": None}
    metadata = tmp_path / "idp.xml"
    env = {"SAML_IDP_METADATA_FILE": str(metadata), "SAML_ENTITY_ID": "https://goals.example.com/saml"}
    file_app = sso_providers(env)["saml"]["APPS"][0]
    assert file_app["settings"]["idp"]["metadata_url"] == metadata.as_uri()
    assert file_app["settings"]["sp"] == {"entity_id": "https://goals.example.com/saml"}
    assert file_app["settings"]["advanced"]["want_assertion_signed"] is True


def test_the_configured_app_is_found_by_allauth(oidc, db):
    request = browser_request()
    app = sso.SocialAccountAdapter(request).get_app(request, provider="idp")
    assert isinstance(app, SocialApp) and app.client_id == "goalcascade"
    assert Person.objects.count() == 0
