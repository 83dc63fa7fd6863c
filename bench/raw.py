"""The raw-SQL baselines: the same minimal work as the engine, with no ORM in between.

They run on the psycopg connection underneath Django's (same session, same server), with
their own small arithmetic written to DESIGN.md's "Progress" rules. They are correct, not
just fast: the benchmark checks that they leave exactly the figures the engine computes.
Each function returns how many statements it sent, BEGIN and COMMIT included, as Django's
CaptureQueriesContext counts them for the engine.
"""

import math
from collections import defaultdict

from django.db import connection

from apps.goals.models import Goal, Metric

TRANSACTION = 2  # BEGIN and COMMIT
GOALS = Goal._meta.db_table
METRICS = Metric._meta.db_table

# The goal and its ancestors by the `parent` links (one index probe per level), locked like the engine's.
PATH_SQL = f"""
WITH RECURSIVE path(id, parent_id, distance) AS (
    SELECT id, parent_id, 0 FROM {GOALS} WHERE id = %s
  UNION ALL
    SELECT g.id, g.parent_id, path.distance + 1 FROM {GOALS} g JOIN path ON g.id = path.parent_id
)
SELECT g.id, g.progress_source, g.manual_progress, g.measured_progress, g.rollup_progress, g.progress, path.distance
FROM {GOALS} g JOIN path ON g.id = path.id ORDER BY g.id FOR UPDATE OF g
"""

# Metrics and counted children of the path, in one round trip: (kind, goal, child, weight, progress).
INPUTS_SQL = f"""
SELECT 'm', goal_id, NULL::bigint, weight, progress FROM {METRICS}
 WHERE goal_id = ANY(%s) AND archived_at IS NULL
UNION ALL
SELECT 'c', parent_id, id, weight, progress FROM {GOALS}
 WHERE parent_id = ANY(%s) AND archived_at IS NULL AND status <> 'cancelled'
"""

WRITE_GOALS_SQL = f"""
UPDATE {GOALS} AS g SET measured_progress = v.m, rollup_progress = v.r, progress = v.p
FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[]) AS v(id, m, r, p) WHERE g.id = v.id
"""

WRITE_METRICS_SQL = f"""
UPDATE {METRICS} AS m SET progress = v.p FROM unnest(%s::bigint[], %s::float8[]) AS v(id, p) WHERE m.id = v.id
"""

ALL_METRICS_SQL = f"SELECT id, goal_id, start, target, current, weight, progress, archived_at IS NULL FROM {METRICS}"
ALL_GOALS_SQL = f"""
SELECT id, parent_id, layer = 'personal', level, weight, status <> 'cancelled' AND archived_at IS NULL,
       progress_source, manual_progress, measured_progress, rollup_progress, progress
FROM {GOALS}
"""

INSERT_SQL = f"""
INSERT INTO {GOALS} (title, description, why, layer, parent_id, tree_parent_id, cycle_id, unit_id, owner_id,
    weight, status, progress_source, manual_progress, progress, measured_progress, rollup_progress,
    health_override, last_checkin_at, identity, motivation, archived_at, created, updated, lft, rght, tree_id, level)
VALUES (%s, '', '', 'personal', %s, NULL, %s, %s, %s, 1.0, 'draft', 'auto', NULL, 0, NULL, NULL,
    '', NULL, '', '', NULL, now(), now(), 1, 2, (SELECT COALESCE(MAX(tree_id), 0) + 1 FROM {GOALS}), 0)
RETURNING id
"""


def raw_connection():
    """The psycopg connection under Django's, in autocommit mode (Django's default outside atomic())."""
    connection.ensure_connection()
    return connection.connection


# --- arithmetic (DESIGN.md "Progress") ---------------------------------------------------


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    total = math.fsum(w for w, _ in pairs)
    if total <= 0:
        return None
    return min(1.0, max(0.0, math.fsum(w * v for w, v in pairs) / total))


def _figures(source: str, manual: float | None, metrics: list, children: list) -> tuple:
    measured, rollup = _weighted(metrics), _weighted(children)
    if source == "auto":
        source = "metrics" if metrics else "children" if children else "manual"
    chosen = {"metrics": measured, "children": rollup, "manual": manual}[source]
    return measured, rollup, min(1.0, max(0.0, chosen)) if chosen is not None else 0.0


