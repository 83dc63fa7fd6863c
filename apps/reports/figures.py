"""The report's counts, per unit and rolled up the unit tree, in a fixed number of grouped queries.

Each count is taken once per unit (people by the unit they are in, goals by the unit they are
filed under, motivation by the unit of the goal's owner), then summed up the tree in one pass
over the units: a unit's figure is its own plus those of every unit under it. People and goals
belong to exactly one unit, so the sums are exact, distinct people included.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q

from apps.goals.models import GoalStatus, Health, Layer, Motivation
from apps.org.models import Unit

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

# HR sees motivation only as aggregates of this many people or more (DESIGN.md).
MIN_GROUP_SIZE = 5

PEOPLE_FIGURES = ("headcount", "with_goal", "with_active_goal", "aligned")
GOAL_FIGURES = ("orphaned", "without_metric", "stale", "at_risk", "off_track", "gaps", "copies")


@dataclass
class Figures:
    """The counts of one unit (rolled up) or of the whole scope."""

    counts: Counter = field(default_factory=Counter)

    def __getattr__(self, name: str) -> int:
        # figures.headcount, figures.orphaned, ...: the counts read as attributes (in templates too).
        if name not in PEOPLE_FIGURES + GOAL_FIGURES:
            raise AttributeError(name)
        return self.counts[name]

    @property
    def coverage(self) -> float | None:
        """The share of people whose active goals reach a published intent."""
        return self.counts["aligned"] / self.counts["headcount"] if self.counts["headcount"] else None

    @property
    def motivation(self) -> dict[str, int | None]:
        return motivation_view(self.counts)

    @property
    def motivation_people(self) -> int | None:
        """How many people answered, shown only from MIN_GROUP_SIZE up."""
        people = self.counts["motivation_people"]
        return people if people >= MIN_GROUP_SIZE else None


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
    """Per unit, among active goals: orphaned, without a metric, stale, at risk, off track, with an alignment gap."""
    goals = scope.active_goals().annotate(health=health_expression(scope.cycles, scope.today))
    return _grouped(
        goals,
        "unit_id",
        orphaned=Count("pk", filter=orphaned_q()),
        without_metric=Count("pk", filter=without_metric_q()),
        stale=Count("pk", filter=stale_q(scope.today)),
        at_risk=Count("pk", filter=Q(health=Health.AT_RISK)),
        off_track=Count("pk", filter=Q(health=Health.OFF_TRACK)),
        gaps=Count("pk", filter=gap_q(gap_threshold())),
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
        .filter(in_unit_subtree_q(scope.unit, prefix="owner__unit__"), layer=Layer.PERSONAL, owner__is_active=True)
        .exclude(motivation="")
    )
    return _grouped(answered, "owner__unit_id", **aggregates)


def merge(*tables: dict[int | None, Counter]) -> dict[int | None, Counter]:
    merged: dict[int | None, Counter] = {}
    for table in tables:
        for key, counts in table.items():
            merged.setdefault(key, Counter()).update(counts)
    return merged


def rolled_up(units: list[Unit], direct: dict[int | None, Counter]) -> dict[int, Figures]:
    """Each unit's figures plus those of every unit under it: one pass over the units, deepest first
    (in nested-set order a unit comes before everything under it)."""
    totals = {unit.pk: Figures(Counter(direct.get(unit.pk, ()))) for unit in units}
    for unit in reversed(units):
        if unit.parent_id in totals:
            totals[unit.parent_id].counts.update(totals[unit.pk].counts)
    return totals


def scope_total(direct: dict[int | None, Counter]) -> Figures:
    total = Figures()
    for counts in direct.values():
        total.counts.update(counts)
    return total
