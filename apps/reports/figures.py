"""The report's counts, per unit and rolled up the unit tree, in a fixed number of grouped queries.

Each count is taken once per unit (people by the unit they are in, goals by the unit they are
filed under, motivation by the unit of the goal's owner), then summed up the tree in one pass
over the units: a unit's figure is its own plus those of every unit under it. People and goals
belong to exactly one unit, so the sums are exact, distinct people included.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Self

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q

from apps.goals.models import GoalStatus, Health, Layer, Motivation
from apps.goals.similarity import COPY_THRESHOLD

from .rules import (
    gap_q,
    gap_threshold,
    health_expression,
    orphaned_q,
    reaches_published_intent_q,
    stale_q,
    without_metric_q,
)
from .scope import Scope, in_unit_subtree_q

# Each unit's own counts, by unit id (None: people without a unit).
Direct = dict[int | None, Counter]

# HR sees motivation only as aggregates of this many people or more (DESIGN.md).
MIN_GROUP_SIZE = 5


@dataclass
class Figures:
    """The counts of one unit (rolled up) or of the whole scope."""

    headcount: int = 0  # active people
    with_goal: int = 0  # ... who own a goal in use (a draft counts)
    with_active_goal: int = 0  # ... who own an active goal
    aligned: int = 0  # ... who own an active goal that reaches a published intent
    orphaned: int = 0  # active goals with no path to a published intent
    without_metric: int = 0
    stale: int = 0
    at_risk: int = 0
    off_track: int = 0
    gaps: int = 0  # alignment gaps
    copies: int = 0  # copied, not translated
    cascade_goals: int = 0  # active translational and operational goals: the layers a proposal can become
    from_proposals: int = 0  # ... that came from an accepted proposal (catchball)
    teams: int = 0  # units with a check-in cadence (active goals or check-ins of their own)
    # Goals in use (not archived, whatever their status) per layer: the report's "goals per layer".
    goals_intent: int = 0
    goals_translational: int = 0
    goals_operational: int = 0
    goals_personal: int = 0
    # The raw motivation counts (motivation_people, motivation_<value>_goals, motivation_<value>_people): their names
    # follow Motivation.values, and they are only shown through `motivation` and `motivation_people`, which hold
    # back groups smaller than MIN_GROUP_SIZE.
    motivation_counts: Counter[str] = field(default_factory=Counter)
    # Motivation figures held back so that no subtraction singles out fewer than MIN_GROUP_SIZE people
    # ("people" and answer values; see hidden_from_rolled).
    motivation_hidden: set[str] = field(default_factory=set)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> Self:
        """The figures of a {name: count} table, as the grouped queries give them (missing counts are 0)."""
        counted = {name: counts[name] for name in FIGURE_NAMES if name in counts}
        motivation = Counter({name: n for name, n in counts.items() if name not in FIGURE_NAMES})
        if unknown := [name for name in motivation if not name.startswith("motivation_")]:
            raise ValueError(f"Not a figure: {', '.join(unknown)}")
        return cls(**counted, motivation_counts=motivation)

    def add(self, other: Self) -> None:
        """Adds `other`'s counts to these (a unit's to its parent's)."""
        for name in FIGURE_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.motivation_counts.update(other.motivation_counts)

    @property
    def coverage(self) -> float | None:
        """The share of people whose active goals reach a published intent."""
        return self.aligned / self.headcount if self.headcount else None

    @property
    def goals_per_layer(self) -> dict[str, int]:
        return {layer: getattr(self, f"goals_{layer}") for layer in Layer.values}

    @property
    def proposal_share(self) -> float | None:
        """The share of active translational and operational goals that came from an accepted proposal: near 0,
        the cascade only flows down (an over-rigid cascade)."""
        return self.from_proposals / self.cascade_goals if self.cascade_goals else None

    @property
    def motivation(self) -> dict[str, int | None]:
        view = motivation_view(self.motivation_counts)
        return {value: None if value in self.motivation_hidden else n for value, n in view.items()}

    @property
    def motivation_people(self) -> int | None:
        """How many people answered, shown only from MIN_GROUP_SIZE up (and when no difference gives them away)."""
        people = self.motivation_counts["motivation_people"]
        return people if people >= MIN_GROUP_SIZE and "people" not in self.motivation_hidden else None


