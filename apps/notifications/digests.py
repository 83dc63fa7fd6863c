"""The digest mails: one per person per period, at their local morning, never in their quiet hours.

When (DESIGN.md "Notification"; issue 12 part 4):
- A person with `email_digest` daily or weekly, active, with an email address and something unread that no mail
  has carried yet, gets a digest when the hourly job finds it is their *morning*: from DIGEST_HOUR (08:00) local
  time for DIGEST_WINDOW_HOURS (4) hours — on Mondays for a weekly digest. When DIGEST_HOUR falls in their quiet
  hours, their morning starts when the quiet hours end. Never during quiet hours.
- Period: their local date (daily, "daily:2027-01-04") or ISO week (weekly, "weekly:2027-W01"). A Digest row is
  unique per person and period: composing twice — two beats, the command by hand — mails once.
- `ignore_window` (`send_digests --now`): the morning window is not waited for; quiet hours still hold, and the
  period is still the person's current local day or week, so it still mails at most once per period.
- What a digest carries: the person's unread notifications no digest has carried, in the same transaction that
  records the digest (each notification is mailed at most once). Reading one in the app first keeps it out.

Durable like apps.org.invitations: the Digest row is the outbox (recorded with the notifications it carries);
after commit a task sends a batch on one SMTP connection, claiming each row first so that two workers never send
one; a relay that is down releases the claim and the task retries; the sweep sends what a lost task left.
Every mail carries a signed one-click unsubscribe link (RFC 8058 List-Unsubscribe and List-Unsubscribe-Post).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from apps.core import outbox
from apps.core.mail import absolute_url, render_mail
from apps.org.models import Person

from . import services
from .models import Digest, Notification, Preference, is_quiet

Outcome = Digest.Outcome
BATCH_SIZE = 250  # digests per task: one SMTP connection each
SWEEP_AFTER = timedelta(minutes=5)
UNSUBSCRIBE_SALT = "goalcascade.notifications.unsubscribe"
ITEMS_SHOWN = 50  # a digest lists this many notifications and says how many more wait in the app


# --- When -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    person_id: int
    timezone: str
    quiet_start: time | None
    quiet_end: time | None
    frequency: str


def digest_period(recipient: Recipient, now: datetime, *, ignore_window: bool = False) -> str | None:
    """The period whose digest is due for the recipient now, or None: not their morning, or their quiet hours."""
    local = now.astimezone(ZoneInfo(recipient.timezone))
    if is_quiet(local.time(), recipient.quiet_start, recipient.quiet_end):
        return None
    if not ignore_window and not _in_morning(recipient, local):
        return None
    if recipient.frequency == Preference.Digest.DAILY:
        return f"daily:{local.date().isoformat()}"
    if recipient.frequency == Preference.Digest.WEEKLY and (ignore_window or local.isoweekday() == 1):
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


def _in_morning(recipient: Recipient, local: datetime) -> bool:
    start = time(settings.DIGEST_HOUR)
    if is_quiet(start, recipient.quiet_start, recipient.quiet_end):
        start = recipient.quiet_end  # the morning begins when the quiet hours end
    begin = datetime.combine(local.date(), start, tzinfo=local.tzinfo)
    return begin <= local < begin + timedelta(hours=settings.DIGEST_WINDOW_HOURS)


def _recipients() -> Iterator[Recipient]:
    """Who might get a digest: active, with an address, not opted out, something unread and unmailed (people
    without a preference row have the defaults: UTC, no quiet hours, weekly)."""
    pending = Notification.objects.filter(read_at__isnull=True, digest__isnull=True).values("person_id")
    people = (
        Person.objects.filter(is_active=True, pk__in=pending)
        .exclude(email="")
        .exclude(notification_preference__email_digest=Preference.Digest.OFF)
        .values_list(
            "pk",
            "notification_preference__timezone",
            "notification_preference__quiet_hours_start",
            "notification_preference__quiet_hours_end",
            "notification_preference__email_digest",
        )
        .order_by("pk")
    )
    default = Preference()
    for pk, zone, start, end, frequency in people.iterator(chunk_size=2000):
        yield Recipient(pk, zone or default.timezone, start, end, frequency or default.email_digest)


# --- Composing --------------------------------------------------------------------------------------------------


def digests_compose(*, now: datetime | None = None, ignore_window: bool = False) -> list[int]:
    """Record the digests due now with what they carry, and send them once that commits. The ids recorded."""
    now = now or timezone.now()
    due: list[tuple[int, str]] = []
    for recipient in _recipients():
        period = digest_period(recipient, now, ignore_window=ignore_window)
        if period:
            due.append((recipient.person_id, period))
    ids: list[int] = []
    for start in range(0, len(due), BATCH_SIZE):
        ids += _record(due[start : start + BATCH_SIZE], now)
    return ids


@transaction.atomic
def _record(due: list[tuple[int, str]], now: datetime) -> list[int]:
    """Digest rows for those whose period has none yet (a unique constraint: a second run records nothing), and
    their pending notifications tied to them — one INSERT and one UPDATE for the whole batch."""
    batch = uuid4().hex
    rows = [Digest(person_id=person_id, period=period, batch=batch, created=now) for person_id, period in due]
    Digest.objects.bulk_create(rows, ignore_conflicts=True)
    ours = Digest.objects.filter(batch=batch)
    digest_of_person = ours.filter(person_id=OuterRef("person_id")).values("pk")[:1]
    Notification.objects.filter(
        person_id__in=ours.values("person_id"), read_at__isnull=True, digest__isnull=True, created__lte=now
    ).update(digest_id=Subquery(digest_of_person))
    ids = list(ours.values_list("pk", flat=True))
    # robust: a broker that cannot be reached must not undo what was recorded; the sweep sends them later.
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return ids


def _enqueue(ids: list[int]) -> None:
    from . import tasks

    for start in range(0, len(ids), BATCH_SIZE):
        tasks.send_digests.delay(ids[start : start + BATCH_SIZE])


# --- Sending ----------------------------------------------------------------------------------------------------


def digests_send(*, digest_ids: list[int]) -> int:
    """Send those of `digest_ids` still due, on one connection; how many went out (apps.core.outbox.send: nothing
    twice, a refused address recorded and skipped, other errors retried)."""
    return outbox.send(Digest, digest_ids, send_one=_send, related=("person", "person__notification_preference"))


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send every digest waiting longer than SWEEP_AFTER (its task was lost); how many went out."""
    ids = outbox.waiting_ids(Digest, now=now or timezone.now(), older_than=SWEEP_AFTER, limit=BATCH_SIZE * 40)
    return sum(digests_send(digest_ids=ids[i : i + BATCH_SIZE]) for i in range(0, len(ids), BATCH_SIZE))


