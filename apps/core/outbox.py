"""Mail outboxes (account mails, digests): rows written with the writer's transaction, sent by tasks, swept when a
task was lost. The mechanism lives here once; each outbox gives its model and how one row is sent.

An outbox model has `claimed_at`, `finished_at`, `outcome` (its Outcome choices hold "sent" and "refused"),
`created`, and `CLAIM_SECONDS` (a claim older than that belongs to a worker that died and may be taken again).
"""

import logging
import smtplib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db.models import Model, Q
from django.utils import timezone

logger = logging.getLogger(__name__)
SENT, REFUSED = "sent", "refused"


def _free(model: type[Model], now: datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(seconds=model.CLAIM_SECONDS))


def claim(model: type[Model], ids: Sequence[int], *, related: Sequence[str] = ()) -> list:
    """Mark the unsent, unclaimed (or stale-claimed) rows among `ids` as ours; another worker's claim is left alone."""
    now = timezone.now()
    model.objects.filter(_free(model, now), pk__in=ids, finished_at__isnull=True).update(claimed_at=now)
    rows = model.objects.filter(pk__in=ids, claimed_at=now, finished_at__isnull=True)
    return list(rows.select_related(*related).order_by("pk"))


def release(model: type[Model], rows: Sequence) -> None:
    """Give unsent rows back to the outbox (a later task or the sweep takes them)."""
    model.objects.filter(pk__in=[row.pk for row in rows], finished_at__isnull=True).update(claimed_at=None)


def finish(model: type[Model], row, outcome: str) -> None:
    row.outcome = outcome
    model.objects.filter(pk=row.pk).update(outcome=outcome, finished_at=timezone.now())


def send(model: type[Model], ids: Sequence[int], *, send_one: Callable, related: Sequence[str] = ()) -> int:
    """Claim the rows of `ids` still due and send them on one connection; how many went out. Running it again sends
    nothing twice. `send_one(row, connection)` sends one row and returns its outcome ("sent", "skipped"…). An
    address the server refuses is recorded as "refused" and skipped; any other SMTP or network error gives the rows
    not yet sent back to the outbox and raises, so the task retries them."""
    rows = claim(model, ids, related=related)
    if not rows:
        return 0
    sent = 0
    connection = get_connection()
    try:
        with connection:
            for index, row in enumerate(rows):
                try:
                    outcome = send_one(row, connection)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
                    logger.warning("%s %s refused by the server: %s", model.__name__, row.pk, exc)
                    outcome = REFUSED
                except Exception:
                    release(model, rows[index:])
                    raise
                finish(model, row, outcome)
                sent += outcome == SENT
    except (smtplib.SMTPException, OSError):  # opening or closing the connection
        release(model, [row for row in rows if not row.outcome])
        raise
    return sent


def waiting_ids(model: type[Model], *, now: datetime, older_than: timedelta, limit: int) -> list[int]:
    """The rows waiting longer than `older_than` (their task was lost) and not held by a live claim, oldest first."""
    due = model.objects.filter(finished_at__isnull=True, created__lt=now - older_than).filter(_free(model, now))
    return list(due.order_by("created").values_list("pk", flat=True)[:limit])