# The counts that are fields of Figures (every field but the motivation table).
FIGURE_NAMES = tuple(f.name for f in fields(Figures) if f.name not in ("motivation_counts", "motivation_hidden"))


def motivation_view(counts: Counter) -> dict[str, int | None]:
    """Personal goals per motivation; null where fewer than MIN_GROUP_SIZE people stand behind a figure."""
    return {
        value: counts[f"motivation_{value}_goals"] if counts[f"motivation_{value}_people"] >= MIN_GROUP_SIZE else None
        for value in Motivation.values
    }


def _grouped(queryset, key: str, **aggregates) -> dict[int | None, Counter]:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row.pop(key): Counter(row) for row in rows}


def people_counts(scope: Scope) -> dict[int | None, Counter]:
    """Per unit: active people; those who own a goal in use (drafts too), an active goal, an active goal that reaches
    a published intent. A person's goals count wherever they are filed.

    One query, and one pass over the goals: the goals are first grouped per owner (what each person has), then
    joined to the people and grouped per unit. (An EXISTS per person costs a probe of the goals per person.)"""
    active = Q(status=GoalStatus.ACTIVE)
    owners = (
        scope.owned_goals()
        .filter(scope.only_q("owner__unit_id"))
        .order_by()
        .values(goal_owner=F("owner_id"))
        .annotate(
            n_active=Count("pk", filter=active), n_aligned=Count("pk", filter=active & reaches_published_intent_q())
        )
    )
    people = scope.people().order_by().values(person_id=F("pk"), person_unit=F("unit_id"))
    people_sql, people_params = people.query.sql_with_params()
    try:
        owners_sql, owners_params = owners.query.sql_with_params()
    except EmptyResultSet:  # no cycle in the scope: nobody owns anything
        owners_sql = "SELECT CAST(NULL AS BIGINT) AS goal_owner, 0 AS n_active, 0 AS n_aligned WHERE 1 = 0"
        owners_params = ()
    sql = (
        "SELECT people.person_unit, COUNT(*), COUNT(owners.goal_owner), "
        "SUM(CASE WHEN owners.n_active > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN owners.n_aligned > 0 THEN 1 ELSE 0 END) "
        f"FROM ({people_sql}) people LEFT JOIN ({owners_sql}) owners ON owners.goal_owner = people.person_id "
        "GROUP BY people.person_unit"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*people_params, *owners_params))
        rows = cursor.fetchall()
    return {
        unit_id: Counter(headcount=headcount, with_goal=with_goal, with_active_goal=active or 0, aligned=aligned or 0)
        for unit_id, headcount, with_goal, active, aligned in rows
    }


def goal_counts(scope: Scope) -> dict[int | None, Counter]:
    """Per unit, goals in use per layer and, among active goals: orphaned, without a metric, stale, at risk, off track,
    with an alignment gap, copied from the parent; translational and operational, and of those the ones that came from
    an accepted proposal. One pass over the unit's goals."""
    goals = scope.live_goals().annotate(health=health_expression(scope.cycles, scope.today))
    active = Q(status=GoalStatus.ACTIVE)
    cascade = active & Q(layer__in=(Layer.TRANSLATIONAL, Layer.OPERATIONAL))
    return _grouped(
        goals,
        "unit_id",
        **{f"goals_{layer}": Count("pk", filter=Q(layer=layer)) for layer in Layer.values},
        orphaned=Count("pk", filter=active & orphaned_q()),
        without_metric=Count("pk", filter=active & without_metric_q()),
        stale=Count("pk", filter=active & stale_q(scope.cycles, scope.today)),
        at_risk=Count("pk", filter=active & Q(health=Health.AT_RISK)),
        off_track=Count("pk", filter=active & Q(health=Health.OFF_TRACK)),
        gaps=Count("pk", filter=active & gap_q(gap_threshold())),
        copies=Count("pk", filter=active & Q(copy_score__gte=COPY_THRESHOLD)),  # the stored score (apps.reports.copies)
        cascade_goals=Count("pk", filter=cascade),
        # A goal is set on a proposal only when it is accepted (apps.proposals): one proposal per goal at most.
        from_proposals=Count("pk", filter=cascade & Q(proposal__isnull=False)),
    )


