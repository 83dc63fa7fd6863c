"""Mail that looks like the product: one template name gives a subject, a plain-text body and an HTML body.

    <name>_subject.txt   one line
    <name>.txt           the plain-text body (what every mail reader can show)
    <name>.html          the same in HTML, extending templates/mail/layout.html (inline styles: mail readers drop
                         style sheets)

Links in a mail are absolute, built from settings.SITE_URL: a mail is sent by a worker, with no request to ask.
"""

import logging
import smtplib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
SENT, REFUSED = "sent", "refused"  # the outcomes an outbox row records (its model's Outcome choices)


def absolute_url(path: str) -> str:
    """`path` (from reverse()) as the address people reach the app at."""
    return settings.SITE_URL + path


def render_mail(template: str, context: dict, *, to: str) -> EmailMultiAlternatives:
    """The message for `to`, ready to send (on a connection the caller may share between many)."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(f"{template}.txt", context), to=[to])
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_claimed(rows: Sequence, *, send: Callable, finish: Callable, release: Callable) -> int:
    """Send an outbox's claimed rows (account mails, digests) on one connection; how many went out.

    `send(row, connection)` returns the row's outcome ("sent", "skipped"…) and `finish(row, outcome)` records it.
    An address the server refuses is recorded as "refused" and skipped; any other SMTP or network error gives the
    rows not yet sent back to the outbox (`release(rows)`) and raises, so the task retries them."""
    if not rows:
        return 0
    sent = 0
    connection = get_connection()
    try:
        with connection:
            for index, row in enumerate(rows):
                try:
                    outcome = send(row, connection)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
                    logger.warning("%s %s refused by the server: %s", type(row).__name__, row.pk, exc)
                    outcome = REFUSED
                except Exception:
                    release(rows[index:])
                    raise
                finish(row, outcome)
                sent += outcome == SENT
    except (smtplib.SMTPException, OSError):  # opening or closing the connection
        release([row for row in rows if not row.outcome])
        raise
    return sent
