"""A real SMTP server for the mail tests: aiosmtpd on a free 127.0.0.1 port, with EMAIL_URL pointing at it.

    def test_it_mails(smtp_server): ...   # smtp_server.messages: every mail it accepted, parsed

Addresses starting with "refused" are refused at RCPT, as a relay refuses an unknown mailbox.
"""

import email
import email.policy
import re
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from goalcascade.email_url import parse_email_url


class Inbox:
    """aiosmtpd's handler: keeps what it accepts."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()

    def link(self, message: EmailMessage, site_url: str) -> str:
        """The path of the one link to this site in the message's plain text."""
        urls = re.findall(re.escape(site_url) + r"(/accounts/\S+/)", self.text(message))
        assert len(urls) == 1, self.text(message)
        return urls[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_email_url(settings, url: str) -> None:
    """What the settings module does with EMAIL_URL, for this test."""
    for name, value in parse_email_url(url).items():
        setattr(settings, name, value)


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    use_email_url(settings, f"smtp://127.0.0.1:{port}?timeout=5")
    yield inbox
    controller.stop()
