import pytest

from apps.one_on_ones import services
from tests.cast import build_cast


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def series(cast):
    """The manager's weekly 1:1 with the employee (their report)."""
    return services.series_create(actor=cast.manager, manager=cast.manager, report=cast.employee, cadence_days=7)


@pytest.fixture
def meeting(cast, series):
    return services.meeting_open(actor=cast.manager, series=series)
