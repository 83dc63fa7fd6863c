"""The three measurements of the issue, each beside its raw-SQL baseline in the same run.

(a) one check-in rolled up to the root: rollup.recompute_goals([leaf]) vs raw.path_recompute
(b) the full recompute: rollup.recompute_all() vs raw.full_recompute, steady and all-stale
(c) adding a personal goal: services.goal_create vs a single-row INSERT

Engine and baseline alternate inside one loop, so drift in the machine's load hits both.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

from django.db import connection

from apps.goals import dirty, rollup, services, tree
from apps.goals.models import Goal, Layer, Metric, Motivation, PendingRollup
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
    """After the baseline has rolled a change up, the engine must find nothing left to change."""
    for goal_id, metric_id in _pick(org.live_leaves, 10, rng):
        _move_metric(metric_id, rng)
        raw.path_recompute(goal_id)
        if rollup.recompute_goals([goal_id]) != 0:
            return False
    return True


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
