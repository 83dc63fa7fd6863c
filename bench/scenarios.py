"""The three measurements of the issue, each beside its raw-SQL baseline in the same run.

(a) one check-in rolled up to the root: rollup.recompute_goals([leaf]) vs raw.path_recompute
(b) the full recompute: rollup.recompute_all() vs raw.full_recompute, steady and all-stale
(c) adding a personal goal: services.goal_create vs a single-row INSERT

Engine and baseline alternate inside one loop, so drift in the machine's load hits both.
"""

import random
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.db.models import Max, Q

from apps.cycles.models import Cycle
from apps.goals import dirty, rollup, services, tree
from apps.goals.models import Goal, GoalLink, GoalStatus, Layer, Metric, Motivation, PendingRollup
from apps.goals.progress import metric_progress
from apps.goals.services import checkin_record
from apps.org.models import Person, Unit

from . import raw
from .measure import Series, count_queries, ratio, timed
from .orggen import Org


@dataclass(frozen=True)
class Repeats:
    rollup: int = 200
    full: int = 3
    insert: int = 200
    side: int = 40  # the informative extras (end-to-end check-in, eager insert, operational insert)
    warmup: int = 5


# --- shared helpers --------------------------------------------------------------------------


def _move_metric(metric_id: int, rng: random.Random) -> None:
    """A new value, strictly inside (start, target) so the progress really moves; committed, not timed."""
    metric = Metric.objects.only("start", "target").get(pk=metric_id)
    current = Decimal(rng.randint(1, 999)) / 10
    Metric.objects.filter(pk=metric_id).update(
        current=current, progress=metric_progress(metric.start, metric.target, current)
    )


def _pick(items: list, count: int, rng: random.Random) -> list:
    """`count` items, distinct while the list lasts (a different leaf each time avoids a too-warm cache)."""
    picked = rng.sample(items, min(count, len(items)))
    while len(picked) < count:
        picked.extend(rng.sample(items, min(count - len(picked), len(items))))
    return picked


@contextmanager
def rollup_deferred():
    """Leave the rolled-up ids in the outbox instead of draining it eagerly, as production leaves them to a worker.

    The insert's own cost (outbox row included) is (c); the rollup it triggers is (a), measured on its own.
    """
    woken: list[bool] = []
    with mock.patch.object(dirty, "wake", lambda: woken.append(True)):
        yield woken
    PendingRollup.objects.all().delete()


def _figures_digest() -> str:
    """One hash over every stored figure (goals and metrics), to compare the engine's result with the baseline's."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT md5(string_agg(concat(id, ':', coalesce(progress::text, '-'), ':',
                       coalesce(measured_progress::text, '-'), ':', coalesce(rollup_progress::text, '-')),
                       ',' ORDER BY id)) FROM {raw.GOALS}"""
        )
        goals = cursor.fetchone()[0]
        cursor.execute(f"SELECT md5(string_agg(concat(id, ':', progress::text), ',' ORDER BY id)) FROM {raw.METRICS}")
        return goals + cursor.fetchone()[0]


# --- what the product's rules add to the generated organisation -------------------------------------------