def _send(digest: Digest, connection) -> str:
    person = digest.person
    preference = getattr(person, "notification_preference", None)
    opted_out = preference is not None and preference.email_digest == Preference.Digest.OFF
    items = list(digest.notifications.order_by("-created", "-id")[: ITEMS_SHOWN + 1])
    if not (person.is_active and person.email) or opted_out or not items:
        return Outcome.SKIPPED
    message = digest_message(digest, items)
    connection.send_messages([message])
    return Outcome.SENT


def digest_message(digest: Digest, items: list[Notification]):
    person = digest.person
    unsubscribe = unsubscribe_url(person)
    shown = items[:ITEMS_SHOWN]
    context = {
        "person": person,
        "items": [{"text": n.text, "url": absolute_url(n.url) if n.url else ""} for n in shown],
        "more": digest.notifications.count() - len(shown) if len(items) > ITEMS_SHOWN else 0,
        "weekly": digest.period.startswith("weekly"),
        "url": absolute_url(reverse("notifications:list")),
        "checkin_url": absolute_url(services.checkin_path()),
        "has_checkin": any(n.kind == Notification.Kind.CHECKIN_DUE for n in shown),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    message = render_mail("notifications/mail/digest", context, to=person.email)
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


# --- Unsubscribing ----------------------------------------------------------------------------------------------


def unsubscribe_token(person: Person) -> str:
    """Signed with SECRET_KEY: names the person, cannot be forged, and does not expire (an old mail's link works)."""
    return signing.dumps(person.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(person: Person) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(person)]))


def person_from_token(token: str) -> Person | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=pk).first() if isinstance(pk, int) else None


# --- The job ----------------------------------------------------------------------------------------------------


def digest_job_run(*, now: datetime | None = None, ignore_window: bool = False) -> dict[str, int]:
    """What the hourly beat (and `manage.py send_digests`) runs: the scans, then the digests due."""
    from . import scans

    now = now or timezone.now()
    counts = scans.checkin_reminders_scan(now=now)
    counts["off_track"] = scans.off_track_scan(now=now)
    counts["digests"] = len(digests_compose(now=now, ignore_window=ignore_window))
    return counts
