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

from django.db.models import Q, QuerySet

from apps.goals.models import Goal
from apps.goals.similarity import COPY_THRESHOLD

from .scope import Scope

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


def copy_scan(scope: Scope, shown: int | None = SHOWN) -> CopyScan:
    """The first `shown` copies (goal id, stored score); every one when `shown` is None. One query."""
    rows = copied_goals(scope).values_list("pk", "copy_score")
    if shown is not None:
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
