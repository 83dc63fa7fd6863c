"""The rollup engine: keeps every goal's stored progress figures true.

Incremental path: `recompute_goals(ids)` recomputes the given goals and what is above them
only — their ancestors and, transitively, the targets of `contributes` links (DESIGN.md
"Progress") and theirs — each from its own metrics and the stored progress of what it counts
(children, contributing sources), never by deltas, so running it twice changes nothing the
second time. It costs a constant number of queries whatever the depth (read the path, its
metrics, its inputs; write what changed). The path is computed in a topological order of
what feeds what (child → parent, source → target), which apps.goals.links keeps acyclic.

Full path: `recompute_all()` recomputes every goal bottom-up in one pass, for repair.
Both call `progress.compute_goal` on the same inputs, so they agree exactly.
"""

from collections import defaultdict, deque
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL

from apps.core.bulk import bulk_update_rows
from apps.goals.models import Metric

from . import tree
from .models import Goal, GoalLink, GoalStatus, Layer
from .progress import compute_goal, counts_for_parent, last_activity, metric_progress
from .selectors import upward_sql

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
    """Recompute `goal_ids` and every goal above them (parents, and targets of `contributes` links, transitively).
    Returns how many goals changed."""
    ids = sorted(set(goal_ids))
    if not ids:
        return 0
    with transaction.atomic():
        path = _lock_path(ids)
        if not path:
            return 0
        metrics = _metric_pairs(path.keys())
        inputs = _input_rows(path.keys())
        changed = _compute_bottom_up(path, metrics, inputs)
        write_figures(changed)
    return len(changed)


def _lock_path(ids: list[int]) -> dict[int, dict]:
    """The goals and every goal above them, locked (in id order) against a concurrent rollup of the same path.

    The cascade trees involved are locked first, as a tree write would (see tree.lock_cascade_trees), all at once in
    ascending order: the path is read once unlocked to learn them. A goal may move (or a link appear) between that
    read and the lock: the locked rows tell, and the missing trees are locked too before reading again.
    """
    held: set[int] = set()
    wanted = _cascade_trees_in(Goal.objects.filter(pk__in=_path_ids(ids)).order_by().values("layer", "tree_id"))
    while True:
        tree.lock_cascade_trees(wanted - held)
        held |= wanted
        path = {row["pk"]: row for row in _path_for_update(ids)}
        wanted = _cascade_trees_in(path.values())
        if wanted <= held or connection.vendor != "postgresql":
            return path


def _path_ids(ids: list[int]) -> RawSQL:
    """The given goals and all above them: up the `parent` links and from source to target along `contributes`
    links (index lookups, O(path))."""
    kinds = (GoalLink.Kind.CONTRIBUTES,)
    return RawSQL(upward_sql(len(ids), link_kinds=kinds), [*ids, *kinds])


def _path_for_update(ids: list[int]):
    return (
        Goal.objects.filter(pk__in=_path_ids(ids)).order_by("pk").select_for_update().values(*COMPUTE_FIELDS, "tree_id")
    )


def _cascade_trees_in(rows: Iterable[dict]) -> set[int]:
    """The cascade trees of a path's rows. A personal goal is a one-node tree of its own, and its parent (the cascade
    tree it hangs off) is on the path too."""
    return {row["tree_id"] for row in rows if row["layer"] != Layer.PERSONAL}


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


