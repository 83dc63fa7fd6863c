"""Copied, not translated: active child goals whose title is nearly their parent's.

The rule is apps.goals.similarity's (`copy_score` ≥ `COPY_THRESHOLD`, 0.8). Each goal's score is
computed when its title, its parent or its parent's title changes and stored on the goal
(`Goal.copy_score`, null without a parent), so the report only filters on it: a copy is an active
goal of the scope whose stored score reaches the threshold (a partial index holds them), and the
count per unit is one more grouped count among the goal figures (apps.reports.figures).
"""

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from apps.goals.models import Goal
from apps.goals.similarity import COPY_THRESHOLD

from .scope import SMALL_PART, Scope

CHUNK = 5000
SHOWN = 50


def copied_q() -> Q:
    return Q(copy_score__gte=COPY_THRESHOLD)


def copied_goals(scope: Scope) -> QuerySet[Goal]:
    """The scope's copies, in parent order (as the report has always listed them)."""
    return scope.active_goals().filter(copied_q()).order_by("parent_id", "pk")


@dataclass
class CopyScan:
    """The first `shown` copies (goal id, score) for display and, when asked for every one (an export), all their ids
    and scores in compact arrays (16 bytes a copy)."""

    first: list[tuple[int, float]] = field(default_factory=list)
    ids: array | None = None
    scores: array | None = None

    @property
    def complete(self) -> bool:
        return self.ids is not None


def copy_scan(scope: Scope, shown: int | None = SHOWN, count: int | None = None, goals: int | None = None) -> CopyScan:
    """The first `shown` copies (goal id, stored score); every one when `shown` is None. One query, none when the
    stored figures say there are no copies (`count`).

    The copies are found along their partial index (every copy of the organisation, in parent order) until `shown`
    of them are in the scope; for a part of the organisation with fewer copies than that, the walk reads the whole
    index (25 ms at 100,000 people, for a team with one copy), so a small part (`goals` in use, known from the stored
    figures) has its own goals read instead, through the unit index (2 ms): the score is then compared as an
    expression the partial index cannot serve."""
    if shown is not None and count == 0:
        return CopyScan()
    rows = copied_goals(scope).values_list("pk", "copy_score")
    if shown is not None:
        if scope.unit is not None and count is not None and count < shown and (goals or 0) <= SMALL_PART:
            own = scope.active_goals().alias(score=F("copy_score") + 0).filter(score__gte=COPY_THRESHOLD)
            rows = own.order_by("parent_id", "pk").values_list("pk", "copy_score")
        return CopyScan(first=list(rows[:shown]))
    scan = CopyScan(ids=array("q"), scores=array("d"))
    for pk, score in rows.iterator(chunk_size=CHUNK):
        scan.ids.append(pk)
        scan.scores.append(score)
    scan.first = list(zip(scan.ids[:SHOWN], scan.scores[:SHOWN], strict=True))
    return scan


def copied_goal_rows(scope: Scope, scan: CopyScan, fields: tuple[str, ...]) -> Iterator[tuple[tuple, float]]:
    """Every copy as a tuple of `fields` (as values_list reads them) with its score, in the report's order: one query,
    read in chunks (the scan is not needed any more: the scores are stored)."""
    for row in copied_goals(scope).values_list(*fields, "copy_score").iterator(chunk_size=CHUNK):
        yield row[:-1], row[-1]


def first_copies(scan: CopyScan) -> list[tuple[Goal, float]]:
    """The goals of `scan.first`, in its order (one query)."""
    goals = Goal.objects.select_related("owner", "unit", "cycle", "parent").in_bulk([pk for pk, _ in scan.first])
    return [(goals[pk], score) for pk, score in scan.first if pk in goals]
