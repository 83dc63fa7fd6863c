"""Password reset, on the page and over the API, against a real SMTP server: the answer is the same for every
address, only active people are mailed — with a password or without — and nobody can use it to flood a mailbox."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.org.models import AccountMail, Person
from tests.factories import PASSWORD, PersonFactory

API = "/api/v1/auth/password-reset/"
PAGE = reverse("org:password-reset")
NEW_PASSWORD = "another-cascade-password-9"


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    """Throttle counters of this test's own, and the auth scope off unless a test sets it."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "auth": None},
    }


def throttle_auth(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "auth": rate},
    }


@pytest.fixture
def people(db):
    """An active person with a password, one imported without, and a deactivated one."""
    active = PersonFactory(username="ada", email="ada@example.com")
    imported = PersonFactory(username="bo", email="bo@example.com")
    imported.set_unusable_password()
    imported.save()
    PersonFactory(username="cy", email="cy@example.com", is_active=False)
    return active, imported


def ask_api(email: str, commit):
    with commit():
        return APIClient().post(API, {"email": email}, format="json")


def ask_page(client, email: str, commit):
    with commit():
        return client.post(PAGE, {"email": email})


ADDRESSES = ("ada@example.com", "BO@Example.com", "cy@example.com", "nobody@example.com")


def test_the_api_answers_alike_for_every_address_and_mails_only_active_people(people, commit, smtp_server):
    answers = [ask_api(email, commit) for email in ADDRESSES]
    assert {response.status_code for response in answers} == {202}
    assert len({response.content for response in answers}) == 1
    assert sorted(m["To"] for m in smtp_server.messages) == ["ada@example.com", "bo@example.com"]


def test_the_page_answers_alike_for_every_address_and_mails_only_active_people(people, client, commit, smtp_server):
    answers = [ask_page(client, email, commit) for email in ADDRESSES]
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, reverse("org:password-reset-done"))}
    assert sorted(m["To"] for m in smtp_server.messages) == ["ada@example.com", "bo@example.com"]
    done = client.get(reverse("org:password-reset-done")).content.decode()
    assert "If the address belongs to an account here" in done


def test_a_malformed_address_is_a_400_naming_the_field(db):
    response = APIClient().post(API, {"email": "not an address"}, format="json")
    assert response.status_code == 400 and "email" in response.json()


def test_someone_without_a_password_is_offered_to_set_one(people, commit, smtp_server, settings):
    ask_api("bo@example.com", commit)
    (mail,) = smtp_server.messages
    assert mail["Subject"] == "Set your GoalCascade password"
    assert "bo" in smtp_server.text(mail) and "Set your password" in smtp_server.html(mail)


def test_a_reset_link_sets_the_password_once_and_signs_in(people, client, commit, smtp_server, settings):
    ada = people[0]
    ask_page(client, ada.email, commit)
    path = smtp_server.link(smtp_server.messages[0], settings.SITE_URL)

    form = client.get(path)
    assert form.status_code == 302
    assert "Choose a new password" in client.get(form["Location"]).content.decode()
    done = client.post(form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done["Location"] == reverse("org:password-reset-complete")
    assert client.session["_auth_user_id"] == str(ada.pk)
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD) and not ada.check_password(PASSWORD)
    client.post(reverse("logout"))
    assert not client.get(path, follow=True).context["validlink"]  # once


def test_one_mailbox_gets_at_most_five_links_an_hour(people, commit, smtp_server):
    answers = [ask_api("ada@example.com", commit).status_code for _ in range(7)]
    assert answers == [202] * 7
    assert len(smtp_server.messages) == 5
    assert AccountMail.objects.filter(kind=AccountMail.Kind.PASSWORD_RESET).count() == 5


def test_the_api_is_throttled_per_client_address_with_the_auth_scope(people, commit, settings):
    throttle_auth(settings, "2/minute")
    codes = [ask_api(email, commit).status_code for email in ("a@example.com", "b@example.com", "c@example.com")]
    assert codes == [202, 202, 429]


def test_the_auth_scope_counts_token_requests_and_resets_together(people, commit, settings):
    throttle_auth(settings, "2/minute")
    APIClient().post("/api/v1/auth/token/", {"username": "ada", "password": "wrong"}, format="json")
    ask_api("a@example.com", commit)
    assert ask_api("b@example.com", commit).status_code == 429


def test_the_page_is_throttled_per_client_address(people, client, commit, settings, smtp_server):
    throttle_auth(settings, "2/minute")
    codes = [ask_page(client, "ada@example.com", commit).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(smtp_server.messages) == 2
    refused = ask_page(client, "ada@example.com", commit)
    assert "Too many requests from your address" in refused.content.decode() and int(refused["Retry-After"]) > 0


def test_the_login_page_links_to_the_reset_page(client, db):
    assert f'href="{PAGE}"' in client.get(reverse("login")).content.decode()


def test_django_s_own_reset_pages_lead_to_ours(client, db):
    assert client.get("/accounts/password_reset/")["Location"] == PAGE


def test_with_password_login_off_nothing_is_mailed_and_no_link_signs_in(people, client, commit, settings):
    from apps.org import tokens

    settings.PASSWORD_LOGIN = False
    assert ask_api("ada@example.com", commit).status_code == 202
    assert not AccountMail.objects.exists()
    url = tokens.reset_url(people[0])
    assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 403
    assert f'href="{PAGE}"' not in client.get(reverse("login")).content.decode()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_person_is_not_mailed_what_was_asked_before(people, commit, smtp_server):
    from apps.org import invitations

    ada = people[0]
    invitations.password_reset_request(email=ada.email)  # recorded, not yet sent
    Person.objects.filter(pk=ada.pk).update(is_active=False)
    assert invitations.account_mails_send(mail_ids=list(AccountMail.objects.values_list("pk", flat=True))) == 0
    assert AccountMail.objects.get().outcome == AccountMail.Outcome.SKIPPED and not smtp_server.messages