def _input_rows(goal_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """What each goal's rollup counts (one query): its children and the sources of its `contributes` links that count
    (not cancelled, not archived), each as (id, weight, stored progress, last activity) — a link's weight for a
    contributing source. A child carried over to a later cycle under the same parent (an annual intent above
    quarters) counts once: its copy counts, the original no longer does (see `_carried_beside`); the same for a
    contributes link the copy continues (`_links_continued_by_copies`)."""
    ids = list(goal_ids)
    children = (
        Goal.objects.filter(parent_id__in=ids, archived_at__isnull=True)
        .exclude(status=GoalStatus.CANCELLED)
        .exclude(Exists(_live_copies().filter(carried_from=OuterRef("pk"), parent_id=OuterRef("parent_id"))))
        .order_by()
        .values_list("parent_id", "pk", "weight", "progress", "last_activity_at")
    )
    contributions = (
        GoalLink.objects.filter(target_id__in=ids, kind=GoalLink.Kind.CONTRIBUTES, source__archived_at__isnull=True)
        .exclude(source__status=GoalStatus.CANCELLED)
        .exclude(
            Exists(_live_copy_links().filter(source__carried_from=OuterRef("source_id"), target=OuterRef("target")))
        )
        .order_by()
        .values_list("target_id", "source_id", "weight", "source__progress", "source__last_activity_at")
    )
    out = defaultdict(list)
    for goal_id, pk, weight, progress, active_at in children.union(contributions, all=True):
        out[goal_id].append((pk, weight, progress, active_at))
    return out


def _bottom_up_order(goals: dict[int, dict], inputs: dict[int, list[tuple]]) -> list[dict]:
    """The goals in a topological order of what feeds what (child → parent, source → target): every goal after all
    the goals among `goals` it counts. The links' rules keep that graph acyclic; should a loop slip in anyway, its
    goals come last rather than never."""
    waiting = {pk: 0 for pk in goals}
    feeds = defaultdict(list)
    for pk in goals:
        for fed_by, *_ in inputs.get(pk, ()):
            if fed_by in goals and fed_by != pk:
                waiting[pk] += 1
                feeds[fed_by].append(pk)
    ready = deque(pk for pk in sorted(goals) if waiting[pk] == 0)
    order = []
    while ready:
        pk = ready.popleft()
        order.append(pk)
        for above in feeds[pk]:
            waiting[above] -= 1
            if waiting[above] == 0:
                ready.append(above)
    done = set(order)
    order += [pk for pk in sorted(goals) if pk not in done]
    return [goals[pk] for pk in order]


def _compute_bottom_up(goals: dict[int, dict], metrics: dict, inputs: dict) -> list[dict]:
    """Recompute `goals`, each after what it counts; returns the rows whose figures changed (updated in place).

    `inputs[pk]` lists what a goal's rollup counts — its counted children and contributing sources — as (id, weight,
    stored progress, stored last activity); one that is itself in `goals` contributes its freshly computed figures.
    """
    changed = []
    for row in _bottom_up_order(goals, inputs):
        kids = [
            (weight, goals[pk]["progress"], goals[pk]["last_activity_at"])
            if pk in goals
            else (weight, progress, active_at)
            for pk, weight, progress, active_at in inputs.get(row["pk"], ())
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
        inputs: dict[int, list[tuple]] = defaultdict(list)
        replaced = _carried_beside(goals)
        for row in goals.values():
            if row["pk"] in replaced:
                continue
            if row["parent_id"] and counts_for_parent(row["status"], row["archived_at"] is not None):
                inputs[row["parent_id"]].append((row["pk"], row["weight"], row["progress"], row["last_activity_at"]))
        continued = _links_continued_by_copies()
        for source_id, target_id, weight in _contributes_all():
            if (source_id, target_id) in continued:
                continue
            source = goals[source_id]
            if counts_for_parent(source["status"], source["archived_at"] is not None):
                inputs[target_id].append((source_id, weight, source["progress"], source["last_activity_at"]))
        changed = _compute_bottom_up(goals, metrics, inputs)
        write_figures(changed)
    return len(changed)


def _live_copies():
    return Goal.objects.filter(carried_from__isnull=False, archived_at__isnull=True)


def _carried_beside(goals: dict[int, dict]) -> set[int]:
    """Goals whose live carry-over copy sits under their own parent: the copy counts there instead of them. (A copy
    under the parent's own copy leaves the original where it was: the earlier cycle's figures stay as they stood.)"""
    copies = _live_copies().order_by().values_list("carried_from_id", "parent_id")
    return {pk for pk, parent_id in copies.iterator(chunk_size=10000) if goals[pk]["parent_id"] == parent_id}


def _live_copy_links():
    return GoalLink.objects.filter(
        kind=GoalLink.Kind.CONTRIBUTES, source__carried_from__isnull=False, source__archived_at__isnull=True
    )


def _links_continued_by_copies() -> set[tuple[int, int]]:
    """(original, target) of each contributes link a live carry-over copy continues: the copy's link counts there
    instead of the original's, as a carried child counts once under its parent."""
    rows = _live_copy_links().order_by().values_list("source__carried_from_id", "target_id")
    return set(rows.iterator(chunk_size=10000))


def _contributes_all():
    links = GoalLink.objects.filter(kind=GoalLink.Kind.CONTRIBUTES).order_by()
    return links.values_list("source_id", "target_id", "weight").iterator(chunk_size=10000)


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
