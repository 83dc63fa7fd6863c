"""The raw-SQL baselines: the same minimal work as the engine, with no ORM in between.

They run on the psycopg connection underneath Django's (same session, same server), with
their own small arithmetic written to DESIGN.md's "Progress" rules: what a goal counts is its
children and the sources of its `contributes` links, a goal carried over under the same parent
(or continuing the same link) counts once, as its live copy, and a goal without metrics is as
fresh as its freshest input. They are correct, not just fast: the benchmark checks that they
leave exactly the figures the engine computes (bench/scenarios.py weaves links and carried copies
into the organisation for that). What they leave out is the engine's own machinery: the advisory
locks on the cascade trees it takes before locking rows (django-mptt renumbers trees under them).
Each function returns how many statements it sent, BEGIN and COMMIT included, as Django's
CaptureQueriesContext counts them for the engine.
"""

import math
from collections import defaultdict

from django.db import connection

from apps.goals.models import Goal, GoalLink, Metric

TRANSACTION = 2  # BEGIN and COMMIT
GOALS = Goal._meta.db_table
METRICS = Metric._meta.db_table
LINKS = GoalLink._meta.db_table

# The goal and every goal above it, up the `parent` links and along `contributes` links from source to target (one
# index probe per step), locked like the engine's. Read by primary key (`= ANY(ARRAY(...))`: joined to the recursion,
# the planner may hash it against a scan of every goal).
PATH_SQL = f"""
WITH RECURSIVE up(id) AS (
    SELECT %s::bigint
  UNION
    SELECT above.id FROM up CROSS JOIN LATERAL (
        SELECT parent_id FROM {GOALS} WHERE id = up.id AND parent_id IS NOT NULL
        UNION ALL
        SELECT target_id FROM {LINKS} WHERE source_id = up.id AND kind = 'contributes'
    ) AS above(id)
)
SELECT id, progress_source, manual_progress, last_checkin_at,
       measured_progress, rollup_progress, progress, last_activity_at
FROM {GOALS} WHERE id = ANY(ARRAY(SELECT id FROM up)) ORDER BY id FOR UPDATE
"""

# What the path's goals count, in one round trip: (kind, goal, input, weight, progress, last activity) for their live
# metrics ('m'), their counted children ('c') and the sources of their counted `contributes` links ('l'). A child
# (or a link's source) whose live carried-over copy sits under the same parent (links to the same target) counts once,
# as that copy.
INPUTS_SQL = f"""
SELECT 'm', goal_id, NULL::bigint, weight, progress, NULL::timestamptz FROM {METRICS}
 WHERE goal_id = ANY(%(ids)s) AND archived_at IS NULL
UNION ALL
SELECT 'c', parent_id, id, weight, progress, last_activity_at FROM {GOALS} c
 WHERE parent_id = ANY(%(ids)s) AND archived_at IS NULL AND status <> 'cancelled'
   AND NOT EXISTS (SELECT FROM {GOALS} copy WHERE copy.carried_from_id = c.id AND copy.parent_id = c.parent_id
                   AND copy.archived_at IS NULL)
UNION ALL
SELECT 'l', l.target_id, l.source_id, l.weight, s.progress, s.last_activity_at
  FROM {LINKS} l JOIN {GOALS} s ON s.id = l.source_id
 WHERE l.target_id = ANY(%(ids)s) AND l.kind = 'contributes' AND s.archived_at IS NULL AND s.status <> 'cancelled'
   AND NOT EXISTS (SELECT FROM {LINKS} cl JOIN {GOALS} copy ON copy.id = cl.source_id
                   WHERE copy.carried_from_id = l.source_id AND cl.target_id = l.target_id
                   AND cl.kind = 'contributes' AND copy.archived_at IS NULL)
"""

WRITE_GOALS_SQL = f"""
UPDATE {GOALS} AS g SET measured_progress = v.m, rollup_progress = v.r, progress = v.p, last_activity_at = v.a
FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[], %s::timestamptz[]) AS v(id, m, r, p, a)
WHERE g.id = v.id
"""

WRITE_METRICS_SQL = f"""
UPDATE {METRICS} AS m SET progress = v.p FROM unnest(%s::bigint[], %s::float8[]) AS v(id, p) WHERE m.id = v.id
"""

