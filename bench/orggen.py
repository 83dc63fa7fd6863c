"""A synthetic organisation for the engine benchmark, built in bulk.

Shape (see `Shape`): `intents` cascades, `depth` levels in all. Level 0 holds the strategic
intents, the levels below them translational then operational goals (django-mptt trees,
`tree_parent` == `parent`), and the last level personal goals, each a one-node tree of its
own (`tree_parent` null, `parent` = an operational goal) — exactly how apps.goals.tree stores
them. The nested-set fields are computed here and written with bulk_create in one
transaction: saving 100,000 goals one by one through django-mptt would take hours.

The organisation every other benchmark shares (people in units, about five goals each; see
bench/peopleorg.py) is built by this file run as a command, once, and reused after:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/goalcascade_bench .venv/bin/python bench/orggen.py --people 100000

It records the shape it built in the table `bench_org`; `--reuse` (and `bench.common.ensure_org`)
keep an organisation of that shape that is still there instead of building it again.
"""

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

if __name__ == "__main__":
    # Run as the command: the project on the path and Django set up before the models below are imported.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import setup_django

    setup_django()

from django.db import connection, transaction

from apps.core.models import ObjectChange
from apps.cycles.models import Cycle
from apps.goals.models import CheckIn, Goal, GoalStatus, Layer, Metric, Motivation, ProgressSource
from apps.goals.progress import metric_progress
from apps.org.models import Person, Unit

BATCH = 5000
PERSONAL_PER_PERSON = 4  # with the cascade goals they own, about the 5 goals a person the design assumes
# Levels whose goals carry an outcome metric beside their children (the "alignment gap" case);
# their progress comes from the children so that a check-in rolls all the way up.
MEASURED_LEVELS = (0, 1)


@dataclass(frozen=True)
class Shape:
    goals: int
    depth: int = 6
    intents: int = 5
    personal_per_leaf: float = 4.0

    def layers(self) -> list[str]:
        """Layer of each level: intent, translational (upper half), operational (lower half), personal."""
        middle = self.depth - 2
        upper = (middle + 1) // 2
        return [Layer.INTENT, *[Layer.TRANSLATIONAL] * upper, *[Layer.OPERATIONAL] * (middle - upper), Layer.PERSONAL]

    def level_counts(self) -> list[int]:
        """Goals per level, summing to exactly `goals`; the personal level takes the remainder."""
        fanout = self.fanout()
        cascade = [max(self.intents, round(self.intents * fanout**level)) for level in range(self.depth - 1)]
        personal = self.goals - sum(cascade)
        if personal < cascade[-1]:
            raise ValueError(f"{self.goals} goals are too few for depth {self.depth} with {self.intents} intents")
        return [*cascade, personal]

    def fanout(self) -> float:
        """The branching factor of the cascade levels that yields `goals` in all (bisection)."""
        if self.depth < 4:
            raise ValueError("depth must be at least 4: intent, translational, operational, personal")
        low, high = 1.0, float(self.goals)
        for _ in range(100):
            mid = (low + high) / 2
            low, high = (mid, high) if self._total(mid) < self.goals else (low, mid)
        return low

    def _total(self, fanout: float) -> float:
        cascade = sum(fanout**level for level in range(self.depth - 1))
        return self.intents * (cascade + self.personal_per_leaf * fanout ** (self.depth - 2))


@dataclass
class Plan:
    """The goals to write, as parallel lists indexed by goal id - 1 (ids are assigned here)."""

    shape: Shape
    parent: list[int | None] = field(default_factory=list)
    level: list[int] = field(default_factory=list)
    layer: list[str] = field(default_factory=list)
    tree_id: list[int] = field(default_factory=list)
    lft: list[int] = field(default_factory=list)
    rght: list[int] = field(default_factory=list)

    def add(self, parent: int | None, level: int, layer: str) -> int:
        for name, value in (("parent", parent), ("level", level), ("layer", layer)):
            getattr(self, name).append(value)
        self.tree_id.append(0)
        self.lft.append(0)
        self.rght.append(0)
        return len(self.parent)


@dataclass
class Org:
    """What the benchmark needs to know about the organisation it just built."""

    shape: Shape
    counts: list[int]
    cycle: Cycle
    person_ids: list[int]
    unit_ids: list[int]
    metric_count: int
    # Personal goals whose whole path is counted (no cancelled goal on it), with their first metric.
    live_leaves: list[tuple[int, int]]
    # Operational goals of the deepest cascade level that are not cancelled (parents for inserts).
    operational_parents: list[int]
    # Cascade goals one level higher (parents for an operational insert, which renumbers a tree).
    cascade_parents: list[int]


