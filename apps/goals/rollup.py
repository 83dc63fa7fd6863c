"""The rollup engine: keeps every goal's stored progress figures true.

Incremental path: `recompute_goals(ids)` recomputes the given goals and what is above them
only — their ancestors and, transitively, the targets of `contributes` links (DESIGN.md
"Progress") and theirs — each from its own metrics and the stored progress of what it counts
(children, contributing sources), never by deltas, so running it twice changes nothing the
second time. It costs a constant number of statements whatever the depth: on PostgreSQL four
(lock the path's cascade trees, lock and read the path, read its metrics and inputs, write what
changed), in plain SQL since the ORM's building of them cost more than the database's work.
The path is computed in a topological order of what feeds what (child → parent, source →
target), which apps.goals.links keeps acyclic.

Full path: `recompute_all()` recomputes every goal bottom-up in one pass, for repair.
Both call `progress.compute_goal` on the same inputs, so they agree exactly.
"""

from collections import defaultdict, deque
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from apps.core.bulk import bulk_update_rows
from apps.core.locks import lock_key
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
# The incremental path reads the same fields (and the tree, for the locks) with SQL of its own.
PATH_FIELDS = ("id", *COMPUTE_FIELDS[1:], "tree_id")
PATH_KEYS = (*COMPUTE_FIELDS, "tree_id")
GOALS = Goal._meta.db_table
CANCELLED = GoalStatus.CANCELLED.value


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
        metrics, inputs = _inputs(path.keys())
        changed = _compute_bottom_up(path, metrics, inputs)
        write_figures(changed)
    return len(changed)


def _lock_path(ids: list[int]) -> dict[int, dict]:
    """The goals and every goal above them, locked (in id order) against a concurrent rollup of the same path.

    The cascade trees involved are locked first, as a tree write would (see tree.lock_cascade_trees), all at once in
    ascending order, by the statement that first reads the path unlocked to learn them. A goal may move (or a link
    appear) between that read and the lock: the locked rows tell, and the missing trees are locked too before reading
    again. (On SQLite the single writer is the lock: the path is read once.)
    """
    if connection.vendor != "postgresql":
        return _read_path(ids, lock=False)
    held = _lock_trees_of_path(ids)
    while True:
        path = _read_path(ids, lock=True)
        wanted = _cascade_trees_in(path.values())
        if wanted <= held:
            return path
        tree.lock_cascade_trees(wanted - held)
        held |= wanted


def _path_ids_sql(count: int) -> str:
    """A condition on `id`: the given goals and all above them, up the `parent` links and from source to target along
    `contributes` links (index lookups, O(path)); params: the ids, then the kind. On PostgreSQL as `= ANY(ARRAY(…))`,
    which reads the path's rows by primary key: with `IN (…)` the planner, who cannot know how short the path is,
    hashes it against a scan of every goal."""
    up = upward_sql(count, link_kinds=(GoalLink.Kind.CONTRIBUTES,))
    return f"id = ANY(ARRAY({up}))" if connection.vendor == "postgresql" else f"id IN ({up})"


def _lock_trees_of_path(ids: list[int]) -> set[int]:
    """Read the path unlocked and lock its cascade trees in ascending order, in one statement (PostgreSQL); returns
    them. A personal goal is a one-node tree of its own, and its parent (the cascade tree it hangs off) is on the path
    too, so personal goals are left out."""
    sql = (
        "SELECT tree_id, pg_advisory_xact_lock(%s::integer, tree_id::integer) "
        f"FROM (SELECT DISTINCT tree_id FROM {GOALS} WHERE {_path_ids_sql(len(ids))} AND layer <> %s "
        "ORDER BY tree_id) trees"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [lock_key(tree.LOCK_NAME), *ids, GoalLink.Kind.CONTRIBUTES, Layer.PERSONAL])
        return {tree_id for tree_id, _ in cursor.fetchall()}


def _read_path(ids: list[int], *, lock: bool) -> dict[int, dict]:
    """The path's rows ({field: value}, by id), FOR UPDATE when `lock`."""
    columns = ", ".join(Goal._meta.get_field(name).column for name in PATH_FIELDS)
    sql = f"SELECT {columns} FROM {GOALS} WHERE {_path_ids_sql(len(ids))} ORDER BY id{' FOR UPDATE' if lock else ''}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, GoalLink.Kind.CONTRIBUTES])
        rows = cursor.fetchall()
    converters = _converters(PATH_FIELDS)
    path = {}
    for values in rows:
        row = dict(zip(PATH_KEYS, values, strict=True))
        for name, convert in converters:
            row[name] = convert(row[name])
        path[row["pk"]] = row
    return path


