"""The organisation every benchmark measures: people in units, about five goals each, written with COPY.

`generate(people, seed)` writes it into the current database in one transaction (wipe first);
`bench/orggen.py --people N` is the command that builds it once and records its shape, and
`bench.common.ensure_org()` reuses it. See `generate` for the shape and the rates.
"""

import random
from datetime import datetime, timedelta

FANOUT = (10, 10, 10, 10)  # company → 10 divisions → 100 departments → 1,000 groups → 10,000 teams
LEVEL_NAMES = ("Division", "Department", "Group", "Team")
VERBS = ("Grow", "Cut", "Launch", "Improve", "Reduce", "Hire", "Ship", "Automate", "Win", "Open", "Train", "Retain")
THINGS = (
    "enterprise revenue",
    "churn in the mid-market",
    "onboarding time",
    "support backlog",
    "partner pipeline",
    "unit cost per order",
    "release frequency",
    "net promoter score",
    "field engineers",
    "warehouse throughput",
    "regional market share",
    "invoice errors",
)
WHERE = ("in APAC", "in the Nordics", "for SMB", "on mobile", "in Q3", "across EMEA", "for key accounts", "")

# --- The organisation ---------------------------------------------------------------------------------


def wipe() -> None:
    """Empty the tables this benchmark fills, in its own database only (check_database made sure of that)."""
    from django.db import connection

    from apps.core.models import ObjectChange
    from apps.cycles.models import Cycle
    from apps.goals.models import CheckIn, Goal, Metric
    from apps.org.models import Person, Unit
    from apps.reports.models import ExportJob

    tables = [m._meta.db_table for m in (ExportJob, CheckIn, Metric, ObjectChange, Goal, Person, Unit, Cycle)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _units() -> tuple[list[tuple], list[list[int]]]:
    """Rows (id, name, kind, parent_id, lft, rght, tree_id, level) of one unit tree, and the ids per level."""
    kinds = ("company", "division", "department", "department", "team")
    levels: list[list[int]] = [[1]]
    parent_of: dict[int, int | None] = {1: None}
    names: dict[int, str] = {1: "Bench Corp"}
    next_id = 2
    for depth, fanout in enumerate(FANOUT, start=1):
        level = []
        for parent in levels[-1]:
            for n in range(fanout):
                parent_of[next_id] = parent
                names[next_id] = f"{LEVEL_NAMES[depth - 1]} {names[parent].split(' ', 1)[-1]}.{n + 1}"
                level.append(next_id)
                next_id += 1
        levels.append(level)
    children: dict[int, list[int]] = {}
    for pk, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    lft, rght, depth_of = _nested_sets(1, children)
    rows = [
        (pk, names[pk], kinds[depth_of[pk]], parent_of[pk], lft[pk], rght[pk], 1, depth_of[pk]) for pk in sorted(names)
    ]
    return rows, levels


def _nested_sets(root: int, children: dict[int, list[int]]) -> tuple[dict, dict, dict]:
    """lft, rght and level of every node under `root` (an iterative depth-first walk)."""
    lft, rght, level = {}, {}, {root: 0}
    counter = 1
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            rght[node] = counter
            counter += 1
            continue
        lft[node] = counter
        counter += 1
        stack.append((node, True))
        for child in reversed(children.get(node, [])):
            level[child] = level[node] + 1
            stack.append((child, False))
    return lft, rght, level


def _title(rng: random.Random) -> str:
    where = rng.choice(WHERE)
    return f"{rng.choice(VERBS)} {rng.choice(THINGS)} by {rng.randint(5, 60)}%" + (f" {where}" if where else "")


def generate(people: int, seed: int) -> dict:
    """Write the organisation with COPY in one transaction; returns what was written.

    Units: one tree, company → 10 divisions → 100 departments → 1,000 groups → 10,000 teams of
    `people` / 10,000 people each. Goals: 5 strategic intents (one a draft, with one division's
    goal under it: a twentieth of the cascade is orphaned), two translational goals per division
    and per department, two operational goals per group and four per team, each under a
    goal of the unit above; then every person has four personal goals (five for 60% of people), all
    linked to their team's goals but the last, which is stand-alone (orphaned) for 40% of people.
    With the cascade goals, about five goals a person. About 2% of child
    goals copy their parent's title. 88% of personal goals are active (5% draft, 4% achieved, 3%
    cancelled). See `_metrics_and_checkins` for metrics and check-ins: about a third of the active
    goals end up stale (the goals were created 100 days ago, the cycle began 90 days ago). Progress
    figures are random in [0, 1], the rolled-up one close to the measured one for nine goals in ten
    (an export reads the stored figures; it does not check them).
    """
    from django.db import connection, transaction

    from apps.cycles.models import Cycle
    from apps.goals.models import CheckIn, Goal, Metric
    from apps.org.models import Person, Unit

    rng = random.Random(seed)
    now = datetime.now().astimezone()
    today = now.date()
    created = now - timedelta(days=100)
    unit_rows, levels = _units()
    teams = levels[-1]
    per_team = max(1, people // len(teams))
    members: dict[int, list[int]] = {}
    for index in range(people):
        members.setdefault(teams[index // per_team % len(teams)], []).append(index + 1)
    parent_unit = {row[0]: row[3] for row in unit_rows}
    first_member: dict[int, int] = {}  # each unit's lead: the first member of its first team
    for team, ids in members.items():
        unit = team
        while unit is not None and unit not in first_member:
            first_member[unit] = ids[0]
            unit = parent_unit[unit]
    person_rows = _people(members, first_member, parent_unit, created)

    goals: list[dict] = []

    def goal(layer, unit, parent, title=None, status="active", owner=None):
        parent_title = goals[parent - 1]["title"] if parent else None
        if title is None:
            copied = parent_title is not None and rng.random() < 0.02
            title = parent_title.lower() + " " if copied else _title(rng)
        row = {
            "id": len(goals) + 1,
            "title": title.strip() if title.strip() else "Goal",
            "layer": layer,
            "parent": parent,
            "unit": unit,
            "owner": owner or first_member.get(unit, 1),
            "status": status,
        }
        goals.append(row)
        return row["id"]

    intents = [goal("intent", 1, None, f"Strategic intent {n + 1}: {_title(rng)}") for n in range(5)]
    goals[intents[-1] - 1]["status"] = "draft"  # one draft intent, with one division's goal under it (orphans)
    published = intents[:-1]
    below: dict[int, list[int]] = {}
    for division in levels[1]:
        above = [published[division % 4], published[(division + 1) % 4]]
        if division == levels[1][0]:
            above[1] = intents[-1]
        below[division] = [goal("translational", division, parent) for parent in above]
    for depth, layer, per_unit in ((2, "translational", 2), (3, "operational", 2)):
        for unit in levels[depth]:
            above = below[parent_unit[unit]]
            below[unit] = [goal(layer, unit, above[(unit + n) % len(above)]) for n in range(per_unit)]
    for team in teams:
        above = below[parent_unit[team]]
        below[team] = [goal("operational", team, above[n % len(above)]) for n in range(4)]
    statuses = ["active"] * 88 + ["draft"] * 5 + ["achieved"] * 4 + ["cancelled"] * 3
    for team, ids in members.items():
        for person in ids:
            count = 5 if rng.random() < 0.6 else 4
            for n in range(count):
                linked = n < count - 1 or rng.random() < 0.6
                parent = below[team][rng.randrange(4)] if linked else None
                goal("personal", team, parent, status=rng.choice(statuses), owner=person)

    _place_in_trees(goals)
    metrics, checkins, last_checkin = _metrics_and_checkins(goals, rng, now)
    cycle_row = (1, f"FY{today.year} bench", today - timedelta(days=90), today + timedelta(days=275), None, "active")

    with transaction.atomic():
        cursor = connection.cursor().cursor
        _copy(cursor, Cycle, ("id", "name", "start", "end", "parent_id", "status"), [cycle_row])
        unit_columns = ("id", "name", "kind", "parent_id", "lft", "rght", "tree_id", "level", "lead_id")
        _copy(cursor, Unit, unit_columns, [(*row, first_member.get(row[0])) for row in unit_rows])
        person_columns = (
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "name",
            "unit_id",
            "role",
            "manager_id",
        )
        _copy(cursor, Person, ("id", *person_columns), person_rows)
        _copy(cursor, Goal, GOAL_COLUMNS, (_goal_row(g, rng, created, last_checkin) for g in goals))
        metric_columns = ("id", "goal_id", "name", "unit", "start", "target", "current", "weight", "progress")
        _copy(cursor, Metric, (*metric_columns, "created", "updated"), ((*m, created, created) for m in metrics))
        checkin_columns = ("id", "goal_id", "metric_id", "value", "confidence", "note", "status", "health")
        _copy(cursor, CheckIn, (*checkin_columns, "author_id", "created"), checkins)
        for model in (Cycle, Unit, Person, Goal, Metric, CheckIn):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "people": people,
        "units": len(unit_rows),
        "goals": len(goals),
        "metrics": len(metrics),
        "checkins": len(checkins),
        "goals_by_layer": {
            layer: sum(1 for g in goals if g["layer"] == layer)
            for layer in ("intent", "translational", "operational", "personal")
        },
    }


def _people(members: dict, lead: dict, parent_unit: dict, created: datetime) -> list[tuple]:
    """Person rows: each reports to their team's lead, a lead to the nearest lead above who is someone else.

    The company's lead (person 1) is the leader, every other lead a manager, the last person HR, everyone
    else an employee. Passwords are unusable ("!"): the load test sets one for the people it signs in as.
    """
    last = max(pk for ids in members.values() for pk in ids)
    rows = []
    for team, ids in members.items():
        for pk in ids:
            unit, manager = team, lead[team]
            while manager == pk and unit is not None:
                unit = parent_unit[unit]
                manager = lead.get(unit) if unit is not None else None
            leads = pk in (lead[u] for u in _chain(team, parent_unit))
            role = "hr" if pk == last else "leader" if pk == lead[1] else "manager" if leads else "employee"
            name, mail = f"Person {pk}", f"p{pk:06d}@example.com"
            rows.append((pk, "!", False, f"p{pk:06d}", mail, False, True, created, name, team, role, manager))
    rows.sort()
    return rows


def _chain(unit: int, parent_unit: dict) -> list[int]:
    """`unit` and every unit above it."""
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = parent_unit[unit]
    return chain


GOAL_COLUMNS = (
    "id",
    "title",
    "description",
    "why",
    "layer",
    "parent_id",
    "tree_parent_id",
    "cycle_id",
    "unit_id",
    "owner_id",
    "weight",
    "status",
    "progress_source",
    "manual_progress",
    "progress",
    "measured_progress",
    "rollup_progress",
    "health_override",
    "last_checkin_at",
    "last_activity_at",
    "identity",
    "motivation",
    "archived_at",
    "created",
    "updated",
    "lft",
    "rght",
    "tree_id",
    "level",
)


def _place_in_trees(goals: list[dict]) -> None:
    """Nested sets: intents and the cascade goals under them form one tree per intent; personal goals are
    one-node trees of their own (apps.goals.tree's storage)."""
    children: dict[int, list[int]] = {}
    for g in goals:
        if g["parent"] and g["layer"] != "personal":
            children.setdefault(g["parent"], []).append(g["id"])
    tree_id = 0
    for g in goals:
        if g["layer"] == "intent":
            tree_id += 1
            lft, rght, level = _nested_sets(g["id"], children)
            for pk in lft:
                goals[pk - 1].update(lft=lft[pk], rght=rght[pk], level=level[pk], tree_id=tree_id)
    for g in goals:
        if g["layer"] == "personal":
            tree_id += 1
            g.update(lft=1, rght=2, level=0, tree_id=tree_id)


def _metrics_and_checkins(goals: list[dict], rng: random.Random, now: datetime):
    """A metric on 90% of cascade goals and 80% of personal goals; check-ins (on the metric, else on the goal) on
    85% of goals, two to four of them 3–20 days apart, the latest within the last ten days for 85% of them."""
    metrics, checkins, last_checkin = [], [], {}
    for g in goals:
        metric_id = None
        if rng.random() < (0.9 if g["layer"] != "personal" else 0.8):
            metric_id = len(metrics) + 1
            current = rng.randint(0, 100)
            name = f"Measure of goal {g['id']}"
            metrics.append((metric_id, g["id"], name, "number", 0, 100, current, 1.0, current / 100))
        if rng.random() >= 0.85:
            continue
        at = now - timedelta(days=rng.uniform(0, 10) if rng.random() < 0.85 else rng.uniform(15, 45))
        last_checkin[g["id"]] = at
        for _ in range(rng.randint(2, 4)):
            value, confidence = (rng.randint(0, 100) if metric_id else None), rng.randint(3, 9)
            checkins.append((len(checkins) + 1, g["id"], metric_id, value, confidence, "", "", "", g["owner"], at))
            at -= timedelta(days=rng.uniform(3, 20))
    return metrics, checkins, last_checkin


def _goal_row(g: dict, rng: random.Random, created: datetime, last_checkin: dict) -> tuple:
    measured = round(rng.random(), 4) if rng.random() < 0.8 else None
    rollup = None
    if g["layer"] != "personal":  # mostly close to the measured outcome; one in ten far from it
        near = measured is not None and rng.random() < 0.9
        rollup = round(min(1.0, max(0.0, measured + rng.gauss(0, 0.08))) if near else rng.random(), 4)
    progress = measured if measured is not None else (rollup if rollup is not None else round(rng.random(), 4))
    motivation = rng.choice(("own", "expected", "pressure")) if g["layer"] == "personal" and rng.random() < 0.6 else ""
    override = rng.choice(("on_track", "at_risk", "off_track")) if rng.random() < 0.05 else ""
    tree_parent = g["parent"] if g["layer"] not in ("intent", "personal") else None
    # One personal goal in a hundred was archived a month after it was created (hidden unless asked for).
    archived = created + timedelta(days=30) if g["layer"] == "personal" and rng.random() < 0.01 else None
    return (
        g["id"],
        g["title"],
        "",
        "",
        g["layer"],
        g["parent"],
        tree_parent,
        1,
        g["unit"],
        g["owner"],
        1.0,
        g["status"],
        "auto",
        None,
        progress,
        measured,
        rollup,
        override,
        last_checkin.get(g["id"]),
        # The rollup's freshness (staleness reads it): the goal's own latest check-in (for a goal without metrics the
        # rollup would also take its children's; their check-ins are as recent, so the share of stale goals holds).
        last_checkin.get(g["id"]),
        "",
        motivation,
        archived,
        created,
        created,
        g["lft"],
        g["rght"],
        g["tree_id"],
        g["level"],
    )


def _copy(cursor, model, columns, rows) -> None:
    """COPY `rows` into `model`'s table; a NOT NULL column not named takes the model field's default, so a column
    added to the model later does not break the generator."""
    named = [model._meta.get_field(c) for c in columns]
    given = {field.column for field in named}
    defaults = [
        field
        for field in model._meta.concrete_fields
        if field.column not in given and not field.null and field.has_default() and not field.primary_key
    ]
    extra = tuple(field.get_default() for field in defaults)
    names = ", ".join(f'"{field.column}"' for field in [*named, *defaults])
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *extra))