ALL_METRICS_SQL = f"SELECT id, goal_id, start, target, current, weight, progress, archived_at IS NULL FROM {METRICS}"
# Every goal, whether it counts for its parent (not cancelled, not archived, not replaced there by its live copy).
ALL_GOALS_SQL = f"""
SELECT g.id, g.parent_id, g.weight, g.status <> 'cancelled' AND g.archived_at IS NULL,
       g.status <> 'cancelled' AND g.archived_at IS NULL AND copy.carried_from_id IS NULL,
       g.progress_source, g.manual_progress, g.last_checkin_at,
       g.measured_progress, g.rollup_progress, g.progress, g.last_activity_at
FROM {GOALS} g LEFT JOIN (
    SELECT DISTINCT carried_from_id, parent_id FROM {GOALS} WHERE carried_from_id IS NOT NULL AND archived_at IS NULL
) copy ON copy.carried_from_id = g.id AND copy.parent_id = g.parent_id
"""
# Every `contributes` link but those a live carried-over copy continues (the copy's own link counts instead).
ALL_LINKS_SQL = f"""
SELECT l.source_id, l.target_id, l.weight FROM {LINKS} l
 WHERE l.kind = 'contributes' AND NOT EXISTS (
    SELECT FROM {LINKS} cl JOIN {GOALS} copy ON copy.id = cl.source_id
     WHERE copy.carried_from_id = l.source_id AND cl.target_id = l.target_id
       AND cl.kind = 'contributes' AND copy.archived_at IS NULL)
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


def _figures(source: str, manual: float | None, metrics: list, inputs: list) -> tuple:
    measured, rollup = _weighted(metrics), _weighted(inputs)
    if source == "auto":
        source = "metrics" if metrics else "children" if inputs else "manual"
    chosen = {"metrics": measured, "children": rollup, "manual": manual}[source]
    return measured, rollup, min(1.0, max(0.0, chosen)) if chosen is not None else 0.0


def _freshest(own, has_metrics: bool, inputs: list):
    """A goal's last activity: its own latest check-in, and its inputs' if it has no metrics of its own."""
    times = [at for at in ([own] if has_metrics else [own, *inputs]) if at is not None]
    return max(times) if times else None


def _metric_progress(start, target, current) -> float:
    if target == start:
        return 1.0 if current >= target else 0.0
    return min(1.0, max(0.0, float((current - start) / (target - start))))


def _write_goals(cursor, changed: list[tuple]) -> int:
    if not changed:
        return 0
    cursor.execute(WRITE_GOALS_SQL, [list(column) for column in zip(*changed, strict=True)])
    return 1


def _compute(goals: dict, metrics: dict, inputs: dict) -> list[tuple]:
    """Every goal of `goals` (id → (source, manual, own check-in, *stored figures)) after the goals among them it
    counts (a depth-first walk down its inputs; the links' rules keep them acyclic); `inputs[id]` holds (input,
    weight, progress, last activity), and an input computed here counts with its fresh figures. Returns
    (id, *figures) of the goals whose figures changed."""
    fresh, entered, changed = {}, set(), []
    for top in goals:
        stack = [top]
        while stack:
            goal_id = stack[-1]
            if goal_id not in entered:
                entered.add(goal_id)
                stack.extend(i for i, *_ in inputs[goal_id] if i in goals and i not in entered)
                continue
            stack.pop()
            if goal_id in fresh:
                continue
            kids = [(w, *fresh[i][2:]) if i in fresh else (w, p, at) for i, w, p, at in inputs[goal_id]]
            source, manual, own, *stored = goals[goal_id]
            figures = _figures(source, manual, metrics[goal_id], [(w, p) for w, p, _ in kids])
            at = _freshest(own, bool(metrics[goal_id]), [at for *_, at in kids])
            fresh[goal_id] = (*figures, at)
            if [*figures, at] != stored:
                changed.append((goal_id, *figures, at))
    return changed


# --- (a) one goal and what is above it -------------------------------------------------------


def path_recompute(goal_id: int) -> int:
    """Recompute a goal and what is above it: lock+read the path, read its inputs, write what changed."""
    conn = raw_connection()
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(PATH_SQL, [goal_id])
        goals = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(INPUTS_SQL, {"ids": list(goals)})
        metrics, inputs = defaultdict(list), defaultdict(list)
        for kind, target, source, weight, progress, at in cursor.fetchall():
            if kind == "m":
                metrics[target].append((weight, progress))
            else:
                inputs[target].append((source, weight, progress, at))
        return TRANSACTION + 2 + _write_goals(cursor, _compute(goals, metrics, inputs))


# --- (b) everything in one pass ---------------------------------------------------------------


def full_recompute() -> int:
    """Recompute every metric's progress and every goal's figures in one pass; write only what changed."""
    conn = raw_connection()
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(ALL_METRICS_SQL)
        metrics, stale_metrics = _all_metric_progress(cursor.fetchall())
        statements = TRANSACTION + 1
        if stale_metrics:
            cursor.execute(WRITE_METRICS_SQL, [list(ids) for ids in zip(*stale_metrics, strict=True)])
            statements += 1
        cursor.execute(ALL_GOALS_SQL)
        goals, counted, inputs = {}, set(), defaultdict(list)
        for goal_id, parent_id, weight, live, for_parent, *figures in cursor.fetchall():
            goals[goal_id] = tuple(figures)
            if live:
                counted.add(goal_id)
            if parent_id is not None and for_parent:
                inputs[parent_id].append((goal_id, weight, None, None))  # computed here: no stored figures read
        cursor.execute(ALL_LINKS_SQL)
        for source, target, weight in cursor.fetchall():
            if source in counted:
                inputs[target].append((source, weight, None, None))
        return statements + 2 + _write_goals(cursor, _compute(goals, metrics, inputs))


def _all_metric_progress(rows: list[tuple]) -> tuple[dict, list[tuple[int, float]]]:
    pairs, stale = defaultdict(list), []
    for metric_id, goal_id, start, target, current, weight, stored, live in rows:
        progress = _metric_progress(start, target, current)
        if progress != stored:
            stale.append((metric_id, progress))
        if live:
            pairs[goal_id].append((weight, progress))
    return pairs, stale


# --- (c) a plain single-row insert ---------------------------------------------------------------


def insert_personal(title: str, parent_id: int, cycle_id: int, unit_id: int, owner_id: int) -> int:
    """One INSERT, autocommit: a personal goal row with its one-node tree fields (next tree_id by MAX+1)."""
    with raw_connection().cursor() as cursor:
        cursor.execute(INSERT_SQL, [title, parent_id, cycle_id, unit_id, owner_id])
        cursor.fetchone()
    return 1
