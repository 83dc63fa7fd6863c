"""The demo organisation from the product brief, built through the services like any real data."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.cycles.services import cycle_create
from apps.goals.models import CheckIn, Metric
from apps.goals.services import checkin_record, metric_create
from apps.org.models import Person, Unit
from apps.org.services import person_create, unit_create

from .models import Goal, GoalStatus, Layer, Motivation
from .services import goal_create

DEMO_PASSWORD = "cascade-demo-2026"


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str


LOGINS = (
    Login("leader", "lena", DEMO_PASSWORD),
    Login("manager", "marco", DEMO_PASSWORD),
    Login("employee", "emma", DEMO_PASSWORD),
    Login("hr", "hana", DEMO_PASSWORD),
    Login("admin", "admin", DEMO_PASSWORD),
)


def demo_exists() -> bool:
    return Person.objects.filter(username="lena").exists()


def seed_demo(today: date | None = None) -> None:
    """Create the demo organisation, goals, metrics and check-ins. Does nothing if it exists."""
    if demo_exists():
        return
    today = today or timezone.localdate()
    with transaction.atomic():
        units = _units()
        people = _people(units)
        cycle = _cycles(today)
    _cascade(units, people, cycle, today)


def _units() -> dict[str, Unit]:
    u = {"acme": unit_create(actor=None, name="Acme Corp", kind=Unit.Kind.COMPANY)}
    u["sales"] = unit_create(actor=None, name="Sales", kind=Unit.Kind.DIVISION, parent=u["acme"])
    for key, name in (("us", "US"), ("uk", "UK"), ("apac", "APAC")):
        u[key] = unit_create(actor=None, name=name, kind=Unit.Kind.REGION, parent=u["sales"])
    u["apac_team"] = unit_create(actor=None, name="APAC Sales Team", kind=Unit.Kind.TEAM, parent=u["apac"])
    u["mfg"] = unit_create(actor=None, name="Manufacturing", kind=Unit.Kind.DIVISION, parent=u["acme"])
    u["hr"] = unit_create(actor=None, name="People & HR", kind=Unit.Kind.DEPARTMENT, parent=u["acme"])
    return u


def _people(units: dict[str, Unit]) -> dict[str, Person]:
    def person(username, name, unit, role, manager=None):
        return person_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            name=name,
            email=f"{username}@acme.example",
            unit=units[unit],
            manager=manager,
            role=role,
        )

    p = {"lena": person("lena", "Lena Leader", "acme", Person.Role.LEADER)}
    p["admin"] = person("admin", "Ada Admin", "acme", Person.Role.ADMIN)
    p["sam"] = person("sam", "Sam Sales", "sales", Person.Role.LEADER, p["lena"])
    p["uma"] = person("uma", "Uma US", "us", Person.Role.MANAGER, p["sam"])
    p["ken"] = person("ken", "Ken UK", "uk", Person.Role.MANAGER, p["sam"])
    p["marco"] = person("marco", "Marco Manager", "apac", Person.Role.MANAGER, p["sam"])
    p["emma"] = person("emma", "Emma Employee", "apac_team", Person.Role.EMPLOYEE, p["marco"])
    p["eli"] = person("eli", "Eli Ong", "apac_team", Person.Role.EMPLOYEE, p["marco"])
    p["mia"] = person("mia", "Mia Machines", "mfg", Person.Role.MANAGER, p["lena"])
    p["hana"] = person("hana", "Hana HR", "hr", Person.Role.HR, p["lena"])
    for unit, lead in (
        ("acme", "lena"),
        ("sales", "sam"),
        ("us", "uma"),
        ("uk", "ken"),
        ("apac", "marco"),
        ("apac_team", "marco"),
        ("mfg", "mia"),
        ("hr", "hana"),
    ):
        Unit.objects.filter(pk=units[unit].pk).update(lead=p[lead])
    return p


def _cycles(today: date) -> Cycle:
    year = cycle_create(
        actor=None,
        name=f"FY{today.year}",
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
        status=Cycle.Status.ACTIVE,
    )
    quarter = (today.month - 1) // 3
    q_start = date(today.year, quarter * 3 + 1, 1)
    q_end = date(today.year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1) - timedelta(days=1)
    cycle_create(
        actor=None,
        name=f"{today.year}-Q{quarter + 1}",
        start=q_start,
        end=q_end,
        parent=year,
        status=Cycle.Status.ACTIVE,
    )
    return year


def _goal(people, units, cycle, owner, unit, title, layer, parent=None, **extra) -> Goal:
    return goal_create(
        actor=people[owner],
        title=title,
        layer=layer,
        parent=parent,
        cycle=cycle,
        unit=units[unit],
        owner=people[owner],
        status=GoalStatus.ACTIVE,
        **extra,
    )


def _metric(people, goal, name, start, target, history, unit=Metric.Unit.NUMBER, author="lena") -> Metric:
    metric = metric_create(actor=people[author], goal=goal, name=name, unit=unit, start=start, target=target)
    for value, confidence, note in history:
        checkin_record(actor=people[author], metric=metric, value=value, confidence=confidence, note=note)
    return metric


def _cascade(units, people, cycle, today) -> None:
    g = _goal
    revenue = g(
        people,
        units,
        cycle,
        "lena",
        "acme",
        "Increase revenue from $100m to $200m",
        Layer.INTENT,
        why="Doubling revenue funds our next product line and keeps us independent.",
    )
    _metric(
        people,
        revenue,
        "Annual revenue",
        100_000_000,
        200_000_000,
        [(110_000_000, 7, "Q1 closed"), (124_000_000, 6, "Q2 slower than planned"), (131_000_000, 6, "")],
        unit=Metric.Unit.CURRENCY,
    )
    us = g(
        people,
        units,
        cycle,
        "uma",
        "us",
        "Grow US territory sales by 30%",
        Layer.TRANSLATIONAL,
        revenue,
        why="The US is our largest market; steady territory growth carries half the plan.",
    )
    _metric(
        people,
        us,
        "US sales growth",
        0,
        30,
        [(8, 7, ""), (17, 7, "Two new enterprise logos")],
        unit=Metric.Unit.PERCENT,
        author="uma",
    )
    uk = g(
        people,
        units,
        cycle,
        "ken",
        "uk",
        "Grow UK sales by 50%",
        Layer.TRANSLATIONAL,
        revenue,
        why="The UK is under-penetrated relative to its market size.",
    )
    _metric(
        people,
        uk,
        "UK sales growth",
        0,
        50,
        [(12, 5, ""), (19, 4, "Partner channel delayed")],
        unit=Metric.Unit.PERCENT,
        author="ken",
    )
    apac = g(
        people,
        units,
        cycle,
        "marco",
        "apac",
        "Generate 20% of sales in APAC",
        Layer.TRANSLATIONAL,
        revenue,
        why="APAC is where our customers are growing fastest.",
    )
    _metric(
        people,
        apac,
        "APAC share of sales",
        8,
        20,
        [(10, 6, ""), (12, 6, "Singapore office open")],
        unit=Metric.Unit.PERCENT,
        author="marco",
    )
    hire = g(
        people,
        units,
        cycle,
        "marco",
        "apac_team",
        "Hire 3 sales people and ramp each to $6m ARR",
        Layer.OPERATIONAL,
        apac,
        why="More quota-carrying people is the fastest route to APAC share.",
    )
    _metric(people, hire, "Sales people hired", 0, 3, [(1, 8, ""), (2, 8, "Eli joined")], author="marco")
    _metric(people, hire, "Average ARR per new hire ($m)", 0, 6, [(1.5, 5, ""), (2.5, 6, "")], author="marco")
    emma_goal = g(
        people,
        units,
        cycle,
        "emma",
        "apac_team",
        "Close my first $1m deal in Singapore",
        Layer.PERSONAL,
        hire,
        why="I want to prove I can run an enterprise sale end to end.",
        identity="A trusted advisor to enterprise buyers",
        motivation=Motivation.OWN,
    )
    _metric(
        people,
        emma_goal,
        "Pipeline closed ($k)",
        0,
        1000,
        [(150, 6, "First PoC signed"), (400, 7, "")],
        unit=Metric.Unit.CURRENCY,
        author="emma",
    )
    eli_goal = g(
        people,
        units,
        cycle,
        "eli",
        "apac_team",
        "Ramp to $2m ARR in my first two quarters",
        Layer.PERSONAL,
        hire,
        why="Ramping quickly earns me the larger territory.",
        identity="A top-quartile closer",
        motivation=Motivation.EXPECTED,
    )
    _metric(
        people,
        eli_goal,
        "ARR ($m)",
        0,
        2,
        [(0.3, 5, ""), (0.7, 5, "Two renewals moved to me")],
        unit=Metric.Unit.CURRENCY,
        author="eli",
    )
    g(
        people,
        units,
        cycle,
        "emma",
        "apac_team",
        "Learn conversational Mandarin",
        Layer.PERSONAL,
        why="Personal development; not tied to a team goal.",
        manual_progress=0.3,
    )

    digital = g(
        people,
        units,
        cycle,
        "lena",
        "acme",
        "Accelerate digital transformation",
        Layer.INTENT,
        why="Manual processes slow every team down; digital tools free time for customers.",
    )
    sales_digital = g(
        people,
        units,
        cycle,
        "sam",
        "sales",
        "Adopt digital tools to shorten sales cycles",
        Layer.TRANSLATIONAL,
        digital,
        why="Faster cycles mean more deals per rep.",
    )
    _metric(
        people,
        sales_digital,
        "Median sales cycle (days)",
        90,
        60,
        [(84, 6, ""), (78, 6, "CRM automation live")],
        author="sam",
    )
    uptime = g(
        people,
        units,
        cycle,
        "mia",
        "mfg",
        "Increase machine uptime using predictive analytics",
        Layer.TRANSLATIONAL,
        digital,
        why="Unplanned downtime is our largest hidden cost.",
    )
    _metric(
        people,
        uptime,
        "Machine uptime",
        88,
        95,
        [(89, 6, ""), (91, 7, "Sensors on line 2")],
        unit=Metric.Unit.PERCENT,
        author="mia",
    )
    onboarding = g(
        people,
        units,
        cycle,
        "hana",
        "hr",
        "Digitise onboarding and performance reviews",
        Layer.TRANSLATIONAL,
        digital,
        why="New people should be productive in weeks, not months.",
    )
    _metric(
        people, onboarding, "Processes digitised", 0, 6, [(2, 7, ""), (3, 7, "Reviews moved online")], author="hana"
    )
    _spread_history(today)


def _spread_history(today: date) -> None:
    """Give the demo check-ins a believable past: spread each metric's check-ins over the last weeks."""
    now = timezone.now()
    for metric_id in Metric.objects.values_list("pk", flat=True):
        checkins = list(CheckIn.objects.filter(metric_id=metric_id).order_by("pk"))
        for age, checkin in enumerate(reversed(checkins)):
            CheckIn.objects.filter(pk=checkin.pk).update(created=now - timedelta(days=21 * age + 2))
    for goal in Goal.objects.all():
        latest = goal.checkins.order_by("-created").values_list("created", flat=True).first()
        if latest:
            Goal.objects.filter(pk=goal.pk).update(last_checkin_at=latest)
