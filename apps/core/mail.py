"""Mail that looks like the product: one template name gives a subject, a plain-text body and an HTML body.

    <name>_subject.txt   one line
    <name>.txt           the plain-text body (what every mail reader can show)
    <name>.html          the same in HTML, extending templates/mail/layout.html (inline styles: mail readers drop
                         style sheets)

Links in a mail are absolute, built from settings.SITE_URL: a mail is sent by a worker, with no request to ask.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


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
