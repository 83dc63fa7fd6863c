"""Invitations and password resets: who gets one, recording it (an outbox row in the asking transaction), and
sending it from a Celery task.

Who is *activated* (people/ `activated`, the "not activated" page): a person who has signed in at least once
(`last_login` is set: a password sign-in on the pages, or single sign-on) or who has a usable password (set
through an invitation or reset link, or given when they were created). Everyone else — imported, or created without
a password — cannot get in yet: an active one with an email address is *invitable*.

    invitations_for_new_people(person_ids=..., ...)  a new person without a password gets an invitation (import,
                                                      people/ without password, the admin)
    invitation_request(actor=..., person=...)        HR or an admin (re)sends one
    invitations_request_pending(actor=...)           HR or an admin resends to everyone who has not activated
    password_reset_request(email=...)                a reset link to every active person with that address
    account_mails_send(mail_ids=...)                 the task's work: send what is still due, once
    account_mails_send_due()                         the sweep: send what a lost task left
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from apps.core import outbox
from apps.core.mail import absolute_url, render_mail

from . import permissions, tokens
from .models import AccountMail, Person

logger = logging.getLogger(__name__)
Kind, Outcome = AccountMail.Kind, AccountMail.Outcome
BATCH_SIZE = 250  # mails per task: one SMTP connection each; 100,000 people make 400 tasks, not 100,000
RESEND_PAUSE = timedelta(hours=1)  # "resend to everyone" skips whom it invited this recently
SWEEP_AFTER = timedelta(minutes=5)  # a mail still waiting this long lost its task: the sweep sends it

# --- Who ----------------------------------------------------------------------------------------------------


def activated_q() -> Q:
    """Signed in at least once, or has a usable password (Django's unusable ones start with "!")."""
    usable = ~Q(password="") & ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return Q(last_login__isnull=False) | usable


def with_activated(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.annotate(activated=ExpressionWrapper(activated_q(), output_field=BooleanField()))


def is_activated(person: Person) -> bool:
    return person.last_login is not None or (bool(person.password) and person.has_usable_password())


def invitable() -> QuerySet[Person]:
    """Active people with an email who have not activated: those an invitation is for."""
    return Person.objects.filter(is_active=True).exclude(email="").exclude(activated_q())


def not_invitable_reason(person: Person) -> str | None:
    if not person.is_active:
        return f"{person} is deactivated: reactivate them first."
    if not person.email:
        return f"{person} has no email address to send an invitation to."
    if is_activated(person):
        return f"{person} has already activated their account: they can reset their password from the login page."
    return None


# --- Asking -------------------------------------------------------------------------------------------------


def invitations_for_new_people(
    *, people: Iterable[Person], actor: Person | None, import_job_id: int | None = None
) -> int:
    """Invitations for the people just created (in the caller's transaction) who are invitable; how many.
    Decided on the objects the caller holds: no query per person, whatever the size of an import."""
    requested_by = actor.pk if actor is not None else None
    mails = [
        AccountMail(
            person_id=person.pk, kind=Kind.INVITATION, requested_by_id=requested_by, import_job_id=import_job_id
        )
        for person in people
        if not_invitable_reason(person) is None
    ]
    _queue(mails)
    return len(mails)


def invitation_request(*, actor: Person, person: Person) -> AccountMail:
    """HR or an admin sends `person` an invitation (again); a new link, the earlier ones still work until used."""
    if not permissions.can_change_person(actor, person):
        raise PermissionDenied("Only HR and admins send invitations, and only an admin to an admin.")
    reason = not_invitable_reason(person)
    if reason:
        raise ValidationError(reason)
    mail = AccountMail(person=person, kind=Kind.INVITATION, requested_by=actor)
    _queue([mail])
    return mail


def invitations_request_pending(*, actor: Person) -> int:
    """An invitation to everyone invitable whom nobody invited in the last hour (a second click mails nobody
    twice); only an admin's reaches admins. How many."""
    if not permissions.can_manage_org(actor):
        raise PermissionDenied("Only HR and admins send invitations.")
    recent = AccountMail.objects.filter(kind=Kind.INVITATION, created__gte=timezone.now() - RESEND_PAUSE)
    people = invitable().exclude(pk__in=recent.values("person_id"))
    if not permissions.access_for(actor).is_admin:
        people = people.exclude(role=Person.Role.ADMIN).exclude(is_superuser=True)
    ids = list(people.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):  # bounded memory for an organisation where nobody has activated yet
        _queue(
            [AccountMail(person_id=pk, kind=Kind.INVITATION, requested_by=actor) for pk in ids[start : start + 5000]]
        )
    return len(ids)


def password_reset_request(*, email: str) -> int:
    """A reset link to every active person with this address (any case), password or not — unless the address
    had PASSWORD_RESET_MAILS_PER_HOUR already. The caller answers the same whatever this returns."""
    if not settings.PASSWORD_LOGIN:
        return 0  # no password to set: single sign-on is the only way in
    people = list(Person.objects.filter(email__iexact=email.strip(), is_active=True).values_list("pk", flat=True))
    if not people:
        return 0
    hour_ago = timezone.now() - timedelta(hours=1)
    sent = AccountMail.objects.filter(person_id__in=people, kind=Kind.PASSWORD_RESET, created__gte=hour_ago)
    if sent.count() >= settings.PASSWORD_RESET_MAILS_PER_HOUR * len(people):
        logger.warning("Password reset for an address past its hourly limit: not sent.")
        return 0
    _queue([AccountMail(person_id=pk, kind=Kind.PASSWORD_RESET) for pk in people])
    return len(people)


@transaction.atomic
def _queue(mails: list[AccountMail]) -> None:
    """Record the mails with the caller's writes; once those commit, tasks send them (BATCH_SIZE a task)."""
    if not mails:
        return
    AccountMail.objects.bulk_create(mails, batch_size=1000)
    ids = [mail.pk for mail in mails]
    # robust: a broker that cannot be reached must not undo a committed request; the sweep sends them later.
    transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(ids: list[int]) -> None:
    from . import tasks

    for start in range(0, len(ids), BATCH_SIZE):
        tasks.send_account_mails.delay(ids[start : start + BATCH_SIZE])


# --- Sending ------------------------------------------------------------------------------------------------


def account_mails_send(*, mail_ids: list[int]) -> int:
    """Send those of `mail_ids` still due, on one connection; how many went out (apps.core.outbox.send: nothing
    twice, a refused address recorded and skipped, other errors retried)."""
    return outbox.send(AccountMail, mail_ids, send_one=_send, related=("person", "requested_by"))


def account_mails_send_due(*, now=None) -> int:
    """Send every mail waiting longer than SWEEP_AFTER (its task was lost); how many went out."""
    ids = outbox.waiting_ids(AccountMail, now=now or timezone.now(), older_than=SWEEP_AFTER, limit=BATCH_SIZE * 40)
    return sum(account_mails_send(mail_ids=ids[i : i + BATCH_SIZE]) for i in range(0, len(ids), BATCH_SIZE))


def place_changed_notice(*, actor: Person | None, person: Person, changes: dict) -> None:
    """Tell `person` by mail that their role, manager or the units they lead changed, by whom (DESIGN.md: a change
    of someone's place in the organisation, which decides what they may see, is never made behind their back)."""
    if person.email and person.is_active and changes:
        _queue([AccountMail(person=person, kind=Kind.PLACE_CHANGED, requested_by=actor, details=changes)])


def _send(mail: AccountMail, connection) -> str:
    person = mail.person
    if mail.kind == Kind.PLACE_CHANGED:
        if not (person.is_active and person.email):
            return Outcome.SKIPPED
        context = {"person": person, "changed_by": mail.requested_by, "changes": mail.details}
        message = render_mail("org/mail/place_changed", {**context, "url": absolute_url("/")}, to=person.email)
    elif mail.kind == Kind.INVITATION:
        if not_invitable_reason(person):
            return Outcome.SKIPPED
        message = render_mail("org/mail/invitation", _invitation_context(mail), to=person.email)
    else:
        if not (person.is_active and person.email and settings.PASSWORD_LOGIN):
            return Outcome.SKIPPED
        message = render_mail("org/mail/password_reset", _reset_context(person), to=person.email)
    connection.send_messages([message])
    return Outcome.SENT


def _invitation_context(mail: AccountMail) -> dict:
    person = mail.person
    return {
        "person": person,
        "inviter": mail.requested_by,
        "password_login": settings.PASSWORD_LOGIN,
        "url": tokens.invitation_url(person) if settings.PASSWORD_LOGIN else absolute_url("/accounts/login/"),
        "days": int(settings.INVITATION_DAYS),
    }


def _reset_context(person: Person) -> dict:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return {"person": person, "url": tokens.reset_url(person), "hours": hours, "has_password": is_activated(person)}


def import_job_mails(job) -> dict[str, int] | None:
    """How an import's invitations fare — sent, waiting, skipped, refused — or None before it has imported."""
    if not job.applied:
        return None
    counts = dict.fromkeys(("sent", "waiting", "skipped", "refused"), 0)
    rows = AccountMail.objects.filter(import_job=job).values("outcome").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["outcome"] or "waiting"] += row["n"]
    return counts
