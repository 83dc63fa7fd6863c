import pytest

from tests.cast import build_cast


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def fresh():
    """The person as a new request would see them (permission checks keep what they learn on the object)."""

    def read(person):
        person.__dict__.pop("_access", None)
        return person

    return read
