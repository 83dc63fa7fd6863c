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

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalStatus, Health, Layer
from apps.goals.similarity import COPY_THRESHOLD
from apps.org.models import Person, Unit

from . import figures, stored
from .cadence import TeamCadence
from .copies import CopyScan, copy_scan, first_copies
from .rules import (
    OrphanReason,
    gap_expression,
    gap_q,
    gap_threshold,
    health_expression,
    off_track_bound_q,
    orphan_reason,
    orphaned_q,
    stale_q,
    without_metric_q,
)
from .scope import SMALL_PART, Scope, cycles_in_scope

__all__ = ["AlignmentSummary", "OrphanReason", "UnitRow", "alignment_summary", "cycles_in_scope"]

MIN_GROUP_SIZE = figures.MIN_GROUP_SIZE


@dataclass
class UnitRow:
    unit: Unit
    figures: figures.Figures


@dataclass(frozen=True)
class UnitPick:
    """Which units' figures a report holds: every unit of its scope (an export; the default), or those down to
    `max_level` (absolute), and/or the first `limit` in tree order. Reading only those keeps a report's cost the same
    whatever the size of the organisation; `AlignmentSummary.unit_count` always says how many units the scope has."""

    max_level: int | None = None
    limit: int | None = None

    @property
    def every(self) -> bool:
        return self.max_level is None and self.limit is None


EVERY_UNIT = UnitPick()


@dataclass
class AlignmentSummary:
    scope: Scope
    stale_after_days: int
    gap_threshold: float
    totals: figures.Figures
    units: list[UnitRow]
    unit_count: int
    intents: list[Goal]
    copies: CopyScan
    table: stored.Table
    copy_threshold: float = COPY_THRESHOLD
    motivation: dict[str, int | None] = field(default_factory=dict)

    @property
    def goals_per_layer(self) -> dict[str, int]:
        return self.totals.goals_per_layer

    @cached_property
    def cadence(self) -> list[TeamCadence]:
        """Every team's check-in cadence in the scope, in tree order (an export's)."""
        return self.teams(limit=None)

    @property
    def team_count(self) -> int:
        return self.totals.teams

    def teams(self, limit: int | None, slowest: bool = False) -> list[TeamCadence]:
        """The first `limit` teams with a cadence in tree order, or the slowest first (the longest median gap
        between check-ins; teams without one last; ties in unit id order)."""
        return [TeamCadence(unit, *team) for unit, team in self.table.teams(self.scope.unit, limit, slowest)]

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

    def list_count(self, name: str) -> int:
        """How many rows one of the lists holds, from the stored figures."""
        totals = self.totals
        return {
            "orphaned_goals": totals.orphaned,
            "people_without_goals": self.people_without_goals_count,
            "stale_goals": totals.stale,
            "goals_without_metric": totals.without_metric,
            "goals_at_risk": totals.at_risk + totals.off_track,
            "alignment_gaps": totals.gaps,
        }[name]

    def first_rows(self, name: str, limit: int, fields: tuple[str, ...] | None = None) -> list:
        """The first `limit` rows of one of the lists (`orphaned_goals`, `stale_goals`…): model instances with their
        owner, unit and cycle for a page, or dicts of `fields` alone for the API (no joins, no instances). A list the
        stored figures say is empty costs no query, and each list is read in an index's order and cut."""
        if not limit or not self.list_count(name):
            return []
        read = _as_queried if fields is None else _values(fields)
        if name == "goals_at_risk":
            return first_at_risk(self.scope, limit, self.totals, _sorted_rows if fields is None else read)
        queryset = read(getattr(self, name))
        if name == "goals_without_metric" and self.scope.unit is not None and self.goals_total <= GATHER_AT_MOST:
            return _gathered(queryset, limit)
        return list(queryset[:limit])


# A part of the organisation this small (goals in use) has its goals without a metric gathered unit by unit and sorted
# (`_gathered`) rather than found along the id index.
GATHER_AT_MOST = SMALL_PART


