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
from django.db.models import Q

from apps.metrics.models import Metric

from . import tree
from .models import Goal, GoalStatus, Layer
from .progress import compute_goal, counts_for_parent, metric_progress

FIGURES = ("measured_progress", "rollup_progress", "progress")
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
    *FIGURES,
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

    The cascade trees involved are locked first, as a tree write would: a tree write locks
    many rows in physical order, so row locks taken here alongside it could deadlock.
    """
    ranges = Q(pk__in=ids)
    for anchor in tree.lock_cascades_of(ids):
        if anchor.tree_id is not None:
            ranges |= Q(tree_id=anchor.tree_id, lft__lte=anchor.lft, rght__gte=anchor.rght)
    rows = Goal.objects.filter(ranges).order_by("pk").select_for_update().values(*COMPUTE_FIELDS)
    return {row["pk"]: row for row in rows}


def _metric_pairs(goal_ids: Iterable[int]) -> dict[int, list[tuple[float, float]]]:
    pairs = defaultdict(list)
    rows = Metric.objects.filter(goal_id__in=list(goal_ids), archived_at__isnull=True).values_list(
        "goal_id", "weight", "progress"
    )
    for goal_id, weight, progress in rows:
        pairs[goal_id].append((weight, progress))
    return pairs


def _children_rows(goal_ids: Iterable[int]) -> dict[int, list[tuple[int, float, float]]]:
    """Counted children (not cancelled, not archived) of each goal: (id, weight, stored progress)."""
    rows = (
        Goal.objects.filter(parent_id__in=list(goal_ids), archived_at__isnull=True)
        .exclude(status=GoalStatus.CANCELLED)
        .values_list("parent_id", "pk", "weight", "progress")
    )
    out = defaultdict(list)
    for parent_id, pk, weight, progress in rows:
        out[parent_id].append((pk, weight, progress))
    return out


def _depth(row: dict, path: dict[int, dict]) -> int:
    if row["layer"] != Layer.PERSONAL:
        return row["level"]
    parent = path.get(row["parent_id"])
    return parent["level"] + 1 if parent else 0


def _compute_bottom_up(goals: dict[int, dict], metrics: dict, children: dict) -> list[dict]:
    """Recompute `goals` deepest first; returns the rows whose figures changed (updated in place).

    `children[pk]` lists a goal's counted children as (id, weight, stored progress); a child
    that is itself in `goals` contributes its freshly computed progress instead.
    """
    changed = []
    for row in sorted(goals.values(), key=lambda r: _depth(r, goals), reverse=True):
        kids = [
            (weight, goals[pk]["progress"] if pk in goals else progress) for pk, weight, progress in children[row["pk"]]
        ]
        figures = compute_goal(
            source=row["progress_source"],
            manual_progress=row["manual_progress"],
            metrics=metrics.get(row["pk"], []),
            children=kids,
        )
        new = {
            "measured_progress": figures.measured_progress,
            "rollup_progress": figures.rollup_progress,
            "progress": figures.progress,
        }
        if any(row[name] != new[name] for name in FIGURES):
            row.update(new)
            changed.append(row)
    return changed


def write_figures(rows: list[dict]) -> None:
    """Store the three figures of each row ({"pk", *FIGURES}). One statement per 5,000 rows on PostgreSQL."""
    table = Goal._meta.db_table
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""UPDATE {table} AS g SET measured_progress = v.m, rollup_progress = v.r, progress = v.p
                        FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[]) AS v(id, m, r, p)
                        WHERE g.id = v.id""",
                    [
                        [r["pk"] for r in chunk],
                        [r["measured_progress"] for r in chunk],
                        [r["rollup_progress"] for r in chunk],
                        [r["progress"] for r in chunk],
                    ],
                )
        else:
            Goal.objects.bulk_update([Goal(pk=r["pk"], **{name: r[name] for name in FIGURES}) for r in chunk], FIGURES)


def recompute_all() -> int:
    """Recompute every metric's and goal's progress in one bottom-up pass. Returns how many goals changed."""
    with transaction.atomic():
        _recompute_metric_progress()
        goals = {row["pk"]: row for row in Goal.objects.values(*COMPUTE_FIELDS).iterator(chunk_size=10000)}
        metrics = _metric_pairs_all()
        children: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
        for row in goals.values():
            if row["parent_id"] and counts_for_parent(row["status"], row["archived_at"] is not None):
                children[row["parent_id"]].append((row["pk"], row["weight"], row["progress"]))
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
    for metric in Metric.objects.only("pk", "start", "target", "current", "progress").iterator(chunk_size=10000):
        value = metric_progress(metric.start, metric.target, metric.current)
        if value != metric.progress:
            metric.progress = value
            stale.append(metric)
    Metric.objects.bulk_update(stale, ["progress"], batch_size=2000)
