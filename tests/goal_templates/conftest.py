import pytest

from apps.goal_templates import services
from apps.goals.models import Layer
from tests.cast import build_cast

METRICS = [
    {"name": "Calls made", "unit": "number", "display_unit": "calls", "start": 0, "target": 100, "weight": 2},
    {"name": "Revenue", "unit": "currency", "display_unit": "$", "start": "0", "target": "50000.5"},
    {"name": "Win rate", "unit": "percent", "start": 10, "target": 30},
]


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def template(cast):
    """The manager's personal-layer template with three metrics."""
    return services.template_create(
        actor=cast.manager, title="Sell more", layer=Layer.PERSONAL, description="Grow your book.", metrics=METRICS
    )
