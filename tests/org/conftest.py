from tests.mailserver import smtp_server

__all__ = ["smtp_server"]