def motivation_counts(scope: Scope) -> dict[int | None, Counter]:
    """Per unit of the owner: personal goals in use per answer, the distinct people behind each answer, and the
    distinct people who answered at all."""
    aggregates = {"motivation_people": Count("owner_id", distinct=True)}
    for value in Motivation.values:
        aggregates[f"motivation_{value}_goals"] = Count("pk", filter=Q(motivation=value))
        aggregates[f"motivation_{value}_people"] = Count("owner_id", filter=Q(motivation=value), distinct=True)
    answered = (
        scope.owned_goals()
        .filter(in_unit_subtree_q(scope.unit, prefix="owner__unit__"), scope.only_q("owner__unit_id"))
        .filter(layer=Layer.PERSONAL, owner__is_active=True)
        .exclude(motivation="")
    )
    return _grouped(answered, "owner__unit_id", **aggregates)


def merge(*tables: dict[int | None, Counter]) -> dict[int | None, Counter]:
    merged: dict[int | None, Counter] = {}
    for table in tables:
        for key, counts in table.items():
            merged.setdefault(key, Counter()).update(counts)
    return merged


def rolled_counts(units: list[tuple[int, int | None]], direct: Mapping[int | None, Counter]) -> dict[int, Counter]:
    """Each unit's counts plus those of every unit under it, for `units` as (id, parent id) in tree order: one pass,
    deepest first (in nested-set order a unit comes before everything under it)."""
    totals = {pk: Counter(direct.get(pk, ())) for pk, _ in units}
    for pk, parent_id in reversed(units):
        if parent_id in totals:
            totals[parent_id].update(totals[pk])
    return totals


def hidden_from_rolled(
    units: list[tuple[int, int | None]], rolled: Mapping[int, Counter], total: Figures
) -> tuple[set[str], dict[int, set[str]]]:
    """Complementary suppression over the whole organisation: the motivation figures ("people", and each answer)
    held back for the org-wide total and for each unit of `units` ((id, parent id) in tree order, each preceded by
    every unit above it), from their rolled-up counts (`rolled`, as apps.reports.stored keeps them) and the whole
    organisation's (`total`).

    A figure shows only when it rests on MIN_GROUP_SIZE people or more and so does its difference from every
    figure shown above it (an enclosing unit, or the total): subtracting one shown figure from another never
    singles out fewer than five people's answers."""
    parent_of = dict(units)
    hidden_total: set[str] = set()
    hidden: dict[int, set[str]] = {pk: set() for pk, _ in units}
    for key in ("people", *Motivation.values):
        name = "motivation_people" if key == "people" else f"motivation_{key}_people"
        above_all = [total.motivation_counts[name]] if total.motivation_counts[name] >= MIN_GROUP_SIZE else []
        if not above_all:
            hidden_total.add(key)
        shown: dict[int, int] = {}
        for unit_id, _ in units:
            count = rolled[unit_id][name]
            above = above_all + [shown[pk] for pk in _ancestor_ids(unit_id, parent_of) if pk in shown]
            if count >= MIN_GROUP_SIZE and all(m == count or m - count >= MIN_GROUP_SIZE for m in above):
                shown[unit_id] = count
            else:
                hidden[unit_id].add(key)
    return hidden_total, hidden


def _ancestor_ids(pk: int, parent_of: dict[int, int | None]) -> list[int]:
    ids, current = [], parent_of.get(pk)
    while current is not None and current not in ids:
        ids.append(current)
        current = parent_of.get(current)
    return ids