def _gathered(queryset: QuerySet[Goal], limit: int) -> list:
    """The first `limit` rows of `queryset` (in id order, of a small part of the organisation), its goals read through
    the unit index and sorted. Along the id index, PostgreSQL walks the goals of the whole organisation until `limit`
    of them are found in the part: 40-50 ms for a department's goals without a metric at 100,000 people, 8 ms
    gathered (bench/report_stored.py). Told only to sort by id, the planner sometimes reads the whole table instead
    (90 ms), so sequential scans are off for this one query (SET LOCAL, undone before the transaction goes on)."""
    sorted_by_id = queryset.order_by(F("pk") + 0)
    if connections[queryset.db].vendor != "postgresql":
        return list(sorted_by_id[:limit])
    with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        rows = list(sorted_by_id[:limit])
        cursor.execute("RESET enable_seqscan")
    return rows


def _as_queried(queryset: QuerySet) -> QuerySet:
    return queryset


def _values(fields: tuple[str, ...]):
    """Read a list's rows as dicts of `fields` (no joins: the list's own select_related and prefetches dropped)."""

    def read(queryset: QuerySet) -> QuerySet:
        return queryset.select_related(None).prefetch_related(None).values(*fields)

    return read


def _rows(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    return queryset.select_related("owner", "unit", "cycle")


def _sorted_rows(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    """For a list sorted on a figure of every active goal (no index serves it): the goals alone are sorted, and the
    shown ones' owners, units and cycles read after (three small queries) — joining them before the sort cost 75% of
    the time at 100,000 people (bench/report_stored.py)."""
    return queryset.prefetch_related("owner", "unit", "cycle")


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


def first_at_risk(scope: Scope, limit: int, totals: figures.Figures, read=None) -> list:
    """goals_at_risk's first `limit` rows, in its order (off track by progress, then at risk by progress) — the same
    rows as slicing it — without working out the health of every active goal to sort them:
    - off track: the goals below their cycle's off-track line or marked off track (two indexes) are sorted, for a part
      of the organisation or when the stored figures say they are few; else the progress index is walked in chunks;
    - at risk: sorted for a part of the organisation, the progress index walked for the whole of it."""
    read = read or _sorted_rows
    goals = scope.active_goals().annotate(health=health_expression(scope.cycles, scope.today))
    off_track = goals.filter(off_track_bound_q(scope.cycles, scope.today), health=Health.OFF_TRACK)
    rows: list = []
    if scope.unit is not None:
        if totals.off_track:
            rows = list(read(off_track.order_by("progress", "pk"))[:limit])
        if totals.at_risk and len(rows) < limit:
            at_risk = goals.filter(health=Health.AT_RISK)
            rows += read(at_risk.order_by("progress", "pk"))[: limit - len(rows)]
        return rows
    picked: list[int] = []
    if totals.off_track and totals.off_track <= SORT_AT_MOST:
        rows = list(read(off_track.order_by("progress", "pk"))[:limit])
    elif totals.off_track:
        picked = _walk_by_progress(goals, Health.OFF_TRACK, min(limit, totals.off_track))
    if totals.at_risk and len(rows) + len(picked) < limit:
        picked += _walk_by_progress(goals, Health.AT_RISK, min(limit - len(rows) - len(picked), totals.at_risk))
    found = {_pk(row): row for row in read(goals.filter(pk__in=picked))} if picked else {}
    return rows + [found[pk] for pk in picked if pk in found]


def _pk(row) -> int:
    return row["id"] if isinstance(row, dict) else row.pk


# Off-track goals of the whole organisation sorted rather than found along the progress index, up to this many.
SORT_AT_MOST = 20_000
WALK = 1000


def _walk_by_progress(goals: QuerySet[Goal], health: str, wanted: int) -> list[int]:
    """The ids of the first `wanted` goals of `health`, least progress first, read in chunks along the progress index
    (a filter on the health expression would make the planner sort them all: it cannot estimate how many match)."""
    ids: list[int] = []
    after = None
    while len(ids) < wanted:
        chunk = goals
        if after is not None:
            chunk = goals.filter(Q(progress__gt=after[0]) | Q(progress=after[0], pk__gt=after[1]))
        rows = list(chunk.order_by("progress", "pk").values_list("pk", "progress", "health")[:WALK])
        ids += [pk for pk, _, goal_health in rows if goal_health == health]
        if len(rows) < WALK:
            break
        after = (rows[-1][1], rows[-1][0])  # (progress, id) of the last one read
    return ids[:wanted]


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


def unit_rows(scope: Scope, table: stored.Table, pick: UnitPick) -> tuple[figures.Figures, list[UnitRow], int]:
    """The scope's totals, the picked units' figures rolled up the unit tree and how many units the scope has: read
    from the stored rows of those units and of every unit above them (the motivation figures are held back over the
    whole organisation, so that no two reports can be subtracted either)."""
    scope_units = scope.units()
    picked = scope_units if pick.max_level is None else scope_units.filter(level__lte=pick.max_level)
    units = list(picked[: pick.limit] if pick.limit is not None else picked)
    unit_count = len(units) if pick.every else scope_units.count()
    # The scope's unit and every unit above it (their figures decide what motivation a unit under them may show).
    above = [*scope.unit.get_ancestors(), scope.unit] if scope.unit is not None else []
    roots = list(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    rows = table.rows(None if pick.every and scope.unit is None else [*roots, None, *(u.pk for u in above + units)])
    empty = stored.Row(Counter(), Counter())
    rolled = {pk: row.rolled for pk, row in rows.items()}
    whole = figures.Figures.from_counts(sum((rolled.get(pk, Counter()) for pk in [*roots, None]), Counter()))
    # Each unit after every unit above it: the units above the scope's, then the scope's own in tree order.
    lineage = {unit.pk for unit in above}
    chain = [(unit.pk, unit.parent_id) for unit in above + [u for u in units if u.pk not in lineage]]
    hidden_total, hidden = figures.hidden_from_rolled(chain, {pk: rolled.get(pk, Counter()) for pk, _ in chain}, whole)
    if scope.unit is None:
        total = whole
        total.motivation_hidden = hidden_total
    else:
        total = figures.Figures.from_counts(rows.get(scope.unit.pk, empty).rolled)
        total.motivation_hidden = hidden.get(scope.unit.pk, set())
    result = []
    for unit in units:
        unit_figures = figures.Figures.from_counts(rows.get(unit.pk, empty).rolled)
        unit_figures.motivation_hidden = hidden.get(unit.pk, set())
        result.append(UnitRow(unit, unit_figures))
    return total, result, unit_count


def alignment_summary(
    cycle: Cycle | None = None,
    today: date | None = None,
    unit: Unit | None = None,
    shown: int | None = 50,
    units: UnitPick = EVERY_UNIT,
) -> AlignmentSummary:
    """The report for `cycle` (default: the active cycles) and `unit` (default: the whole organisation); `shown`
    is how many copied goals to keep for display (the others are only counted), None for all (an export); `units`
    which units' figures to hold (default: every one, as an export needs)."""
    scope = Scope.build(cycle=cycle, today=today or timezone.localdate(), unit=unit)
    table = stored.organisation(scope)
    totals, rows, unit_count = unit_rows(scope, table, units)
    return AlignmentSummary(
        scope=scope,
        stale_after_days=settings.STALE_AFTER_DAYS,
        gap_threshold=gap_threshold(),
        totals=totals,
        units=rows,
        unit_count=unit_count,
        intents=published_intents(scope),
        copies=copy_scan(scope, shown, totals.copies, sum(totals.goals_per_layer.values())),
        table=table,
        motivation=totals.motivation,
    )
