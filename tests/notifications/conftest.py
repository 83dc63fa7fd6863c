import pytest

from tests.cast import build_cast
from tests.mailserver import smtp_server

__all__ = ["smtp_server"]


@pytest.fixture
def cast(db):
    return build_cast()
