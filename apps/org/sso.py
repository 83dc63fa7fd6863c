"""Single sign-on: who may sign in through a provider, and as whom (DESIGN.md, "Runtime"; docs/sso.md).

django-allauth runs the protocols (OpenID Connect, SAML 2.0); the rules here decide the person:

- a provider's account that signed someone in before signs that same person in again, while they are active;
- otherwise the provider's *verified* email is matched, case-insensitively, to the one active person who has it
  (people are imported from the org chart, usually without a password), and the two are linked from then on;
- nobody gets an account by signing in alone, unless SSO_AUTO_CREATE_DOMAINS names their email's domain;
- a refusal lands back on the login page with a message that says why.

With PASSWORD_LOGIN=false the password form disappears and every password sign-in is refused.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import services
from .models import Person

logger = logging.getLogger(__name__)

# Where goalcascade/urls.py mounts allauth's round trips.
SSO_PATH = "/accounts/sso/"

NO_VERIFIED_EMAIL = (
    "Your sign-in provider did not confirm an email address for you, so we cannot tell which account is yours. "
    "Ask your administrator."
)
UNKNOWN_EMAIL = (
    "There is no GoalCascade account for {email}. Ask HR to add you to the organisation (or to set up the email "
    "address you sign in with), then sign in again."
)
SHARED_EMAIL = "More than one GoalCascade account has the email {email}, so we cannot tell which is yours. Ask HR."
INACTIVE = "Your GoalCascade account is deactivated. Ask HR if you need it again."
PROVIDER_ERROR = "Signing in with {provider} did not work. Please try again, or ask your administrator."
PROVIDER_UNREACHABLE = "The sign-in provider cannot be reached just now. Please try again in a moment."
PASSWORD_LOGIN_OFF = "Signing in with a password is switched off here: use single sign-on."


class SignInRefused(Exception):
    """Why a provider's sign-in does not let this person in; the message is shown on the login page."""


# --- The rules --------------------------------------------------------------------------------------------


def verified_emails(sociallogin: SocialLogin) -> list[str]:
    """The emails the provider vouches for (its email_verified, or SSO_TRUSTED_EMAIL_DOMAINS); never any other."""
    return [address.email for address in sociallogin.email_addresses if address.verified and address.email]


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def may_auto_create(email: str, domains: list[str]) -> bool:
    """Whether someone unknown with this (verified) email gets an account by signing in."""
    return bool(email) and email_domain(email) in domains


def check_active(person: Person) -> None:
    if not person.is_active:
        raise SignInRefused(INACTIVE)


def person_for_email(email: str) -> Person | None:
    """The one active person with this email, any case; None when nobody has it. Refuses a deactivated or shared one."""
    people = list(Person.objects.filter(email__iexact=email.strip()))
    active = [person for person in people if person.is_active]
    if len(active) > 1:
        raise SignInRefused(SHARED_EMAIL.format(email=email))
    if active:
        return active[0]
    if people:
        raise SignInRefused(INACTIVE)
    return None


def match_person(emails: list[str], auto_create_domains: list[str]) -> Person | None:
    """The person whom these verified emails name; None when a new account may be made for them. Else refuses."""
    if not emails:
        raise SignInRefused(NO_VERIFIED_EMAIL)
    for email in emails:
        person = person_for_email(email)
        if person is not None:
            return person
    if any(may_auto_create(email, auto_create_domains) for email in emails):
        return None
    raise SignInRefused(UNKNOWN_EMAIL.format(email=emails[0]))


def refusal(request: HttpRequest, message: str) -> HttpResponse:
    """Back to the login page, saying why."""
    messages.error(request, message)
    return HttpResponseRedirect(reverse("login"))


# --- allauth's hooks --------------------------------------------------------------------------------------


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Applies the rules above to every sign-in through a provider (settings.SOCIALACCOUNT_ADAPTER)."""

    def pre_social_login(self, request, sociallogin):
        try:
            if sociallogin.is_existing:  # this provider account was linked to a person before
                check_active(sociallogin.user)
                return
            person = match_person(verified_emails(sociallogin), settings.SSO_AUTO_CREATE_DOMAINS)
        except SignInRefused as refused:
            raise ImmediateHttpResponse(refusal(request, str(refused))) from None
        if person is not None:
            sociallogin.connect(request, person)

    def is_open_for_signup(self, request, sociallogin):
        return any(may_auto_create(email, settings.SSO_AUTO_CREATE_DOMAINS) for email in verified_emails(sociallogin))

    def populate_user(self, request, sociallogin, data):
        """Only what a new person needs: the provider's name for them and their email; the username is ours."""
        user = sociallogin.user
        first_last = " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)
        user.name = (data.get("name") or first_last or "")[:200]
        user.username = ""
        user_email(user, data.get("email") or "")
        return user

    def save_user(self, request, sociallogin, form=None):
        """A new person from an auto-create domain, made through the organisation's service (so it is recorded)."""
        email = next(e for e in verified_emails(sociallogin) if may_auto_create(e, settings.SSO_AUTO_CREATE_DOMAINS))
        username = get_account_adapter(request).generate_unique_username([email.partition("@")[0], "person"])
        person = services.person_create(
            actor=None, username=username, name=sociallogin.user.name, email=email, invite=False
        )
        sociallogin.user = person
        sociallogin.save(request)
        return person

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        raise ImmediateHttpResponse(refusal(request, PROVIDER_ERROR.format(provider=provider.name)))


class AccountAdapter(DefaultAccountAdapter):
    """allauth's own sign-up is closed: people come from the org chart (or an auto-create domain, above)."""

    def is_open_for_signup(self, request):
        return False


class ProviderUnreachableMiddleware:
    """A provider that cannot be reached (network, DNS, timeout, its metadata) ends on the login page, not in a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # requests' errors and urllib's (SAML metadata) are both OSErrors.
        if not (isinstance(exception, OSError) and request.path.startswith(SSO_PATH)):
            return None
        logger.warning("single sign-on: the provider cannot be reached: %s", exception)
        return refusal(request, PROVIDER_UNREACHABLE)


class PasswordBackend(ModelBackend):
    """Django's username and password check, refused everywhere while PASSWORD_LOGIN is false."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.PASSWORD_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# --- The login page ---------------------------------------------------------------------------------------


def sso_buttons(request: HttpRequest) -> list[dict[str, str]]:
    """One button per configured provider: its name and where its sign-in starts (a POST)."""
    adapter = SocialAccountAdapter(request)
    return [
        {"name": provider.name, "url": provider.get_login_url(request)} for provider in adapter.list_providers(request)
    ]


class LoginView(auth_views.LoginView):
    """Django's login page (/accounts/login/) with a button for each single sign-on provider."""

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            messages.error(request, PASSWORD_LOGIN_OFF)
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            password_login=settings.PASSWORD_LOGIN, sso_buttons=sso_buttons(self.request), **kwargs
        )
