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


@pytest.fixture
def quarters(cast):
    """2027-Q1 and 2027-Q2 in FY2027; in Q1 the leader's "Open Jakarta" under the annual intent, with the manager's
    "Hire a lead" under it."""
    from datetime import date

    from apps.goals.models import Layer
    from tests.factories import CycleFactory, GoalFactory

    q1 = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    q2 = CycleFactory(name="2027-Q2", start=date(2027, 4, 1), end=date(2027, 6, 30), parent=cast.year)
    trans = GoalFactory(
        title="Open Jakarta",
        layer=Layer.TRANSLATIONAL,
        parent=cast.intent,
        cycle=q1,
        unit=cast.sales,
        owner=cast.leader,
    )
    child = GoalFactory(title="Hire a lead", layer=Layer.OPERATIONAL, parent=trans, unit=cast.team, owner=cast.manager)
    return {"q1": q1, "q2": q2, "trans": trans, "child": child}
