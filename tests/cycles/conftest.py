from datetime import date

import pytest

from apps.goals.models import GoalStatus, Layer
from tests.cast import build_cast
from tests.factories import CycleFactory, GoalFactory, MetricFactory


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def quarters(cast):
    """2027-Q1 and 2027-Q2 inside the cast's FY2027, and a Q1 branch under the annual intent:

    intent (FY2027) ── q1_trans (manager) ─┬─ q1_oper (employee, metric) ── q1_personal (employee)
                                           └─ q1_done (employee, achieved)
    """
    q1 = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    q2 = CycleFactory(name="2027-Q2", start=date(2027, 4, 1), end=date(2027, 6, 30), parent=cast.year)
    trans = GoalFactory(
        title="Open Jakarta",
        layer=Layer.TRANSLATIONAL,
        parent=cast.intent,
        cycle=q1,
        unit=cast.team,
        owner=cast.manager,
    )
    oper = GoalFactory(
        title="Hire a country lead",
        layer=Layer.OPERATIONAL,
        parent=trans,
        unit=cast.team,
        owner=cast.employee,
        weight=2,
    )
    personal = GoalFactory(
        title="Learn Bahasa", layer=Layer.PERSONAL, parent=oper, unit=cast.team, owner=cast.employee, why="My own why."
    )
    done = GoalFactory(
        title="Find an office",
        layer=Layer.OPERATIONAL,
        parent=trans,
        unit=cast.team,
        owner=cast.employee,
        status=GoalStatus.ACHIEVED,
    )
    metric = MetricFactory(goal=oper, name="Candidates interviewed", start=0, target=10, current=4)
    return {"q1": q1, "q2": q2, "trans": trans, "oper": oper, "personal": personal, "done": done, "metric": metric}
