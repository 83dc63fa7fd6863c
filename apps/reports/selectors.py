"""The alignment report: how much of the organisation's work has a path to strategy.

Scope (apps.reports.scope): the goals of one cycle and of the cycles inside it (or of every
active cycle), org-wide or for one unit and the units under it. Archived goals never count.

Every figure comes from a fixed number of grouped queries whatever the size of the
organisation (apps.reports.figures); the lists are querysets or generators, so an export
streams them in chunks instead of holding them in memory.

Definitions (where the issue left them open):
- coverage: the share of active people who own at least one *active* goal (in the scope's
  cycles, filed anywhere) with a path to a published intent — a published intent itself, a
  goal in its cascade tree, or a personal goal linked into one;
- orphaned, without a metric, stale, at risk / off track, alignment gap, copied: always among
  active goals (status `active`), the ones still being worked on;
- stale: no check-in (nor creation) for more than STALE_AFTER_DAYS days (14), as the goal
  page says;
- at risk / off track: the health the goal page shows (apps.goals.progress.health);
- alignment gap: |measured − rolled-up progress| > ALIGNMENT_GAP_THRESHOLD (0.25), worst
  (largest) first; both directions are listed, the sign says which (`gap` = measured −
  rolled-up: negative is "green below, grey above", work reported as moving while the
  outcome stands still);
- copied: apps.goals.similarity's rule (apps.reports.copies).
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalStatus, Health, Layer
from apps.goals.similarity import COPY_THRESHOLD
from apps.org.models import Person, Unit

from . import figures, stored
from .cadence import TeamCadence, teams_of
from .copies import CopyScan, copy_scan, first_copies
from .rules import (
    OrphanReason,
    gap_expression,
    gap_q,
    gap_threshold,
    health_expression,
    orphan_reason,
    orphaned_q,
    stale_q,
    without_metric_q,
)
from .scope import Scope, cycles_in_scope

__all__ = ["AlignmentSummary", "OrphanReason", "UnitRow", "alignment_summary", "cycles_in_scope"]

MIN_GROUP_SIZE = figures.MIN_GROUP_SIZE


@dataclass
class UnitRow:
    unit: Unit
    figures: figures.Figures


@dataclass
class AlignmentSummary:
    scope: Scope
    stale_after_days: int
    gap_threshold: float
    goals_per_layer: dict[str, int]
    totals: figures.Figures
    units: list[UnitRow]
    intents: list[Goal]
    cadence: list[TeamCadence]
    copies: CopyScan
    copy_threshold: float = COPY_THRESHOLD
    motivation: dict[str, int | None] = field(default_factory=dict)

    @property
    def cycle_ids(self) -> list[int]:
        return self.scope.cycle_ids

    @property
    def today(self) -> date:
        return self.scope.today

    @property
    def unit(self) -> Unit | None:
        return self.scope.unit

    @property
    def goals_total(self) -> int:
        return sum(self.goals_per_layer.values())

    @property
    def orphaned_goals(self) -> QuerySet[Goal]:
        return orphaned_goals(self.scope)

    @property
    def people_without_goals(self) -> QuerySet[Person]:
        return people_without_goals(self.scope)

    @property
    def stale_goals(self) -> QuerySet[Goal]:
        return stale_goals(self.scope)

    @property
    def goals_without_metric(self) -> QuerySet[Goal]:
        return goals_without_metric(self.scope)

    @property
    def goals_at_risk(self) -> QuerySet[Goal]:
        return goals_at_risk(self.scope)

    @property
    def alignment_gaps(self) -> QuerySet[Goal]:
        return alignment_gaps(self.scope, self.gap_threshold)

    @cached_property
    def first_copies(self) -> list[tuple[Goal, float]]:
        return first_copies(self.copies)

    @property
    def people_without_goals_count(self) -> int:
        return self.totals.headcount - self.totals.with_goal


def _rows(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    return queryset.select_related("owner", "unit", "cycle")


def _sorted_rows(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    """For a list sorted on a figure of every active goal (no index serves it): the goals alone are sorted, and the
    shown ones' owners, units and cycles read after (three small queries) — joining them before the sort cost 75% of
    the time at 100,000 people (bench/report_stored.py)."""
    return queryset.prefetch_related("owner", "unit", "cycle")


def goals_per_layer(scope: Scope) -> dict[str, int]:
    counts = dict(scope.live_goals().order_by().values_list("layer").annotate(n=Count("pk")))
    return {layer: counts.get(layer, 0) for layer in Layer.values}


def orphaned_goals(scope: Scope) -> QuerySet[Goal]:
    """Active goals with no path to a published intent, each with its `reason`."""
    return _rows(scope.active_goals().filter(orphaned_q()).annotate(reason=orphan_reason())).order_by("pk")


def people_without_goals(scope: Scope) -> QuerySet[Person]:
    """Active people who own no goal in use (a draft counts as a goal) in the scope's cycles."""
    # NOT EXISTS, not NOT IN: PostgreSQL turns it into an anti-join whatever the number of goals.
    owns = scope.owned_goals().filter(owner_id=OuterRef("pk"))
    return scope.people().filter(~Exists(owns)).select_related("unit").order_by("pk")


