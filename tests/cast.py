"""A fixed cast of people and a small cascade, for access checks (built through the services).

Acme (company)
├── Sales (division, led by leader)
│   └── APAC team (team, led by manager)      manager → leader; employee → manager
├── Operations (division)
│   └── Ops team (team)                       other_employee (no manager)
└── People (department)                       hr

intent (leader, Acme) ─┬─ trans (manager, APAC team) ── oper (employee, APAC team) ── personal (employee)
                       └─ other_trans (other_employee, Operations) ── other_personal (other_employee)
draft_intent (leader, draft)           draft_personal (employee, draft, stand-alone)
"""

from dataclasses import dataclass
from datetime import date

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalStatus, Layer, Metric, Motivation
from apps.org import services as org_services
from apps.org.models import Person, Unit
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory, UnitFactory

ROLES = ("admin", "leader", "manager", "employee", "other_employee", "hr")


@dataclass
class Cast:
    company: Unit
    sales: Unit
    team: Unit
    ops: Unit
    ops_team: Unit
    people_unit: Unit
    year: Cycle
    admin: Person
    leader: Person
    manager: Person
    employee: Person
    other_employee: Person
    hr: Person
    intent: Goal
    draft_intent: Goal
    trans: Goal
    other_trans: Goal
    oper: Goal
    personal: Goal
    draft_personal: Goal
    other_personal: Goal
    oper_metric: Metric
    personal_metric: Metric
    other_metric: Metric

    def person(self, role: str) -> Person:
        return getattr(self, role)

    def goal(self, name: str) -> Goal:
        return getattr(self, name)

    @property
    def goal_names(self) -> tuple[str, ...]:
        return GOALS


GOALS = ("intent", "draft_intent", "trans", "other_trans", "oper", "personal", "draft_personal", "other_personal")


def build_cast() -> Cast:
    company = UnitFactory(name="Acme", kind=Unit.Kind.COMPANY)
    sales = UnitFactory(name="Sales", kind=Unit.Kind.DIVISION, parent=company)
    team = UnitFactory(name="APAC team", kind=Unit.Kind.TEAM, parent=sales)
    ops = UnitFactory(name="Operations", kind=Unit.Kind.DIVISION, parent=company)
    ops_team = UnitFactory(name="Ops team", kind=Unit.Kind.TEAM, parent=ops)
    people_unit = UnitFactory(name="People", kind=Unit.Kind.DEPARTMENT, parent=company)
    year = CycleFactory(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))

    admin = PersonFactory(username="admin", role=Person.Role.ADMIN, unit=company, is_staff=True, is_superuser=True)
    leader = PersonFactory(username="leader", role=Person.Role.LEADER, unit=sales)
    manager = PersonFactory(username="manager", role=Person.Role.MANAGER, unit=team, manager=leader)
    employee = PersonFactory(username="employee", role=Person.Role.EMPLOYEE, unit=team, manager=manager)
    other_employee = PersonFactory(username="other_employee", role=Person.Role.EMPLOYEE, unit=ops_team)
    hr = PersonFactory(username="hr", role=Person.Role.HR, unit=people_unit)
    org_services.unit_update(actor=None, unit=sales, lead=leader)
    org_services.unit_update(actor=None, unit=team, lead=manager)

    intent = GoalFactory(title="Double revenue", layer=Layer.INTENT, cycle=year, unit=company, owner=leader)
    draft_intent = GoalFactory(
        title="Enter a new market", layer=Layer.INTENT, cycle=year, unit=company, owner=leader, status=GoalStatus.DRAFT
    )
    trans = GoalFactory(title="Grow APAC", layer=Layer.TRANSLATIONAL, parent=intent, unit=team, owner=manager)
    other_trans = GoalFactory(
        title="Cut costs", layer=Layer.TRANSLATIONAL, parent=intent, unit=ops, owner=other_employee
    )
    oper = GoalFactory(title="Hire three", layer=Layer.OPERATIONAL, parent=trans, unit=team, owner=employee)
    personal = GoalFactory(
        title="Close my first deal",
        layer=Layer.PERSONAL,
        parent=oper,
        unit=team,
        owner=employee,
        why="To prove I can run a sale end to end.",
        identity="A trusted advisor",
        motivation=Motivation.OWN,
    )
    draft_personal = GoalFactory(
        title="Learn Mandarin",
        layer=Layer.PERSONAL,
        cycle=year,
        unit=team,
        owner=employee,
        status=GoalStatus.DRAFT,
        why="For my family.",
    )
    other_personal = GoalFactory(
        title="Automate a report",
        layer=Layer.PERSONAL,
        parent=other_trans,
        unit=ops_team,
        owner=other_employee,
        why="I hate copy-paste.",
        identity="An engineer at heart",
        motivation=Motivation.EXPECTED,
    )
    return Cast(
        company=company,
        sales=sales,
        team=team,
        ops=ops,
        ops_team=ops_team,
        people_unit=people_unit,
        year=year,
        admin=admin,
        leader=leader,
        manager=manager,
        employee=employee,
        other_employee=other_employee,
        hr=hr,
        intent=intent,
        draft_intent=draft_intent,
        trans=trans,
        other_trans=other_trans,
        oper=oper,
        personal=personal,
        draft_personal=draft_personal,
        other_personal=other_personal,
        oper_metric=MetricFactory(goal=oper, name="People hired", start=0, target=3),
        personal_metric=MetricFactory(goal=personal, name="Deal size", start=0, target=1000),
        other_metric=MetricFactory(goal=other_personal, name="Reports automated", start=0, target=4),
    )


# Who sees which goal (the rest answer 404).
VISIBLE = {
    "admin": set(GOALS),
    "leader": set(GOALS),
    "manager": {"intent", "trans", "other_trans", "oper", "personal"},
    "employee": {"intent", "trans", "other_trans", "oper", "personal", "draft_personal"},
    "other_employee": {"intent", "trans", "other_trans", "oper", "other_personal"},
    "hr": {"intent", "trans", "other_trans", "oper", "personal", "other_personal"},
}

# Who may change (update, move, archive) which goal, among those they see (the rest answer 403).
CHANGEABLE = {
    "admin": set(GOALS),
    # intents anywhere; any goal of the Sales subtree (their own unit and the unit they lead)
    "leader": {"intent", "draft_intent", "trans", "oper", "personal", "draft_personal"},
    # translational and operational goals of the APAC team
    "manager": {"trans", "oper"},
    "employee": {"personal", "draft_personal"},
    "other_employee": {"other_personal"},
    "hr": set(),
}

# Who reads the private why/identity/motivation of which personal goal (others read null).
PRIVATE_VISIBLE = {
    "admin": {"personal", "draft_personal", "other_personal"},
    "leader": {"personal", "draft_personal"},  # employee's chain: employee → manager → leader
    "manager": {"personal"},  # draft_personal: the manager does not see drafts at all
    "employee": {"personal", "draft_personal"},
    "other_employee": {"other_personal"},
    "hr": set(),
}