def plan_goals(shape: Shape) -> Plan:
    """Assign ids level by level, then nested-set fields per cascade tree, then personal trees."""
    plan, counts, layers = Plan(shape), shape.level_counts(), shape.layers()
    previous: list[int] = []
    for level, (count, layer) in enumerate(zip(counts, layers, strict=True)):
        current = []
        for index in range(count):
            # Child `index` goes to parent index*n_parent/n_child: contiguous, even blocks.
            parent = previous[index * len(previous) // count] if previous else None
            current.append(plan.add(parent, level, layer))
        previous = current
    _number_trees(plan)
    return plan


def _number_trees(plan: Plan) -> None:
    children: dict[int, list[int]] = {}
    roots, personal = [], []
    for goal_id in range(1, len(plan.parent) + 1):
        if plan.layer[goal_id - 1] == Layer.PERSONAL:
            personal.append(goal_id)
        elif plan.parent[goal_id - 1] is None:
            roots.append(goal_id)
        else:
            children.setdefault(plan.parent[goal_id - 1], []).append(goal_id)
    for tree_id, root in enumerate(roots, start=1):
        _number_tree(plan, root, tree_id, children)
    for tree_id, goal_id in enumerate(personal, start=len(roots) + 1):
        # A personal goal is a root of its own one-node tree; its level in that tree is 0.
        plan.tree_id[goal_id - 1], plan.lft[goal_id - 1], plan.rght[goal_id - 1] = tree_id, 1, 2
        plan.level[goal_id - 1] = 0


def _number_tree(plan: Plan, root: int, tree_id: int, children: dict[int, list[int]]) -> None:
    """Depth-first lft/rght numbering, iterative (a recursion would be fine at depth 6, not in general)."""
    counter, stack = 1, [(root, False)]
    while stack:
        goal_id, closing = stack.pop()
        if closing:
            plan.rght[goal_id - 1] = counter
        else:
            plan.tree_id[goal_id - 1], plan.lft[goal_id - 1] = tree_id, counter
            stack.append((goal_id, True))
            stack.extend((child, False) for child in reversed(children.get(goal_id, [])))
        counter += 1


def wipe() -> None:
    """Empty every table the generator fills. Only ever called on the benchmark database."""
    tables = [model._meta.db_table for model in (CheckIn, Metric, ObjectChange, Goal, Person, Unit, Cycle)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def build(shape: Shape, seed: int = 2027) -> Org:
    """Wipe the benchmark tables and write a fresh organisation of `shape`, in one transaction."""
    rng = random.Random(seed)
    plan = plan_goals(shape)
    with transaction.atomic():
        wipe()
        cycle = Cycle.objects.create(
            name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31), status=Cycle.Status.ACTIVE
        )
        unit_ids = _create_units()
        person_ids = _create_people(plan, unit_ids)
        statuses = _write_goals(plan, cycle, unit_ids, person_ids)
        first_metric = _write_metrics(plan, rng)
        _reset_sequence(Goal)
    _analyze()
    return _describe(plan, cycle, unit_ids, person_ids, statuses, first_metric)


def _create_units() -> list[int]:
    """A company, 8 divisions and 64 teams; team ids are returned (goals and people belong to teams).

    Units are an MPTT tree too: bulk_create with placeholder tree fields, then rebuild, in the
    same transaction (CONVENTIONS: never leave bulk-written tree fields unrebuilt).
    """
    placeholder = {"lft": 0, "rght": 0, "tree_id": 0, "level": 0}
    company = Unit.objects.bulk_create([Unit(name="Bench Co", kind=Unit.Kind.COMPANY, **placeholder)])[0]
    divisions = Unit.objects.bulk_create(
        [Unit(name=f"Division {d}", kind=Unit.Kind.DIVISION, parent=company, **placeholder) for d in range(8)]
    )
    teams = Unit.objects.bulk_create(
        [
            Unit(name=f"Team {d}.{t}", kind=Unit.Kind.TEAM, parent=division, **placeholder)
            for d, division in enumerate(divisions)
            for t in range(8)
        ]
    )
    Unit.objects.rebuild()
    return [team.pk for team in teams]


def _create_people(plan: Plan, unit_ids: list[int]) -> list[int]:
    personal = sum(1 for layer in plan.layer if layer == Layer.PERSONAL)
    count = max(20, personal // PERSONAL_PER_PERSON)
    people = [
        Person(
            username=f"bench{i:06d}",
            name=f"Bench Person {i}",
            email=f"bench{i}@example.com",
            unit_id=unit_ids[i % len(unit_ids)],
            password="!",  # unusable: nobody logs in as a benchmark person
        )
        for i in range(count)
    ]
    return [person.pk for person in Person.objects.bulk_create(people, batch_size=BATCH)]


def _status(goal_id: int, layer: str, level: int, deepest_cascade: int) -> str:
    """A few cancelled goals (they must drop out of their parent's rollup), some drafts, the rest active."""
    if layer == Layer.PERSONAL and goal_id % 29 == 0:
        return GoalStatus.CANCELLED
    if level == deepest_cascade and goal_id % 41 == 0:
        return GoalStatus.CANCELLED
    return GoalStatus.DRAFT if goal_id % 11 == 0 else GoalStatus.ACTIVE


def _source(goal_id: int, layer: str, level: int) -> tuple[str, float | None]:
    if layer != Layer.PERSONAL and level in MEASURED_LEVELS:
        return ProgressSource.CHILDREN, None
    if layer == Layer.PERSONAL and goal_id % 50 == 0:
        return ProgressSource.MANUAL, 0.5
    return ProgressSource.AUTO, None


def _write_goals(plan: Plan, cycle: Cycle, unit_ids: list[int], person_ids: list[int]) -> list[str]:
    deepest_cascade = plan.shape.depth - 2
    statuses, batch = [], []
    for index, (parent, level, layer) in enumerate(zip(plan.parent, plan.level, plan.layer, strict=True)):
        goal_id = index + 1
        depth_level = deepest_cascade + 1 if layer == Layer.PERSONAL else level
        status = _status(goal_id, layer, depth_level, deepest_cascade)
        source, manual = _source(goal_id, layer, depth_level)
        personal = layer == Layer.PERSONAL
        statuses.append(status)
        batch.append(
            Goal(
                id=goal_id,
                title=f"{layer.title()} goal {goal_id}",
                layer=layer,
                parent_id=parent,
                tree_parent_id=None if personal else parent,
                cycle_id=cycle.pk,
                unit_id=unit_ids[goal_id % len(unit_ids)],
                owner_id=person_ids[(goal_id // PERSONAL_PER_PERSON) % len(person_ids)],
                weight=2.0 if goal_id % 7 == 0 else 1.0,
                status=status,
                progress_source=source,
                manual_progress=manual,
                identity="A better engineer" if personal else "",
                motivation=Motivation.OWN if personal else "",
                tree_id=plan.tree_id[index],
                lft=plan.lft[index],
                rght=plan.rght[index],
                level=plan.level[index],
            )
        )
        if len(batch) == BATCH:
            Goal.objects.bulk_create(batch)
            batch = []
    Goal.objects.bulk_create(batch)
    return statuses


def _metric_values(rng: random.Random, goal_id: int) -> tuple[Decimal, Decimal, Decimal]:
    """start, target, current; every fifth metric is a "decrease" metric, some overshoot."""
    current = Decimal(rng.randint(0, 1100)) / 10
    if goal_id % 5 == 0:
        return Decimal(100), Decimal(0), current
    return Decimal(0), Decimal(100), current


def _metrics_for(plan: Plan, goal_id: int) -> int:
    layer, level = plan.layer[goal_id - 1], plan.level[goal_id - 1]
    if layer == Layer.PERSONAL:
        return 0 if goal_id % 50 == 0 else 2 if goal_id % 3 == 0 else 1
    return 1 if level in MEASURED_LEVELS else 0


def _write_metrics(plan: Plan, rng: random.Random) -> dict[int, int]:
    """Write the metrics; returns each goal's first metric id."""
    first: dict[int, int] = {}
    batch: list[Metric] = []
    for goal_id in range(1, len(plan.parent) + 1):
        for n in range(_metrics_for(plan, goal_id)):
            start, target, current = _metric_values(rng, goal_id)
            batch.append(
                Metric(
                    goal_id=goal_id,
                    name=f"Metric {n} of goal {goal_id}",
                    start=start,
                    target=target,
                    current=current,
                    weight=2.0 if n else 1.0,
                    progress=metric_progress(start, target, current),
                )
            )
        if len(batch) >= BATCH:
            _flush_metrics(batch, first)
            batch = []
    _flush_metrics(batch, first)
    return first


def _flush_metrics(batch: list[Metric], first: dict[int, int]) -> None:
    for metric in Metric.objects.bulk_create(batch):
        first.setdefault(metric.goal_id, metric.pk)


def _reset_sequence(model) -> None:
    """The ids were given explicitly; move the identity sequence past them for later inserts."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))", [table])


def _analyze() -> None:
    """Fresh planner statistics, as a database that has lived a while would have (autovacuum lags a bulk load)."""
    with connection.cursor() as cursor:
        for model in (Goal, Metric, Person, Unit):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _describe(plan, cycle, unit_ids, person_ids, statuses, first_metric) -> Org:
    deepest = plan.shape.depth - 2  # personal goals have tree level 0, so cascade levels are plan.level as is

    def open_cascade_goals(level: int) -> list[int]:
        return [
            goal_id
            for goal_id, (lvl, layer) in enumerate(zip(plan.level, plan.layer, strict=True), start=1)
            if layer != Layer.PERSONAL and lvl == level and statuses[goal_id - 1] != GoalStatus.CANCELLED
        ]

    live_leaves = [
        (goal_id, first_metric[goal_id])
        for goal_id, layer in enumerate(plan.layer, start=1)
        if layer == Layer.PERSONAL
        and goal_id in first_metric
        and statuses[goal_id - 1] != GoalStatus.CANCELLED
        and statuses[plan.parent[goal_id - 1] - 1] != GoalStatus.CANCELLED
    ]
    return Org(
        shape=plan.shape,
        counts=plan.shape.level_counts(),
        cycle=cycle,
        person_ids=person_ids,
        unit_ids=unit_ids,
        metric_count=Metric.objects.count(),
        live_leaves=live_leaves,
        operational_parents=open_cascade_goals(deepest),
        cascade_parents=open_cascade_goals(deepest - 1),
    )


# --- The shared organisation: people in units (bench/peopleorg.py), built once, reused by every benchmark ---

MARKER_TABLE = "bench_org"


def org_marker() -> dict | None:
    """The organisation recorded as built here, if its people and goals are all still there (another benchmark may
    have wiped them since)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT facts FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
        if row is None:
            return None
        facts = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {Person._meta.db_table}), (SELECT count(*) FROM {Goal._meta.db_table})"
        )
        people, goals = cursor.fetchone()
    return facts if (people, goals) == (facts["people"], facts["goals"]) else None


def build_org(people: int, seed: int = 2027) -> dict:
    """Wipe and write the shared organisation, then record its shape; returns its facts (with the build time)."""
    from bench import peopleorg

    _write_marker(None)
    began = time.perf_counter()
    peopleorg.wipe()
    facts = peopleorg.generate(people, seed)
    facts.update(seed=seed, build_seconds=round(time.perf_counter() - began, 1), built_at=_now())
    _write_marker(facts)
    return facts


def ensure_org(people: int, seed: int = 2027) -> dict:
    """The shared organisation of `people` people: the one already built if it has that shape, else a new one."""
    facts = org_marker()
    if facts and facts["people"] == people and facts.get("seed") == seed:
        _repair_freshness()
        return {**facts, "reused": True}
    return {**build_org(people, seed), "reused": False}


def _repair_freshness() -> None:
    """An organisation built before the generator wrote `last_activity_at` (the rollup's freshness, which staleness
    reads) gets it from each goal's latest check-in, as the generator now writes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE goals_goal SET last_activity_at = last_checkin_at "
            "WHERE last_activity_at IS NULL AND last_checkin_at IS NOT NULL"
        )


def _write_marker(facts: dict | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id int PRIMARY KEY, facts jsonb NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        if facts is not None:
            cursor.execute(f"INSERT INTO {MARKER_TABLE} (id, facts) VALUES (1, %s)", [json.dumps(facts)])


def _now() -> str:
    from django.utils import timezone

    return timezone.now().isoformat(timespec="seconds")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build the organisation every benchmark shares (WIPES the database).")
    parser.add_argument("--people", type=int, default=100_000, help="people (default 100000; about 5 goals each)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--reuse", action="store_true", help="keep an organisation of this shape if one is there")
    parser.add_argument("--force", action="store_true", help="build even in a database whose name lacks 'bench'")
    args = parser.parse_args(argv)
    from bench.common import check_database

    check_database("bench/orggen.py", args.force)
    facts = ensure_org(args.people, args.seed) if args.reuse else build_org(args.people, args.seed)
    verb = "reused" if facts.get("reused") else f"built in {facts['build_seconds']} s"
    print(f"organisation {verb}: {json.dumps(facts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
