"""The one-time links of invitations and password resets (DESIGN.md, "Invitation").

Django's password-reset token: an HMAC of the person's id, password hash, last sign-in and email with the time
it was made. Setting a password or signing in changes what it signs, so a link works once; a changed email voids
it too. Each kind has its own salt (an invitation's token is no reset token) and its own maximum age, read from
the settings when checked. `at(moment)` gives the same generator with its clock stopped at `moment`: tests make a
link "eight days ago" with it instead of mocking time.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from apps.core.mail import absolute_url


class LinkTokens(PasswordResetTokenGenerator):
    def __init__(self, key_salt: str, max_age: Callable[[], int], clock: Callable[[], datetime] | None = None):
        super().__init__()
        self.key_salt = key_salt
        self.max_age = max_age
        self.clock = clock

    def at(self, moment: datetime) -> "LinkTokens":
        """This generator with its clock stopped at `moment` (naive local time, like datetime.now(), or aware)."""
        if moment.tzinfo is not None:
            moment = moment.astimezone().replace(tzinfo=None)
        return LinkTokens(self.key_salt, self.max_age, clock=lambda: moment)

    def _now(self) -> datetime:
        return self.clock() if self.clock else super()._now()

    def check_token(self, user, token) -> bool:
        """Django's check, against this kind's own maximum age instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token) for secret in secrets
        ):
            return False
        return 0 <= self._num_seconds(self._now()) - timestamp <= self.max_age()


invitation_tokens = LinkTokens("goalcascade.org.invitation", lambda: int(settings.INVITATION_DAYS * 86400))
reset_tokens = LinkTokens("goalcascade.org.password_reset", lambda: settings.PASSWORD_RESET_TIMEOUT)


def uid_of(person) -> str:
    return urlsafe_base64_encode(force_bytes(person.pk))


def invitation_url(person, tokens: LinkTokens = invitation_tokens) -> str:
    return absolute_url(reverse("org:invitation", args=[uid_of(person), tokens.make_token(person)]))


def reset_url(person, tokens: LinkTokens = reset_tokens) -> str:
    return absolute_url(reverse("org:password-reset-confirm", args=[uid_of(person), tokens.make_token(person)]))