def weave(org: Org) -> dict:
    """Add what bench/orggen.py's cascade lacks and the rollup's rules count, so that the engine and the raw baselines
    are compared (and checked against each other) on it too: `contributes` links (and a few `supports` links, which
    count nowhere) from one operational goal in four and one personal goal in twenty up into another intent's tree,
    and personal goals carried over from one quarter into the next under the same parent (one in ten: the live copy
    counts once in the parent's rollup instead of the original; a copy of a linked goal carries its link on).
    Every edge goes to a shallower level, so the graph stays acyclic; no tree is renumbered (copies are one-node
    trees). Only this benchmark's own organisation (bench/cascade.py) is woven; returns what was added."""
    goals = (
        Goal.objects.exclude(layer=Layer.INTENT).order_by("pk").values("pk", "layer", "level", "tree_id", "parent_id")
    )
    trees = sorted({row["tree_id"] for row in goals if row["layer"] != Layer.PERSONAL})
    targets = defaultdict(list)  # (tree, level) -> goals
    for row in goals:
        if row["layer"] != Layer.PERSONAL:
            targets[row["tree_id"], row["level"]].append(row["pk"])
    tree_of = {row["pk"]: row["tree_id"] for row in goals if row["layer"] != Layer.PERSONAL}
    links, copies = [], []
    for row in goals:
        pk = row["pk"]
        if row["layer"] == Layer.PERSONAL:
            home, level, every = tree_of[row["parent_id"]], 2, 20
        elif row["level"] == 3:
            home, level, every = row["tree_id"], 1, 4
        else:
            continue
        if pk % every == 3:  # as the carried ones (pk % 10 == 3): half the linked personal goals are carried too
            other = trees[(trees.index(home) + 1) % len(trees)]
            candidates = targets[other, level]
            kind = GoalLink.Kind.SUPPORTS if pk // every % 5 == 0 else GoalLink.Kind.CONTRIBUTES
            links.append(GoalLink(source_id=pk, target_id=candidates[pk % len(candidates)], kind=kind, weight=pk % 3))
        if row["layer"] == Layer.PERSONAL and pk % 10 == 3:
            copies.append(pk)
    GoalLink.objects.bulk_create(links, batch_size=5000)
    carried = _carry_over(copies)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {raw.GOALS}")
        cursor.execute(f"VACUUM ANALYZE {raw.LINKS}")
    return {"links": len(links), "carried_copies": carried}


def _carry_over(original_ids: list[int]) -> int:
    """Copy each goal into the next quarter under its own parent (carried_from set), with its metrics and links;
    the originals move to the first quarter. Returns how many copies were written."""
    year = Cycle.objects.get(parent__isnull=True)
    q1, q2 = (
        Cycle.objects.create(name=f"{year.name} Q{n}", start=start, end=end, parent=year, status=Cycle.Status.ACTIVE)
        for n, start, end in ((1, date(2027, 1, 1), date(2027, 3, 31)), (2, date(2027, 4, 1), date(2027, 6, 30)))
    )
    originals = list(Goal.objects.filter(pk__in=original_ids).order_by("pk"))
    Goal.objects.filter(pk__in=original_ids).update(cycle=q1)
    next_tree = Goal.objects.aggregate(top=Max("tree_id"))["top"] + 1
    copies = []
    for i, original in enumerate(originals):
        copy = Goal(
            **{f.attname: getattr(original, f.attname) for f in Goal._meta.concrete_fields if not f.primary_key},
        )
        copy.cycle, copy.carried_from_id, copy.tree_id = q2, original.pk, next_tree + i
        copy.status = GoalStatus.ACTIVE
        copies.append(copy)
    copies = Goal.objects.bulk_create(copies, batch_size=5000)
    pairs = dict(zip((o.pk for o in originals), copies, strict=True))
    Metric.objects.bulk_create(
        [
            Metric(
                goal=pairs[m.goal_id],
                name=m.name,
                start=m.start,
                target=m.target,
                current=m.current,
                weight=m.weight,
                progress=m.progress,
            )
            for m in Metric.objects.filter(goal_id__in=pairs)
        ],
        batch_size=5000,
    )
    GoalLink.objects.bulk_create(
        [
            GoalLink(source=pairs[link.source_id], target_id=link.target_id, kind=link.kind, weight=link.weight)
            for link in GoalLink.objects.filter(source_id__in=pairs)
        ]
    )
    return len(copies)


# --- (a) one check-in rolled up to the root -----------------------------------------------------------


