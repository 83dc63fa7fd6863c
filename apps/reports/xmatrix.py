"""The X-matrix of a cycle: the strategic intents × the translational goals that serve them × their metrics × owners,
with the strength of each tie (DESIGN.md "reports/xmatrix/").

- Ties: a goal's cascade parent is a **strong** tie, a `contributes` link a **medium** one, a `supports` link a
  **weak** one. Only ties to an intent shown in the matrix count.
- A translational goal under another translational goal serves the intents its ancestors serve: it inherits the
  ties of every translational goal above it, each marked `via` the ancestor that holds it (its own ties have no
  `via`). Per intent the strongest tie is kept; between equally strong ones, the nearest (its own first).
- Which goals: intents of the cycle, of the cycles inside it and of the cycles containing it (an annual intent
  over a quarter's work); translational goals of the cycle and the cycles inside it that have a tie to one of
  those intents. Without a cycle: every active cycle, as the alignment report. Archived goals never show, and a
  viewer sees only the goals they may see (apps.goals.permissions): a goal reached through an ancestor the viewer
  may not see does not inherit that ancestor's ties.
- Cost: a fixed number of queries whatever the size (cycles, intents, translational goals, links, metrics).
"""

from dataclasses import dataclass, field
from enum import IntEnum

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalLink, Layer, Metric
from apps.goals.permissions import visible_goals_q
from apps.goals.selectors import links_for_goals

from .scope import cycles_in_scope


class Strength(IntEnum):
    WEAK = 1
    MEDIUM = 2
    STRONG = 3

    @property
    def label(self) -> str:
        return self.name.lower()


STRENGTH_OF_LINK = {GoalLink.Kind.CONTRIBUTES: Strength.MEDIUM, GoalLink.Kind.SUPPORTS: Strength.WEAK}
# How each strength reads: a symbol (decoration) beside words (what a screen reader and a printout say).
STRENGTH_SYMBOLS = {Strength.STRONG: "●", Strength.MEDIUM: "◐", Strength.WEAK: "○"}
STRENGTH_WORDS = {
    Strength.STRONG: "strong (its cascade parent)",
    Strength.MEDIUM: "medium (contributes to it)",
    Strength.WEAK: "weak (supports it)",
}


@dataclass(frozen=True)
class Tie:
    intent_id: int
    strength: Strength
    via_id: int | None = None  # the translational ancestor holding the tie; None: the goal's own

    @property
    def symbol(self) -> str:
        return STRENGTH_SYMBOLS[self.strength]

    @property
    def words(self) -> str:
        return STRENGTH_WORDS[self.strength]


@dataclass
class Row:
    goal: Goal
    metrics: list[Metric]
    ties: dict[int, Tie]  # by intent id
    via_titles: dict[int, str] = field(default_factory=dict)
    parent_title: str | None = None  # the translational goal it sits under (None: it sits under an intent)

    def cells(self, intents: list[Goal]) -> list[Tie | None]:
        return [self.ties.get(intent.pk) for intent in intents]


@dataclass
class XMatrix:
    cycle: Cycle | None
    cycle_ids: list[int]
    intents: list[Goal]
    rows: list[Row]

    @property
    def ties_count(self) -> int:
        return sum(len(row.ties) for row in self.rows)


def _lineage_ids(cycle_ids: list[int], cycles: list[Cycle]) -> set[int]:
    """The cycles containing any of `cycle_ids` (read from `cycles`, already in memory)."""
    parent_of = {c.pk: c.parent_id for c in cycles}
    found: set[int] = set()
    for pk in cycle_ids:
        parent = parent_of.get(pk)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parent_of.get(parent)
    return found


def _goals(viewer, layer: str, cycle_ids) -> list[Goal]:
    return list(
        Goal.objects.filter(visible_goals_q(viewer), layer=layer, cycle_id__in=cycle_ids, archived_at__isnull=True)
        .select_related("owner", "unit", "cycle")
        .order_by("tree_id", "lft", "pk")
    )


