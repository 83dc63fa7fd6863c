"""A hand-built organisation, Nord, where every figure of the alignment report is known in advance.

Nord (company)                 hanne (HR, no goal)
├── Sales (division)           lead
│   ├── Team A (team)          a1, a2, a3 (+ gone, inactive)
│   └── Team B (team)          b1, b2
└── Ops (division)             o1

Cycle "Now": today − 60 … today + 60, so a running goal is expected at 61/121 ≈ 0.504: on track
from 0.404, at risk from 0.254, off track below.

goal  layer          parent  unit    owner  status  metric  progress  measured/rolled-up  notes
I1    intent         –       Nord    lead   active  2       0.70      0.20 / 0.70         gap −0.50
I2    intent         –       Nord    lead   draft   –
T1    translational  I1      Sales   lead   active  –       0.30      0.50 / 0.80         gap −0.30, at risk
T2    translational  I2      Ops     o1     active  –       0.10      0.75 / 0.50         gap exactly 0.25: not listed;
                                                                                        orphaned, off track; quiet
                                                                                        itself but P_b2 below was
                                                                                        checked in: not stale
O1    operational    T1      Team A  a1     active  1       0.50      0.60 / 0.40         copies T1's title (1.0)
P_a1  personal       O1      Team A  a1     active  1       0.90                          owner says off track
P_a2  personal       –       Team A  a2     active  –       0.50                          orphaned (no parent), not
                                                                                        started (new, no check-in)
P_a3  personal       O1      Team A  a3     draft   –
P_b1  personal       T1      Team B  b1     active  –       0.90                          copies T1 (0.82), stale:
                                                                                        at risk
P_b2  personal       T2      Team B  b2     active  –       0.00                          orphaned (cut off), off track

Check-ins (created backdated): O1's metric at −30, −20, −10 days; P_a1's at −9, −6; I1's two
metrics both at −8 and −4; P_b2 once (goal check-in). Team A's intervals 10, 10, 3 → median 10;
Nord's (I1) 4 and 4 → 4 (not 0: each metric is its own series); Team B has one check-in → none.
Each goal's last check-in and last activity are set as the services and the rollup would set them:
T1 (no metrics) is as fresh as O1 below it (−10), T2 as P_b2 (−2); I1 has metrics: its own (−4).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import CheckIn, Goal, GoalStatus, Layer, Metric
from apps.org.models import Person, Unit
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory, UnitFactory


@dataclass
class Nord:
    cycle: Cycle
    nord: Unit
    sales: Unit
    team_a: Unit
    team_b: Unit
    ops: Unit
    people: dict[str, Person]
    goals: dict[str, Goal]
    metrics: dict[str, Metric]

    def goal(self, name: str) -> Goal:
        return Goal.objects.get(pk=self.goals[name].pk)


def _set(goal: Goal, **figures) -> None:
    Goal.objects.filter(pk=goal.pk).update(**figures)


def _checkin(goal: Goal, metric: Metric | None, days_ago: float, author: Person) -> CheckIn:
    checkin = CheckIn.objects.create(goal=goal, metric=metric, value=1, confidence=5, author=author)
    CheckIn.objects.filter(pk=checkin.pk).update(created=timezone.now() - timedelta(days=days_ago))
    return checkin


def build_nord() -> Nord:
    today = timezone.localdate()
    cycle = CycleFactory(name="Now", start=today - timedelta(days=60), end=today + timedelta(days=60))
    nord = UnitFactory(name="Nord", kind=Unit.Kind.COMPANY)
    sales = UnitFactory(name="Sales", kind=Unit.Kind.DIVISION, parent=nord)
    team_a = UnitFactory(name="Team A", parent=sales)
    team_b = UnitFactory(name="Team B", parent=sales)
    ops = UnitFactory(name="Ops", kind=Unit.Kind.DIVISION, parent=nord)
    where = {"hanne": nord, "lead": sales, "a1": team_a, "a2": team_a, "a3": team_a, "b1": team_b, "b2": team_b}
    people = {name: PersonFactory(username=name, unit=unit) for name, unit in {**where, "o1": ops}.items()}
    Person.objects.filter(pk=people["hanne"].pk).update(role=Person.Role.HR)
    PersonFactory(username="gone", unit=team_a, is_active=False)

    def goal(title, layer, owner, unit=None, parent=None, **extra):
        return GoalFactory(
            title=title, layer=layer, owner=people[owner], unit=unit, parent=parent, cycle=cycle, **extra
        )

    g = {}
    g["I1"] = goal("Double revenue", Layer.INTENT, "lead", nord)
    g["I2"] = goal("Enter Asia", Layer.INTENT, "lead", nord, status=GoalStatus.DRAFT)
    g["T1"] = goal("Increase revenue by 10%", Layer.TRANSLATIONAL, "lead", sales, g["I1"])
    g["T2"] = goal("Open a plant in Hanoi", Layer.TRANSLATIONAL, "o1", ops, g["I2"])
    g["O1"] = goal("increase revenue  by 10%", Layer.OPERATIONAL, "a1", team_a, g["T1"])
    g["P_a1"] = goal("Close three deals in Oslo", Layer.PERSONAL, "a1", team_a, g["O1"])
    g["P_a2"] = goal("Learn Norwegian", Layer.PERSONAL, "a2", team_a)
    g["P_a3"] = goal("Mentor a junior", Layer.PERSONAL, "a3", team_a, g["O1"], status=GoalStatus.DRAFT)
    g["P_b1"] = goal("Increase revenue", Layer.PERSONAL, "b1", team_b, g["T1"])
    g["P_b2"] = goal("Hire a site manager", Layer.PERSONAL, "b2", team_b, g["T2"])

    m = {
        "I1_a": MetricFactory(goal=g["I1"], name="Revenue"),
        "I1_b": MetricFactory(goal=g["I1"], name="Margin"),
        "O1": MetricFactory(goal=g["O1"], name="Deals"),
        "P_a1": MetricFactory(goal=g["P_a1"], name="Deals closed"),
    }
    now = timezone.now()
    _set(g["I1"], progress=0.7, measured_progress=0.2, rollup_progress=0.7)
    _set(g["T1"], progress=0.3, measured_progress=0.5, rollup_progress=0.8)
    _set(g["T2"], progress=0.1, measured_progress=0.75, rollup_progress=0.5, created=now - timedelta(days=30))
    _set(g["O1"], progress=0.5, measured_progress=0.6, rollup_progress=0.4)
    _set(g["P_a1"], progress=0.9, health_override="off_track")
    _set(g["P_a2"], progress=0.5)
    _set(g["P_b1"], progress=0.9, created=now - timedelta(days=30))
    _set(g["P_b2"], progress=0.0)

    for days in (30, 20, 10):
        _checkin(g["O1"], m["O1"], days, people["a1"])
    for days in (9, 6):
        _checkin(g["P_a1"], m["P_a1"], days, people["a1"])
    for days in (8, 4):
        _checkin(g["I1"], m["I1_a"], days, people["lead"])
        _checkin(g["I1"], m["I1_b"], days, people["lead"])
    _checkin(g["P_b2"], None, 2, people["b2"])
    # What checkin_record and the rollup store (the figures above are hand-set, so the rollup does not run here).
    for name, own, activity in (
        ("O1", 10, 10),
        ("P_a1", 6, 6),
        ("I1", 4, 4),
        ("P_b2", 2, 2),
        ("T1", None, 10),
        ("T2", None, 2),
    ):
        _set(
            g[name],
            last_checkin_at=now - timedelta(days=own) if own is not None else None,
            last_activity_at=now - timedelta(days=activity),
        )
    for unit in (nord, sales, team_a, team_b, ops):
        unit.refresh_from_db()  # adding units under a unit renumbers its nested-set range
    return Nord(cycle, nord, sales, team_a, team_b, ops, people, g, m)


@pytest.fixture
def nord(db) -> Nord:
    return build_nord()


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    """Export files go to the default storage: here, a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    from tests.cast import build_cast

    return build_cast()


@pytest.fixture
def api(cast):
    """`api("hr")`: an API client signed in as that member of the cast (or as a given person)."""
    from rest_framework.test import APIClient

    def make(who) -> APIClient:
        client = APIClient()
        person = cast.person(who) if isinstance(who, str) else who
        person.__dict__.pop("_access", None)
        client.force_authenticate(person)
        return client

    return make


@pytest.fixture
def browser(client, cast):
    """`browser("hr")`: the test client, logged in as that member of the cast (or as a given person)."""

    def login(who):
        client.force_login(cast.person(who) if isinstance(who, str) else who)
        return client

    return login


@pytest.fixture
def other_hr(cast):
    return PersonFactory(username="hr2", role=Person.Role.HR, unit=cast.people_unit)


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "auth": None},
    }