def _converters(names: Iterable[str]) -> list[tuple[str, Callable]]:
    """What turns the database's values of these fields into the ORM's (SQLite's timestamps into aware datetimes;
    nothing on PostgreSQL), as (key, function) for the fields that need it."""
    out = []
    for name in names:
        field = Goal._meta.get_field(name)
        col = field.get_col(GOALS)
        functions = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        if functions:
            out.append(("pk" if field.primary_key else field.attname, _chain(functions, col)))
    return out


def _chain(functions: list[Callable], col) -> Callable:
    def convert(value):
        for function in functions:
            value = function(value, col, connection)
        return value

    return convert


def _cascade_trees_in(rows: Iterable[dict]) -> set[int]:
    """The cascade trees of a path's rows. A personal goal is a one-node tree of its own, and its parent (the cascade
    tree it hangs off) is on the path too."""
    return {row["tree_id"] for row in rows if row["layer"] != Layer.PERSONAL}


# What each goal's rollup counts and its metrics, in one statement (params: the ids three times, then the kind twice).
# A child carried over to a later cycle under the same parent (an annual intent above quarters) counts once: its live
# copy counts, the original no longer does (see `_carried_beside`); the same for a contributes link the copy continues
# (`_links_continued_by_copies`).
INPUTS_SQL = """
SELECT 'c', c.parent_id, c.id, c.weight, c.progress, c.last_activity_at FROM {goals} c
 WHERE c.parent_id IN ({ids}) AND c.archived_at IS NULL AND c.status <> '{cancelled}'
   AND NOT EXISTS (SELECT 1 FROM {goals} copy WHERE copy.carried_from_id = c.id AND copy.parent_id = c.parent_id
                   AND copy.archived_at IS NULL)
UNION ALL
SELECT 'l', l.target_id, l.source_id, l.weight, s.progress, s.last_activity_at
  FROM {links} l JOIN {goals} s ON s.id = l.source_id
 WHERE l.target_id IN ({ids}) AND l.kind = %s AND s.archived_at IS NULL AND s.status <> '{cancelled}'
   AND NOT EXISTS (SELECT 1 FROM {links} cl JOIN {goals} copy ON copy.id = cl.source_id
                   WHERE copy.carried_from_id = l.source_id AND cl.target_id = l.target_id AND cl.kind = %s
                   AND copy.archived_at IS NULL)
UNION ALL
SELECT 'm', m.goal_id, NULL, m.weight, m.progress, NULL FROM {metrics} m
 WHERE m.goal_id IN ({ids}) AND m.archived_at IS NULL
"""


def _inputs(goal_ids: Iterable[int]) -> tuple[dict[int, list[tuple[float, float]]], dict[int, list[tuple]]]:
    """What each goal's figures are computed from (one query): its live metrics' (weight, progress), and what its
    rollup counts — its children and the sources of its `contributes` links that count (not cancelled, not
    archived, not replaced by a carried copy; see INPUTS_SQL) — each as (id, weight, stored progress, last activity),
    a link's weight for a contributing source."""
    ids = list(goal_ids)
    marks = ", ".join(["%s"] * len(ids))
    sql = INPUTS_SQL.format(
        goals=GOALS, links=GoalLink._meta.db_table, metrics=Metric._meta.db_table, ids=marks, cancelled=CANCELLED
    )
    kind = GoalLink.Kind.CONTRIBUTES
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, kind, kind, *ids])
        rows = cursor.fetchall()
    convert = dict(_converters(["last_activity_at"])).get("last_activity_at", _same)
    metrics, inputs = defaultdict(list), defaultdict(list)
    for what, goal_id, pk, weight, progress, active_at in rows:
        if what == "m":
            metrics[goal_id].append((weight, progress))
        else:
            inputs[goal_id].append((pk, weight, progress, convert(active_at)))
    return metrics, inputs


def _same(value):
    return value


def _input_rows(goal_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """What each goal's rollup counts (see `_inputs`)."""
    return _inputs(goal_ids)[1]


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
        metrics = _recompute_metric_progress()
        goals = {row["pk"]: row for row in Goal.objects.values(*COMPUTE_FIELDS).iterator(chunk_size=10000)}
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


def _recompute_metric_progress() -> dict[int, list[tuple[float, float]]]:
    """Recompute and store every metric's progress; returns each goal's live metrics' (weight, progress), read in
    the same pass."""
    stale, pairs = [], defaultdict(list)
    rows = Metric.objects.order_by().values_list(
        "pk", "goal_id", "weight", "start", "target", "current", "progress", "archived_at"
    )
    for pk, goal_id, weight, start, target, current, stored, archived_at in rows.iterator(chunk_size=10000):
        value = metric_progress(start, target, current)
        if value != stored:
            stale.append((pk, value))
        if archived_at is None:
            pairs[goal_id].append((weight, value))
    _write_metric_progress(stale)
    return pairs


def _write_metric_progress(pairs: list[tuple[int, float]]) -> None:
    """Store (metric id, progress) pairs."""
    bulk_update_rows(Metric, ["progress"], pairs)
