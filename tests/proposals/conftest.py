import pytest

from apps.goals.models import Layer
from apps.proposals import services
from tests.cast import build_cast


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def propose(cast):
    """`propose(**overrides)`: the employee proposes an operational goal under the manager's team goal."""

    def make(**overrides):
        fields = {
            "actor": cast.employee,
            "title": "Run a partner webinar",
            "description": "Monthly, for APAC resellers.",
            "why": "Partners ask for it.",
            "layer": Layer.OPERATIONAL,
            "parent": cast.trans,
            "cycle": cast.year,
            "unit": cast.team,
            **overrides,
        }
        return services.proposal_create(**fields)

    return make


@pytest.fixture
def proposal(propose):
    return propose()