def _metric_progress(start, target, current) -> float:
    if target == start:
        return 1.0 if current >= target else 0.0
    return min(1.0, max(0.0, float((current - start) / (target - start))))


def _write_goals(cursor, changed: list[tuple]) -> int:
    if not changed:
        return 0
    ids, measured, rollup, progress = (list(column) for column in zip(*changed, strict=True))
    cursor.execute(WRITE_GOALS_SQL, [ids, measured, rollup, progress])
    return 1


# --- (a) one goal and its ancestors ---------------------------------------------------------


def path_recompute(goal_id: int) -> int:
    """Recompute a goal and its ancestors: lock+read the path, read its inputs, write what changed."""
    conn = raw_connection()
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(PATH_SQL, [goal_id])
        path = cursor.fetchall()
        ids = [row[0] for row in path]
        cursor.execute(INPUTS_SQL, [ids, ids])
        changed = _path_figures(path, cursor.fetchall())
        return TRANSACTION + 2 + _write_goals(cursor, changed)


def _path_figures(path: list[tuple], inputs: list[tuple]) -> list[tuple]:
    metrics, children = defaultdict(list), defaultdict(list)
    for kind, goal_id, child_id, weight, progress in inputs:
        if kind == "m":
            metrics[goal_id].append((weight, progress))
        else:
            children[goal_id].append((child_id, weight, progress))
    fresh, changed = {}, []
    for goal_id, source, manual, *stored, _distance in sorted(path, key=lambda row: row[-1]):  # leaf first
        kids = [(w, fresh.get(child, p)) for child, w, p in children[goal_id]]
        figures = _figures(source, manual, metrics[goal_id], kids)
        fresh[goal_id] = figures[2]
        if list(figures) != stored:
            changed.append((goal_id, *figures))
    return changed


# --- (b) everything, bottom-up in one pass ---------------------------------------------------


def full_recompute() -> int:
    """Recompute every metric's progress and every goal's figures in one pass; write only what changed."""
    conn = raw_connection()
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(ALL_METRICS_SQL)
        pairs, stale_metrics = _all_metric_progress(cursor.fetchall())
        statements = TRANSACTION + 1
        if stale_metrics:
            cursor.execute(WRITE_METRICS_SQL, [list(ids) for ids in zip(*stale_metrics, strict=True)])
            statements += 1
        cursor.execute(ALL_GOALS_SQL)
        changed = _all_goal_figures(cursor.fetchall(), pairs)
        return statements + 1 + _write_goals(cursor, changed)


def _all_metric_progress(rows: list[tuple]) -> tuple[dict, list[tuple[int, float]]]:
    pairs, stale = defaultdict(list), []
    for metric_id, goal_id, start, target, current, weight, stored, live in rows:
        progress = _metric_progress(start, target, current)
        if progress != stored:
            stale.append((metric_id, progress))
        if live:
            pairs[goal_id].append((weight, progress))
    return pairs, stale


def _all_goal_figures(rows: list[tuple], metric_pairs: dict) -> list[tuple]:
    """Deepest first: personal goals (always leaves), then the cascade levels from the bottom up."""
    children, progress, by_depth = defaultdict(list), {}, defaultdict(list)
    for row in rows:
        goal_id, parent_id, personal, level, weight, counted = row[:6]
        progress[goal_id] = row[10]
        if parent_id is not None and counted:
            children[parent_id].append((goal_id, weight))
        by_depth[-1 if personal else level].append(row)
    changed = []
    for depth in [-1, *sorted((d for d in by_depth if d >= 0), reverse=True)]:
        for goal_id, _, _, _, _, _, source, manual, *stored in by_depth.get(depth, []):
            kids = [(w, progress[child]) for child, w in children[goal_id]]
            figures = _figures(source, manual, metric_pairs.get(goal_id, []), kids)
            progress[goal_id] = figures[2]
            if list(figures) != stored:
                changed.append((goal_id, *figures))
    return changed


# --- (c) a plain single-row insert ---------------------------------------------------------------


def insert_personal(title: str, parent_id: int, cycle_id: int, unit_id: int, owner_id: int) -> int:
    """One INSERT, autocommit: a personal goal row with its one-node tree fields (next tree_id by MAX+1)."""
    with raw_connection().cursor() as cursor:
        cursor.execute(INSERT_SQL, [title, parent_id, cycle_id, unit_id, owner_id])
        cursor.fetchone()
    return 1
