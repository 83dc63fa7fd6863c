"""Copied, not translated: active child goals whose title is nearly their parent's.

The rule is apps.goals.similarity's (`title_similarity` ≥ `COPY_THRESHOLD`, 0.8), used as is.
Comparing every child with its parent is the costly part of the report (difflib takes some
100 µs for two different titles of 40 characters), so each pair first meets two cheap upper
bounds of that score (see CopyCheck); only pairs that could reach the threshold are scored in
full, by the rule itself. Translated titles seldom pass the bounds.
"""

from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from apps.goals.models import Goal
from apps.goals.similarity import COPY_THRESHOLD, _normal, title_similarity

from .scope import Scope

CHUNK = 5000
SHOWN = 50


class CopyCheck:
    """The similarity of a child's title to its parent's when it reaches COPY_THRESHOLD, else None.

    Before the full score, two upper bounds of it that difflib itself uses (`real_quick_ratio` and
    `quick_ratio`): 2·M / (len(a) + len(b)) with M the shorter length, then the letters the two titles have in
    common (counted with repeats). A pair below the threshold on either cannot reach it. Feed children grouped by
    parent: the parent's side is prepared once per parent."""

    def __init__(self):
        self._parent: str | None = None
        self._letters: Counter = Counter()
        self._length = 0

    def score(self, child: str, parent: str) -> float | None:
        if parent != self._parent:
            normal = _normal(parent)
            self._parent, self._letters, self._length = parent, Counter(normal), len(normal)
        normal = _normal(child)
        total = len(normal) + self._length
        if not total or 2 * min(len(normal), self._length) < COPY_THRESHOLD * total:
            return None
        if 2 * sum((Counter(normal) & self._letters).values()) < COPY_THRESHOLD * total:
            return None
        score = title_similarity(child, parent)
        return score if score >= COPY_THRESHOLD else None


def _children(scope: Scope):
    return scope.active_goals().filter(parent__isnull=False).order_by("parent_id", "pk")


@dataclass
class CopyScan:
    """What a scan found: copies per unit, the first `shown` (goal id, score) for display and, when asked for every
    one (an export), all their ids and scores in compact arrays (16 bytes a copy)."""

    per_unit: dict[int, Counter] = field(default_factory=dict)
    count: int = 0
    first: list[tuple[int, float]] = field(default_factory=list)
    ids: array | None = None
    scores: array | None = None

    @property
    def complete(self) -> bool:
        return self.ids is not None


def copy_scan(scope: Scope, shown: int | None = SHOWN) -> CopyScan:
    """How many copies per unit, and the first `shown` of them (goal id, score); every one when `shown` is None.
    One query, read in chunks."""
    scan, check = CopyScan(), CopyCheck()
    if shown is None:
        scan.ids, scan.scores = array("q"), array("d")
    rows = _children(scope).values_list("pk", "unit_id", "title", "parent__title")
    for pk, unit_id, title, parent_title in rows.iterator(chunk_size=CHUNK):
        score = check.score(title, parent_title)
        if score is None:
            continue
        scan.per_unit.setdefault(unit_id, Counter())["copies"] += 1
        scan.count += 1
        if shown is None:
            scan.ids.append(pk)
            scan.scores.append(score)
        elif len(scan.first) < shown:
            scan.first.append((pk, score))
    if shown is None:
        scan.first = list(zip(scan.ids[:SHOWN], scan.scores[:SHOWN], strict=True))
    return scan


def copied_goal_rows(scope: Scope, scan: CopyScan, fields: tuple[str, ...]) -> Iterator[tuple[tuple, float]]:
    """Every copy as a tuple of `fields` (as values_list reads them) with its score, in scan order: from the scan's
    ids when it kept them all (one query per chunk), else by scanning again."""
    if scan.complete:
        for start in range(0, len(scan.ids), CHUNK):
            ids = scan.ids[start : start + CHUNK]
            rows = Goal.objects.filter(pk__in=list(ids)).values_list("pk", *fields)
            found = {row[0]: row[1:] for row in rows}
            for pk, score in zip(ids, scan.scores[start : start + CHUNK], strict=True):
                if pk in found:
                    yield found[pk], score
        return
    check = CopyCheck()
    for row in _children(scope).values_list("title", "parent__title", *fields).iterator(chunk_size=CHUNK):
        score = check.score(row[0], row[1])
        if score is not None:
            yield row[2:], score


def first_copies(scan: CopyScan) -> list[tuple[Goal, float]]:
    """The goals of `scan.first`, in its order (one query)."""
    goals = Goal.objects.select_related("owner", "unit", "cycle", "parent").in_bulk([pk for pk, _ in scan.first])
    return [(goals[pk], score) for pk, score in scan.first if pk in goals]