def checkin_rollup(org: Org, repeats: Repeats, rng: random.Random) -> dict:
    engine, baseline = Series(), Series()
    changed = []
    for i, (goal_id, metric_id) in enumerate(_pick(org.live_leaves, repeats.warmup + repeats.rollup, rng)):
        runs = [("engine", rollup.recompute_goals, [goal_id]), ("raw", raw.path_recompute, goal_id)]
        for name, fn, arg in runs if i % 2 == 0 else reversed(runs):
            _move_metric(metric_id, rng)
            seconds, result = timed(fn, arg)
            if i < repeats.warmup:
                continue
            (engine if name == "engine" else baseline).seconds.append(seconds)
            if name == "engine":
                changed.append(result)
            else:
                baseline.queries.append(result)
    engine.queries = _rollup_queries(org, rng)
    engine.notes["goals_changed"] = sorted(changed)[len(changed) // 2]
    return {
        "engine": engine.summary(),
        "raw": baseline.summary(),
        "ratio": ratio(engine, baseline),
        "path_length": org.shape.depth,
        "agrees_with_raw": _path_agreement(org, rng),
    }


def _rollup_queries(org: Org, rng: random.Random) -> list[int]:
    counts = []
    for goal_id, metric_id in _pick(org.live_leaves, 5, rng):
        _move_metric(metric_id, rng)
        counts.append(count_queries(rollup.recompute_goals, [goal_id])[0])
    return counts


def _path_agreement(org: Org, rng: random.Random) -> bool:
    """After the baseline has rolled a change up, the engine must find nothing left to change: on random leaves, and
    on leaves that are linked, carried over or copies (see `weave`)."""
    for goal_id, metric_id in _pick(org.live_leaves, 10, rng) + _pick(_woven_leaves(), 20, rng):
        _move_metric(metric_id, rng)
        raw.path_recompute(goal_id)
        if rollup.recompute_goals([goal_id]) != 0:
            return False
    return True


def _woven_leaves() -> list[tuple[int, int]]:
    """(goal, metric) of personal goals that are the source of a link, carried over, or a carried copy."""
    linked = GoalLink.objects.values("source_id")
    woven = Q(pk__in=linked) | Q(carried_from__isnull=False) | Q(carried_into__isnull=False)
    goals = Goal.objects.filter(woven, layer=Layer.PERSONAL).exclude(status=GoalStatus.CANCELLED).values("pk")
    return list(Metric.objects.filter(goal__in=goals).order_by("goal_id", "pk").values_list("goal_id", "pk"))


def checkin_end_to_end(org: Org, repeats: Repeats, rng: random.Random) -> dict:
    """For information: the check-in service with its on_commit rollup run eagerly (embedded mode)."""
    series = Series()
    for i, (goal_id, metric_id) in enumerate(_pick(org.live_leaves, repeats.warmup + repeats.side, rng)):
        actor = Goal.objects.select_related("owner").get(pk=goal_id).owner
        metric = Metric.objects.get(pk=metric_id)
        value = Decimal(rng.randint(1, 999)) / 10
        if i < repeats.warmup:
            series.queries.append(
                count_queries(checkin_record, actor=actor, metric=metric, value=value, confidence=7)[0]
            )
            continue
        series.seconds.append(timed(checkin_record, actor=actor, metric=metric, value=value, confidence=7)[0])
    return series.summary()


# --- (b) the full recompute ----------------------------------------------------------------------


def full_recompute(repeats: Repeats) -> dict:
    return {"steady": _full_steady(repeats), "all_stale": _full_all_stale(repeats)}


def _full_steady(repeats: Repeats) -> dict:
    """Nothing stale (the nightly repair pass on a healthy cascade): read and compute everything, write nothing."""
    engine, baseline = Series(), Series()
    engine.queries.append(count_queries(rollup.recompute_all)[0])
    for i in range(repeats.full):
        runs = [(engine, rollup.recompute_all), (baseline, raw.full_recompute)]
        for series, fn in runs if i % 2 == 0 else reversed(runs):
            seconds, result = timed(fn)
            series.seconds.append(seconds)
            if series is baseline:
                series.queries.append(result)
    return {"engine": engine.summary(), "raw": baseline.summary(), "ratio": ratio(engine, baseline)}


def _invalidate() -> None:
    """Make every stored figure wrong (metrics and goals), then vacuum so each run starts from the same pages."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {raw.METRICS} SET progress = -1")
        cursor.execute(f"UPDATE {raw.GOALS} SET progress = 0, measured_progress = -1, rollup_progress = -1")
        cursor.execute(f"VACUUM ANALYZE {raw.METRICS}")
        cursor.execute(f"VACUUM ANALYZE {raw.GOALS}")


def _full_all_stale(repeats: Repeats) -> dict:
    """Every figure wrong (repair after a corruption): everything is read, computed and written."""
    engine, baseline = Series(), Series()
    expected = _figures_digest()  # the state is correct on entry: both paths must restore exactly this
    digests = set()
    _invalidate()
    engine.queries.append(count_queries(rollup.recompute_all)[0])  # also the warm-up
    for i in range(repeats.full):
        runs = [(engine, rollup.recompute_all), (baseline, raw.full_recompute)]
        for series, fn in runs if i % 2 == 0 else reversed(runs):
            _invalidate()
            seconds, result = timed(fn)
            series.seconds.append(seconds)
            if series is baseline:
                series.queries.append(result)
            digests.add(_figures_digest())
    return {
        "engine": engine.summary(),
        "raw": baseline.summary(),
        "ratio": ratio(engine, baseline),
        "agrees_with_raw": digests == {expected},
    }


# --- (c) adding a personal goal ---------------------------------------------------------------


@dataclass
class _InsertKit:
    """What a request would already hold when it calls goal_create: the parent, the owner, the unit."""

    parents: list[Goal]
    owners: list[Person]
    unit: Unit


def _kit(org: Org, parent_ids: list[int], count: int, rng: random.Random) -> _InsertKit:
    chosen = _pick(parent_ids, count, rng)
    by_id = Goal.objects.select_related("cycle").in_bulk(set(chosen))
    owners = list(Person.objects.filter(pk__in=_pick(org.person_ids, count, rng)))
    return _InsertKit([by_id[pk] for pk in chosen], _pick(owners, count, rng), Unit.objects.get(pk=org.unit_ids[0]))


def _create(kit: _InsertKit, i: int, layer: str = Layer.PERSONAL) -> Goal:
    personal = layer == Layer.PERSONAL
    return services.goal_create(
        actor=kit.owners[i],
        title=f"Bench {layer} goal {i}",
        layer=layer,
        cycle=kit.parents[i].cycle,
        unit=kit.unit,
        owner=kit.owners[i],
        parent=kit.parents[i],
        why="Grow into the role",
        identity="Someone who ships" if personal else "",
        motivation=Motivation.OWN if personal else "",
    )


def personal_insert(org: Org, repeats: Repeats, rng: random.Random) -> dict:
    count = repeats.warmup + repeats.insert
    kit = _kit(org, org.operational_parents, count, rng)
    engine, baseline = Series(), Series()
    with rollup_deferred():
        for i in range(count):
            runs = [(engine, _create, (kit, i)), (baseline, _raw_insert, (kit, i))]
            for series, fn, args in runs if i % 2 == 0 else reversed(runs):
                seconds, _ = timed(fn, *args)
                if i >= repeats.warmup:
                    series.seconds.append(seconds)
        engine.queries = [count_queries(_create, kit, i)[0] for i in range(repeats.warmup)]
    baseline.queries = [1]
    return {"engine": engine.summary(), "raw": baseline.summary(), "ratio": ratio(engine, baseline)}


def _raw_insert(kit: _InsertKit, i: int) -> int:
    parent, owner = kit.parents[i], kit.owners[i]
    return raw.insert_personal(f"Raw personal goal {i}", parent.pk, parent.cycle_id, kit.unit.pk, owner.pk)


def personal_insert_eager(org: Org, repeats: Repeats, rng: random.Random) -> dict:
    """For information: the same insert in embedded mode, where the rollup runs in the request after commit."""
    kit = _kit(org, org.operational_parents, repeats.warmup + repeats.side, rng)
    series = Series()
    series.queries = [count_queries(_create, kit, i)[0] for i in range(repeats.warmup)]
    for i in range(repeats.warmup, repeats.warmup + repeats.side):
        series.seconds.append(timed(_create, kit, i)[0])
    return series.summary()


def operational_insert(org: Org, repeats: Repeats, rng: random.Random) -> dict:
    """For information: an insert *inside* a cascade tree, which django-mptt renumbers (what personal goals avoid)."""
    count = max(5, repeats.side // 4)
    kit = _kit(org, org.cascade_parents, count + 1, rng)
    series = Series()
    with rollup_deferred():
        series.queries = [count_queries(_create, kit, 0, Layer.OPERATIONAL)[0]]
        for i in range(1, count + 1):
            series.seconds.append(timed(_create, kit, i, Layer.OPERATIONAL)[0])
    series.notes["tree_rows"] = Goal.objects.filter(tree_id=kit.parents[0].tree_id).count()
    return series.summary()


def drift_after_writes() -> int:
    return len(tree.find_drift())
