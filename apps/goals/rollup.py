"""The rollup engine: keeps every goal's stored progress figures true.

Incremental path: `recompute_goals(ids)` recomputes the given goals and their ancestors
only — each from its own metrics and its children's stored progress, never by deltas —
so running it twice changes nothing the second time. It costs a constant number of
queries whatever the depth (read the path, its metrics, its children; write what changed).

Full path: `recompute_all()` recomputes every goal bottom-up in one pass, for repair.
Both call `progress.compute_goal` on the same inputs, so they agree exactly.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from apps.core.bulk import bulk_update_rows
from apps.goals.models import Metric

from . import tree
from .models import Goal, GoalStatus, Layer
from .progress import compute_goal, counts_for_parent, last_activity, metric_progress

FIGURES = ("measured_progress", "rollup_progress", "progress")
# What the rollup stores: the figures, and how fresh the goal is (DESIGN.md "Progress": a goal without metrics of
# its own is as fresh as its freshest child or its own latest check-in).
STORED = (*FIGURES, "last_activity_at")
COMPUTE_FIELDS = (
    "pk",
    "parent_id",
    "layer",
    "level",
    "weight",
    "status",
    "archived_at",
    "progress_source",
    "manual_progress",
    "last_checkin_at",
    *STORED,
)


def recompute_goals(goal_ids: Iterable[int]) -> int:
    """Recompute `goal_ids` and all their ancestors. Returns how many goals changed."""
    ids = sorted(set(goal_ids))
    if not ids:
        return 0
    with transaction.atomic():
        path = _lock_path(ids)
        if not path:
            return 0
        metrics = _metric_pairs(path.keys())
        children = _children_rows(path.keys())
        changed = _compute_bottom_up(path, metrics, children)
        write_figures(changed)
    return len(changed)


def _lock_path(ids: list[int]) -> dict[int, dict]:
    """The goals and their ancestors, locked (in id order) against a concurrent rollup of the same path.

    The cascade trees involved are locked first, as a tree write would (see tree.lock_cascade_trees).
    A goal may move to another tree between the first read and the lock: the locked rows tell, and
    the missing tree is locked too before reading again.
    """
    held: set[int] = set()
    wanted = tree.cascade_trees_of(ids)
    while True:
        tree.lock_cascade_trees(wanted - held)
        held |= wanted
        path = {row["pk"]: row for row in _path_for_update(ids)}
        wanted = _cascade_trees_in(path, ids)
        if wanted <= held or connection.vendor != "postgresql":
            return path


def _path_sql(count: int) -> str:
    """The ids of the given goals and of all their ancestors, up the `parent` links (index lookups, O(depth))."""
    table = Goal._meta.db_table
    placeholders = ", ".join(["%s"] * count)
    return (
        f"WITH RECURSIVE path(id) AS (SELECT id FROM {table} WHERE id IN ({placeholders}) "
        f"UNION SELECT g.parent_id FROM {table} g JOIN path ON g.id = path.id WHERE g.parent_id IS NOT NULL) "
        f"SELECT id FROM path"
    )


def _path_for_update(ids: list[int]):
    path_ids = RawSQL(_path_sql(len(ids)), ids)
    return Goal.objects.filter(pk__in=path_ids).order_by("pk").select_for_update().values(*COMPUTE_FIELDS, "tree_id")


def _cascade_trees_in(path: dict[int, dict], ids: list[int]) -> set[int]:
    trees = set()
    for pk in ids:
        row = path.get(pk)
        if row is not None and row["layer"] == Layer.PERSONAL:
            row = path.get(row["parent_id"])
        if row is not None:
            trees.add(row["tree_id"])
    return trees


def _metric_pairs(goal_ids: Iterable[int]) -> dict[int, list[tuple[float, float]]]:
    pairs = defaultdict(list)
    rows = (
        Metric.objects.filter(goal_id__in=list(goal_ids), archived_at__isnull=True)
        .order_by()
        .values_list("goal_id", "weight", "progress")
    )
    for goal_id, weight, progress in rows:
        pairs[goal_id].append((weight, progress))
    return pairs


def _children_rows(goal_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """Counted children (not cancelled, not archived) of each goal: (id, weight, stored progress, last activity)."""
    rows = (
        Goal.objects.filter(parent_id__in=list(goal_ids), archived_at__isnull=True)
        .exclude(status=GoalStatus.CANCELLED)
        .order_by()
        .values_list("parent_id", "pk", "weight", "progress", "last_activity_at")
    )
    out = defaultdict(list)
    for parent_id, pk, weight, progress, active_at in rows:
        out[parent_id].append((pk, weight, progress, active_at))
    return out


def _depth(row: dict, path: dict[int, dict]) -> int:
    if row["layer"] != Layer.PERSONAL:
        return row["level"]
    parent = path.get(row["parent_id"])
    return parent["level"] + 1 if parent else 0


def _compute_bottom_up(goals: dict[int, dict], metrics: dict, children: dict) -> list[dict]:
    """Recompute `goals` deepest first; returns the rows whose figures changed (updated in place).

    `children[pk]` lists a goal's counted children as (id, weight, stored progress, stored last activity); a
    child that is itself in `goals` contributes its freshly computed figures instead.
    """
    changed = []
    for row in sorted(goals.values(), key=lambda r: _depth(r, goals), reverse=True):
        kids = [
            (goals[pk]["weight"], goals[pk]["progress"], goals[pk]["last_activity_at"])
            if pk in goals
            else (weight, progress, active_at)
            for pk, weight, progress, active_at in children[row["pk"]]
        ]
        own_metrics = metrics.get(row["pk"], [])
        figures = compute_goal(
            source=row["progress_source"],
            manual_progress=row["manual_progress"],
            metrics=own_metrics,
            children=[(weight, progress) for weight, progress, _ in kids],
        )
        new = {
            "measured_progress": figures.measured_progress,
            "rollup_progress": figures.rollup_progress,
            "progress": figures.progress,
            "last_activity_at": last_activity(
                own=row["last_checkin_at"], has_metrics=bool(own_metrics), children=[at for _, _, at in kids]
            ),
        }
        if any(row[name] != new[name] for name in STORED):
            row.update(new)
            changed.append(row)
    return changed


def write_figures(rows: list[dict]) -> None:
    """Store what the rollup computes of each row ({"pk", *STORED})."""
    bulk_update_rows(Goal, STORED, [(r["pk"], *(r[name] for name in STORED)) for r in rows])


def recompute_all() -> int:
    """Recompute every metric's and goal's progress in one bottom-up pass. Returns how many goals changed."""
    with transaction.atomic():
        _recompute_metric_progress()
        goals = {row["pk"]: row for row in Goal.objects.values(*COMPUTE_FIELDS).iterator(chunk_size=10000)}
        metrics = _metric_pairs_all()
        children: dict[int, list[tuple]] = defaultdict(list)
        for row in goals.values():
            if row["parent_id"] and counts_for_parent(row["status"], row["archived_at"] is not None):
                children[row["parent_id"]].append((row["pk"], row["weight"], row["progress"], row["last_activity_at"]))
        changed = _compute_bottom_up(goals, metrics, children)
        write_figures(changed)
    return len(changed)


def _metric_pairs_all() -> dict[int, list[tuple[float, float]]]:
    pairs = defaultdict(list)
    for goal_id, weight, progress in (
        Metric.objects.filter(archived_at__isnull=True)
        .values_list("goal_id", "weight", "progress")
        .iterator(chunk_size=10000)
    ):
        pairs[goal_id].append((weight, progress))
    return pairs


def _recompute_metric_progress() -> None:
    stale = []
    rows = Metric.objects.order_by().values_list("pk", "start", "target", "current", "progress")
    for pk, start, target, current, stored in rows.iterator(chunk_size=10000):
        value = metric_progress(start, target, current)
        if value != stored:
            stale.append((pk, value))
    _write_metric_progress(stale)


def _write_metric_progress(pairs: list[tuple[int, float]]) -> None:
    """Store (metric id, progress) pairs."""
    bulk_update_rows(Metric, ["progress"], pairs)
