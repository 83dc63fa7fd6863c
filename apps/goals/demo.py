"""The demo organisation from the product brief, built through the services like any real data."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.cycles.services import cycle_create
from apps.goals.models import CheckIn, Metric
from apps.goals.services import checkin_record, goal_checkin_record, metric_create
from apps.org.models import Person, Unit
from apps.org.services import person_create, unit_create

from . import links, rollup
from .models import Goal, GoalLink, GoalStatus, Layer, Motivation
from .progress import expected_progress
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


# What the apps above goals add to the demo (pending proposals, a template…): each registers a function of the
# seeding day in its AppConfig.ready(), run after the cascade is in place. Goals never imports them.
_extras: list = []


def register_demo_extra(extra) -> None:
    """Run `extra(today)` at the end of seed_demo, in registration order (registering twice changes nothing)."""
    if extra not in _extras:
        _extras.append(extra)


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
        year, quarter = _cycles(today)
    just_set = _cascade(units, people, Plan(year, quarter, today))
    _spread_history(today, just_set)
    for extra in _extras:
        extra(today)
    rollup.recompute_all()  # the backdated check-ins make each goal's last activity: carry it up the cascade


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


def _cycles(today: date) -> tuple[Cycle, Cycle]:
    """A strategy year and, inside it, a 13-week quarter around today (8 weeks behind, 5 ahead), so that whatever
    the day the demo is seeded, a first look finds a cascade in full swing rather than born or finished."""
    q_start, q_end = today - timedelta(weeks=8), today + timedelta(weeks=5, days=-1)
    y_start = date(q_start.year, q_start.month, 1) - timedelta(days=150)
    y_start = date(y_start.year, y_start.month, 1)
    y_end = date(y_start.year + 1, y_start.month, 1) - timedelta(days=1)
    year = cycle_create(
        actor=None,
        name=f"Strategy year {y_start:%b %Y} – {y_end:%b %Y}",
        start=y_start,
        end=y_end,
        status=Cycle.Status.ACTIVE,
    )
    quarter = cycle_create(
        actor=None,
        name=f"Quarter {q_start:%-d %b} – {q_end:%-d %b %Y}",
        start=q_start,
        end=q_end,
        parent=year,
        status=Cycle.Status.ACTIVE,
    )
    return year, quarter


@dataclass(frozen=True)
class Plan:
    """Where the demo's goals stand: each metric ends at `pace` × the share of its cycle that has elapsed, so the
    picture is the same mix of on track (pace ≥ ~0.85), at risk and off track (≤ ~0.55) whatever the day."""

    year: Cycle
    quarter: Cycle
    today: date

    def value(self, cycle: Cycle, start: float, target: float, pace: float, share: float = 1.0) -> float:
        expected = expected_progress(cycle.start, cycle.end, self.today)
        reached = min(1.0, expected * pace * share)
        return round(start + (target - start) * reached, -3 if abs(target - start) >= 1_000_000 else 1)


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


def _metric(
    people, plan, goal, name, start, target, pace, notes=("", "", ""), unit=Metric.Unit.NUMBER, author="lena", shown=""
):
    """A metric and three check-ins on the way to where the plan puts it (spread over past weeks afterwards).
    `shown` is its display unit ("$", "$m", "days")."""
    metric = metric_create(
        actor=people[author], goal=goal, name=name, unit=unit, start=start, target=target, display_unit=shown
    )
    confidence = 8 if pace >= 0.9 else 6 if pace >= 0.6 else 4
    for share, note in zip((0.35, 0.7, 1.0), notes, strict=True):
        value = plan.value(goal.cycle, start, target, pace, share)
        checkin_record(actor=people[author], metric=metric, value=value, confidence=confidence, note=note)
    return metric


def _cascade(units, people, plan: Plan) -> Goal:
    """The two cascades from the brief; returns the goal set just now (the others were set when their cycle began)."""

    def goal(owner, unit, title, layer, parent=None, cycle=None, **extra):
        return _goal(people, units, cycle or plan.quarter, owner, unit, title, layer, parent, **extra)

    def metric(goal, name, start, target, pace, author, **extra):
        return _metric(people, plan, goal, name, start, target, pace, author=author, **extra)

    # The revenue cascade from the brief. APAC's share of sales lags while the hiring below it races ahead: an
    # alignment gap (work reported as moving while the outcome is not) for HR's report.
    revenue = goal(
        "lena",
        "acme",
        "Increase revenue from $100m to $200m",
        Layer.INTENT,
        cycle=plan.year,
        why="Doubling revenue funds our next product line and keeps us independent.",
    )
    metric(
        revenue,
        "Annual revenue",
        100_000_000,
        200_000_000,
        0.8,
        "lena",
        unit=Metric.Unit.CURRENCY,
        shown="$",
        notes=("First quarter closed", "Slower than planned", ""),
    )
    us = goal(
        "uma",
        "us",
        "Grow US territory sales by 30%",
        Layer.TRANSLATIONAL,
        revenue,
        why="The US is our largest market; steady territory growth carries half the plan.",
    )
    metric(us, "US sales growth", 0, 30, 1.05, "uma", unit=Metric.Unit.PERCENT, notes=("", "Two new logos", ""))
    uk = goal(
        "ken",
        "uk",
        "Grow UK sales by 50%",
        Layer.TRANSLATIONAL,
        revenue,
        why="The UK is under-penetrated relative to its market size.",
    )
    metric(
        uk, "UK sales growth", 0, 50, 0.7, "ken", unit=Metric.Unit.PERCENT, notes=("", "Partner channel delayed", "")
    )
    # Ken's own goal repeats his team's word for word instead of saying what he will do: a copied title.
    uk_copy = goal("ken", "uk", "Grow UK sales by 50 %", Layer.PERSONAL, uk, why="It is my number this year.")
    goal_checkin_record(actor=people["ken"], goal=uk_copy, confidence=5, progress=0.3, note="Same as the team's.")
    apac = goal(
        "marco",
        "apac",
        "Generate 20% of sales in APAC",
        Layer.TRANSLATIONAL,
        revenue,
        why="APAC is where our customers are growing fastest.",
    )
    metric(
        apac,
        "APAC share of sales",
        8,
        20,
        0.45,
        "marco",
        unit=Metric.Unit.PERCENT,
        notes=("", "Singapore office open", ""),
    )
    hire = goal(
        "marco",
        "apac_team",
        "Hire 3 sales people and ramp each to $6m ARR",
        Layer.OPERATIONAL,
        apac,
        why="More quota-carrying people is the fastest route to APAC share.",
    )
    metric(
        hire, "Sales people hired", 0, 3, 1.6, "marco", shown="people", notes=("", "Eli joined", "Third offer accepted")
    )
    metric(hire, "Average ARR per new hire", 0, 6, 1.3, "marco", unit=Metric.Unit.CURRENCY, shown="$m")
    emma_goal = goal(
        "emma",
        "apac_team",
        "Close my first $1m deal in Singapore",
        Layer.PERSONAL,
        hire,
        why="I want to prove I can run an enterprise sale end to end.",
        identity="A trusted advisor to enterprise buyers",
        motivation=Motivation.OWN,
    )
    metric(
        emma_goal,
        "Pipeline closed",
        0,
        1000,
        1.1,
        "emma",
        unit=Metric.Unit.CURRENCY,
        shown="$k",
        notes=("First PoC signed", "", ""),
    )
    eli_goal = goal(
        "eli",
        "apac_team",
        "Ramp to $2m ARR in my first two quarters",
        Layer.PERSONAL,
        hire,
        why="Ramping quickly earns me the larger territory.",
        identity="A top-quartile closer",
        motivation=Motivation.EXPECTED,
    )
    metric(
        eli_goal,
        "ARR",
        0,
        2,
        0.75,
        "eli",
        unit=Metric.Unit.CURRENCY,
        shown="$m",
        notes=("", "Two renewals moved to me", ""),
    )
    # Set up at the start of the quarter and never checked in since: stale.
    goal(
        "emma",
        "apac_team",
        "Learn conversational Mandarin",
        Layer.PERSONAL,
        why="Personal development; not tied to a team goal.",
        manual_progress=0.3,
    )
    # Just set: not started yet, no colour, no alarm.
    just_set = goal(
        "eli",
        "apac_team",
        "Shadow a senior account executive on three enterprise pitches",
        Layer.PERSONAL,
        hire,
        why="Learning how our best people run a pitch.",
        motivation=Motivation.OWN,
    )

    digital = goal(
        "lena",
        "acme",
        "Accelerate digital transformation",
        Layer.INTENT,
        cycle=plan.year,
        why="Manual processes slow every team down; digital tools free time for customers.",
    )
    sales_digital = goal(
        "sam",
        "sales",
        "Adopt digital tools to shorten sales cycles",
        Layer.TRANSLATIONAL,
        digital,
        why="Faster cycles mean more deals per rep.",
    )
    metric(sales_digital, "Median sales cycle", 90, 60, 1.0, "sam", shown="days", notes=("", "CRM automation live", ""))
    # Work that serves two intents: shorter sales cycles are digital work and also revenue (a link beside the parent).
    links.link_create(
        actor=people["sam"], source=sales_digital, target=revenue, kind=GoalLink.Kind.CONTRIBUTES, weight=0.5
    )
    uptime = goal(
        "mia",
        "mfg",
        "Increase machine uptime using predictive analytics",
        Layer.TRANSLATIONAL,
        digital,
        why="Unplanned downtime is our largest hidden cost.",
    )
    metric(uptime, "Machine uptime", 88, 95, 0.9, "mia", unit=Metric.Unit.PERCENT, notes=("", "Sensors on line 2", ""))
    links.link_create(actor=people["mia"], source=uptime, target=revenue, kind=GoalLink.Kind.SUPPORTS)
    onboarding = goal(
        "hana",
        "hr",
        "Digitise onboarding and performance reviews",
        Layer.TRANSLATIONAL,
        digital,
        why="New people should be productive in weeks, not months.",
    )
    metric(onboarding, "Processes digitised", 0, 6, 0.5, "hana", notes=("", "Reviews moved online", ""))
    return just_set


def _spread_history(today: date, just_set: Goal) -> None:
    """Give the demo a believable past: goals were set when their cycle began (the newest personal goal three days
    ago), and each goal's check-ins are spread over the past weeks, the latest two days ago."""
    now = datetime.combine(today, timezone.localtime().time(), tzinfo=timezone.get_current_timezone())
    for goal in Goal.objects.select_related("cycle"):
        began = datetime.combine(max(goal.cycle.start, today - timedelta(weeks=8)), time(9), tzinfo=UTC)
        Goal.objects.filter(pk=goal.pk).update(created=now - timedelta(days=3) if goal.pk == just_set.pk else began)
    series = [*Metric.objects.values_list("goal_id", "pk"), *((g, None) for g in _goals_checked_in_on_themselves())]
    for goal_id, metric_id in series:
        checkins = list(CheckIn.objects.filter(goal_id=goal_id, metric_id=metric_id).order_by("pk"))
        for age, checkin in enumerate(reversed(checkins)):
            CheckIn.objects.filter(pk=checkin.pk).update(created=now - timedelta(days=18 * age + 2))
    for goal in Goal.objects.all():
        latest = goal.checkins.order_by("-created").values_list("created", flat=True).first()
        Goal.objects.filter(pk=goal.pk).update(last_checkin_at=latest, last_activity_at=latest)


def _goals_checked_in_on_themselves() -> list[int]:
    return list(CheckIn.objects.filter(metric__isnull=True).values_list("goal_id", flat=True).distinct())
