"""apps.cycles.services: a cycle's moves keep what hangs on it in place."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.cycles import services
from apps.cycles.models import Cycle
from apps.goals.models import Layer
from tests.factories import CycleFactory, GoalFactory


@pytest.fixture
def years(db):
    fy27 = CycleFactory(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    other = CycleFactory(name="Other 2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    quarter = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=fy27)
    return fy27, other, quarter


def test_cycle_cannot_move_away_from_the_cycle_its_goals_parents_run_in(years):
    fy27, other, quarter = years
    intent = GoalFactory(layer=Layer.INTENT, cycle=fy27)
    GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent, cycle=quarter, title="Quarter's translation")

    with pytest.raises(ValidationError) as refused:
        services.cycle_update(actor=None, cycle=quarter, parent=other)

    assert "Quarter's translation" in refused.value.message_dict["parent"][0]
    assert Cycle.objects.get(pk=quarter.pk).parent_id == fy27.pk


def test_cycle_without_stranded_goals_moves(years):
    _, other, quarter = years
    GoalFactory(layer=Layer.INTENT, cycle=quarter)

    services.cycle_update(actor=None, cycle=quarter, parent=other)

    assert Cycle.objects.get(pk=quarter.pk).parent_id == other.pk


def test_cycle_fields_outside_the_service_are_refused_by_name(years):
    with pytest.raises(ValidationError) as refused:
        services.cycle_update(actor=None, cycle=years[0], id=99)
    assert refused.value.message_dict == {"id": ["This field cannot be changed here."]}