def stale_goals(scope: Scope) -> QuerySet[Goal]:
    """Active goals started but quiet for more than STALE_AFTER_DAYS days (apps.goals.progress.is_stale), quietest
    first."""
    goals = scope.active_goals().filter(stale_q(scope.cycles, scope.today))
    return _sorted_rows(goals.annotate(last_activity=Coalesce(F("last_activity_at"), F("created")))).order_by(
        "last_activity", "pk"
    )


def goals_without_metric(scope: Scope) -> QuerySet[Goal]:
    return _rows(scope.active_goals().filter(without_metric_q())).order_by("pk")


def goals_at_risk(scope: Scope) -> QuerySet[Goal]:
    """Active goals whose health is at risk or off track: off track first, then the least progress."""
    worst_first = Case(When(health=Health.OFF_TRACK, then=Value(0)), default=Value(1), output_field=IntegerField())
    goals = scope.active_goals().annotate(health=health_expression(scope.cycles, scope.today))
    return _sorted_rows(goals.filter(health__in=(Health.AT_RISK, Health.OFF_TRACK))).order_by(
        worst_first, "progress", "pk"
    )


def alignment_gaps(scope: Scope, threshold: float) -> QuerySet[Goal]:
    """Active goals whose measured and rolled-up progress differ by more than `threshold`, the widest gap first."""
    goals = scope.active_goals().filter(gap_q(threshold))
    goals = goals.annotate(gap=F("measured_progress") - F("rollup_progress"), gap_size=gap_expression())
    return _rows(goals).order_by("-gap_size", "pk")


def published_intents(scope: Scope) -> list[Goal]:
    """The published intents of the scope, with measured and rolled-up progress side by side (one query)."""
    intents = scope.live_goals().filter(layer=Layer.INTENT).exclude(status=GoalStatus.DRAFT)
    intents = intents.annotate(health=health_expression(scope.cycles, scope.today))
    return list(_rows(intents).order_by("cycle__start", "title", "pk"))


def unit_rows(scope: Scope, units: list[Unit], whole: figures.Direct) -> tuple[figures.Figures, list[UnitRow]]:
    """The scope's totals and each unit's figures rolled up the unit tree, from `whole`, the stored figures of every
    unit (apps.reports.stored; one query more for a unit's report, whose motivation figures are held back as the
    whole organisation's are)."""
    direct = whole if scope.unit is None else {unit.pk: whole[unit.pk] for unit in units if unit.pk in whole}
    rolled = figures.rolled_up(units, direct)
    total = figures.scope_total(direct)
    _hold_back_motivation(scope, units, whole, total, rolled)
    return total, [UnitRow(unit, rolled[unit.pk]) for unit in units]


def _hold_back_motivation(scope: Scope, units: list[Unit], whole, total: figures.Figures, rolled: dict) -> None:
    """Decide over the whole organisation (`whole`: every unit's own figures), whatever part of it this report shows,
    so that no two reports can be subtracted either."""
    if scope.unit is not None:
        units = list(Unit.objects.order_by("tree_id", "lft").only("pk", "parent_id", "tree_id", "lft"))
    hidden_total, hidden = figures.hidden_motivation(units, whole)
    total.motivation_hidden = hidden_total if scope.unit is None else hidden.get(scope.unit.pk, set())
    for pk, unit_figures in rolled.items():
        unit_figures.motivation_hidden = hidden.get(pk, set())


def alignment_summary(
    cycle: Cycle | None = None, today: date | None = None, unit: Unit | None = None, shown: int | None = 50
) -> AlignmentSummary:
    """The report for `cycle` (default: the active cycles) and `unit` (default: the whole organisation); `shown`
    is how many copied goals to keep for display (the others are only counted), None for all (an export)."""
    scope = Scope.build(cycle=cycle, today=today or timezone.localdate(), unit=unit)
    units = list(scope.units())
    copies = copy_scan(scope, shown)
    whole, teams = stored.organisation(scope)  # two queries
    totals, rows = unit_rows(scope, units, whole)
    return AlignmentSummary(
        scope=scope,
        stale_after_days=settings.STALE_AFTER_DAYS,
        gap_threshold=gap_threshold(),
        goals_per_layer=goals_per_layer(scope),
        totals=totals,
        units=rows,
        intents=published_intents(scope),
        cadence=teams_of(units, teams),
        copies=copies,
        motivation=totals.motivation,
    )