def xmatrix(viewer, cycle: Cycle | None = None) -> XMatrix:
    """The X-matrix of `cycle` (and the cycles inside it; without one, the active cycles) as `viewer` may see it."""
    cycles = list(Cycle.objects.all())  # cycles are few
    scope_ids = cycles_in_scope(cycle, cycles)
    around_ids = sorted(set(scope_ids) | _lineage_ids(scope_ids, cycles))
    intents = _goals(viewer, Layer.INTENT, around_ids)
    intents.sort(key=lambda goal: (goal.cycle.start, goal.tree_id, goal.pk))
    # Translational goals of the containing cycles too: a quarter's goal may sit under a year's one.
    translational = {goal.pk: goal for goal in _goals(viewer, Layer.TRANSLATIONAL, around_ids)}
    intent_ids = {intent.pk for intent in intents}
    own = _own_ties(translational, intent_ids)
    scope = set(scope_ids)
    metrics = _metrics([pk for pk, goal in translational.items() if goal.cycle_id in scope])
    rows = []
    for goal in translational.values():
        if goal.cycle_id not in scope:
            continue
        ties = _ties(goal, translational, own)
        if ties:
            via = {t.via_id: translational[t.via_id].title for t in ties.values() if t.via_id is not None}
            parent = translational.get(goal.parent_id)
            rows.append(
                Row(
                    goal=goal,
                    metrics=metrics.get(goal.pk, []),
                    ties=ties,
                    via_titles=via,
                    parent_title=parent.title if parent else None,
                )
            )
    column = {intent.tree_id: index for index, intent in enumerate(intents)}
    rows.sort(key=lambda row: (column.get(row.goal.tree_id, len(intents)), row.goal.tree_id, row.goal.lft))
    return XMatrix(cycle=cycle, cycle_ids=scope_ids, intents=intents, rows=rows)


def _own_ties(translational: dict[int, Goal], intent_ids: set[int]) -> dict[int, dict[int, Strength]]:
    """Each translational goal's own ties to the intents shown: its parent, then its links (one query)."""
    own: dict[int, dict[int, Strength]] = {pk: {} for pk in translational}
    for goal in translational.values():
        if goal.parent_id in intent_ids:
            own[goal.pk][goal.parent_id] = Strength.STRONG
    for link in links_for_goals(intent_ids, kinds=tuple(STRENGTH_OF_LINK)):
        # Both ends must be shown (and so visible to the viewer): a translational source, an intent target.
        if link.source_id not in own or link.target_id not in intent_ids:
            continue
        strength = STRENGTH_OF_LINK[link.kind]
        if own[link.source_id].get(link.target_id, 0) < strength:
            own[link.source_id][link.target_id] = strength
    return own


def _ties(goal: Goal, translational: dict[int, Goal], own: dict[int, dict[int, Strength]]) -> dict[int, Tie]:
    """The goal's own ties and those of the translational goals above it (`via` them), strongest then nearest."""
    ties: dict[int, Tie] = {}
    holder: Goal | None = goal
    seen: set[int] = set()
    while holder is not None and holder.pk not in seen:
        seen.add(holder.pk)
        via = None if holder is goal else holder.pk
        for intent_id, strength in own[holder.pk].items():
            if intent_id not in ties or ties[intent_id].strength < strength:
                ties[intent_id] = Tie(intent_id=intent_id, strength=strength, via_id=via)
        holder = translational.get(holder.parent_id)
    return ties


def _metrics(goal_ids: list[int]) -> dict[int, list[Metric]]:
    """The metrics in use of these goals, by goal (one query)."""
    by_goal: dict[int, list[Metric]] = {}
    for metric in Metric.objects.filter(goal_id__in=goal_ids, archived_at__isnull=True).order_by("goal_id", "pk"):
        by_goal.setdefault(metric.goal_id, []).append(metric)
    return by_goal
