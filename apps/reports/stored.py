"""The alignment report's figures, stored and kept current, so that a report reads rows instead of counting.

What is stored: per scope of cycles (FigureScope: the cycles one report covers) and per unit, the unit's own
figures (UnitFigures) — exactly what apps.reports.figures counts per unit, from scratch, for the whole
organisation — and its check-in cadence (apps.reports.cadence: a team's own, never rolled up). A report,
org-wide or for a unit, reads the scope's rows and rolls them up the unit tree (as it did with the counts it took
itself), and the motivation figures are held back over the whole organisation from the same rows.

What a report reads: the rows of the units it shows (and of the units above them, for the motivation figures held
back), each with its own figures and the same rolled up the unit tree (`UnitFigures.rolled`), so that a report costs
the same whatever the size of the organisation: it never rolls up, nor counts, the whole of it.

How they stay current:
- the rollup job (apps.goals.dirty.drain) tells, in its transaction, which goals it recomputed
  (apps.goals.signals.goals_rolled_up): their units and their owners' units — and those of every goal above them,
  whose progress, health or freshness moved — are counted again in every stored scope holding their cycles;
- writes whose effect the rollup's path does not show (a goal moved to another unit, owner or cycle, a new title,
  a subtree moved into another cascade, an intent published or set back to draft) record the units and cycles they
  touch in an outbox (PendingFigures, apps.reports.receivers) that the same drain consumes; a refresh counts the
  touched units again and adds each one's difference to its rolled figures and to those of every unit above it;
- time passes (staleness, health against the elapsed share of a cycle) and people come and go: a nightly full pass
  (`manage.py refresh_report_figures`, the beat entry `nightly-report-figures`) counts every stored scope again for
  the new day, and repairs whatever drifted. A scope stored on an earlier day is never read: it is counted again
  first (so is a scope nobody asked for yet, on first deploy say), and stored.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import islice

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalLink
from apps.goals.selectors import upward_sql
from apps.org.models import Unit

from . import cadence, figures
from .models import SLOWEST, FigureScope, PendingFigures, UnitFigures
from .scope import Scope, cycles_in_scope, in_unit_subtree_q

logger = logging.getLogger(__name__)
Direct = dict[int | None, Counter]
# Per unit: [check-ins, median days between them, active goals, their mean progress] (apps.reports.cadence).
Cadence = dict[int, list]
BATCH = 2000


def scope_key(cycle_ids: Iterable[int]) -> str:
    return ",".join(str(pk) for pk in sorted(cycle_ids))


def compute(scope: Scope, teams: Cadence | None = None) -> Direct:
    """Each unit's own figures in `scope`, counted from scratch (zeros left out); `teams`, the scope's cadence when
    already counted, tells which units are teams (a unit with a cadence counts as one team)."""
    teams = compute_cadence(scope) if teams is None else teams
    direct = figures.merge(
        figures.people_counts(scope),
        figures.goal_counts(scope),
        figures.motivation_counts(scope),
        {unit_id: Counter(teams=1) for unit_id in teams},
    )
    return {unit_id: +counts for unit_id, counts in direct.items() if +counts}


def count(scope: Scope) -> tuple[Direct, Cadence]:
    """The scope's figures and cadence per unit, from scratch."""
    teams = compute_cadence(scope)
    return compute(scope, teams), teams


def compute_cadence(scope: Scope) -> Cadence:
    """Each unit's check-in cadence and progress in `scope`, from scratch (units with neither left out)."""
    medians, progress = cadence.medians(scope), cadence.team_progress(scope)
    return {pk: [*medians.get(pk, (0, None)), *progress.get(pk, (0, None))] for pk in medians.keys() | progress.keys()}


@dataclass
class Row:
    """One unit's stored figures in a scope: its own counts, the same rolled up the unit tree, and its cadence."""

    direct: Counter
    rolled: Counter
    cadence: list | None = None


class Table:
    """The figures of one scope, per unit: the stored rows, read as a report needs them, or (a report of another day,
    never stored) counted in memory."""

    def __init__(self, stored_pk: int | None = None, memory: dict[int | None, Row] | None = None):
        self.stored_pk, self.memory = stored_pk, memory

    def rows(self, unit_ids: Iterable[int | None] | None = None) -> dict[int | None, Row]:
        """The rows of `unit_ids` (None among them: the people without a unit), every row without them."""
        if self.memory is not None:
            if unit_ids is None:
                return dict(self.memory)
            return {pk: self.memory[pk] for pk in unit_ids if pk in self.memory}
        rows = UnitFigures.objects.filter(scope_id=self.stored_pk)
        if unit_ids is not None:
            ids = set(unit_ids)
            wanted = Q(unit_id__in=sorted(pk for pk in ids if pk is not None))
            rows = rows.filter(wanted | Q(unit__isnull=True) if None in ids else wanted)
        found = rows.values_list("unit_id", "counts", "rolled", "cadence")
        return {pk: Row(Counter(counts), Counter(rolled), team) for pk, counts, rolled, team in found}

    def teams(self, unit: Unit | None, limit: int | None, slowest: bool = False) -> list[tuple[Unit, list]]:
        """The first `limit` units of `unit`'s subtree (the whole organisation without one) with a cadence, in tree
        order, or the slowest first: the longest median days between check-ins, those without a median last (ties
        in unit id order)."""
        if slowest:
            return self._slowest(unit, limit)
        units = Unit.objects.filter(in_unit_subtree_q(unit, prefix="")).order_by("tree_id", "lft")
        found: list[tuple[Unit, list]] = []
        rows = units.iterator(chunk_size=BATCH)
        size = BATCH if limit is None else limit + 10  # most units are teams: the first chunk is usually enough
        while chunk := list(islice(rows, size)):
            cadences = self._cadences([u.pk for u in chunk])
            found += [(u, cadences[u.pk]) for u in chunk if u.pk in cadences]
            if limit is not None and len(found) >= limit:
                return found[:limit]
            size = min(2 * size, BATCH)
        return found

    def _cadences(self, unit_ids: list[int]) -> dict[int, list]:
        if self.memory is not None:
            return {
                pk: self.memory[pk].cadence
                for pk in unit_ids
                if pk in self.memory and self.memory[pk].cadence is not None
            }
        rows = UnitFigures.objects.filter(scope_id=self.stored_pk, unit_id__in=unit_ids, cadence__isnull=False)
        return dict(rows.values_list("unit_id", "cadence"))

    def _slowest(self, unit: Unit | None, limit: int | None) -> list[tuple[Unit, list]]:
        if self.memory is not None:
            teams = self.teams(unit, None)
            teams.sort(key=lambda team: (-(team[1][1] if team[1][1] is not None else -1), team[0].pk))
            return teams[:limit]
        rows = UnitFigures.objects.filter(in_unit_subtree_q(unit), scope_id=self.stored_pk, cadence__isnull=False)
        rows = rows.order_by(SLOWEST.desc(), "unit_id").values_list("unit_id", "cadence")
        rows = list(rows[:limit] if limit is not None else rows)
        units = Unit.objects.in_bulk([pk for pk, _ in rows])
        return [(units[pk], team) for pk, team in rows]


def read(cycle_ids: list[int], day: date) -> Table | None:
    """The stored figures of these cycles on `day`, None when they are not stored (or are of another day)."""
    stored = FigureScope.objects.filter(key=scope_key(cycle_ids), day=day).values_list("pk", flat=True).first()
    return None if stored is None else Table(stored_pk=stored)


def organisation(scope: Scope) -> Table:
    """The whole organisation's figures per unit in the scope's cycles: stored ones, else counted — and stored when
    the report is of today (a report of another day is counted, never stored)."""
    found = read(scope.cycle_ids, scope.today)
    if found is not None:
        return found
    whole = replace(scope, unit=None, only_units=None)
    rows = build_rows(*count(whole))
    if scope.today == timezone.localdate():
        stored_pk = store_rows(whole, rows)
        if stored_pk is not None:
            return Table(stored_pk=stored_pk)
    return Table(memory=rows)


def build_rows(direct: Direct, teams: Cadence) -> dict[int | None, Row]:
    """A row for every unit (and for the people without one, when there are any): own figures, rolled up, cadence."""
    units = list(Unit.objects.order_by("tree_id", "lft").values_list("pk", "parent_id"))
    rolled = figures.rolled_counts(units, direct)
    rows = {pk: Row(+Counter(direct.get(pk, ())), +rolled[pk], teams.get(pk)) for pk, _ in units}
    if None in direct:
        rows[None] = Row(+Counter(direct[None]), +Counter(direct[None]))
    return rows


def store(scope: Scope, direct: Direct, teams: Cadence) -> None:
    """Replace the stored figures of the scope's cycles with `direct` (every unit's), as of the scope's day."""
    store_rows(scope, build_rows(direct, teams))


def store_rows(scope: Scope, rows: dict[int | None, Row]) -> int | None:
    """Replace the stored figures of the scope's cycles with `rows`, as of the scope's day; the stored scope's id.
    Two first reports at once store one copy: the second keeps what it counted and stores nothing (None)."""
    try:
        with transaction.atomic():
            stored, _ = FigureScope.objects.update_or_create(
                key=scope_key(scope.cycle_ids),
                defaults={"cycle_ids": scope.cycle_ids, "day": scope.today, "refreshed_at": timezone.now()},
            )
            stored.rows.all().delete()
            UnitFigures.objects.bulk_create(
                [
                    UnitFigures(scope=stored, unit_id=pk, counts=row.direct, rolled=row.rolled, cadence=row.cadence)
                    for pk, row in rows.items()
                ],
                batch_size=BATCH,
            )
            return stored.pk
    except IntegrityError:
        logger.info("Report figures of cycles %s were stored meanwhile", scope_key(scope.cycle_ids))
        return None


# --- Keeping them current -------------------------------------------------------------------------


@transaction.atomic
def refresh_goals(goal_ids: Iterable[int]) -> int:
    """Count again, in every stored scope holding their cycles, the units of `goal_ids`, of every goal above them and
    of their owners, and whatever the outbox holds. Returns how many scopes were refreshed."""
    units, cycles = _touched(sorted(set(goal_ids)))
    pending = list(PendingFigures.objects.select_for_update(skip_locked=True).values_list("pk", "unit_id", "cycle_id"))
    for _, unit_id, cycle_id in pending:
        units.add(unit_id)
        cycles.add(cycle_id)
    refreshed = refresh_units(units, cycles)
    if pending:
        PendingFigures.objects.filter(pk__in=[pk for pk, _, _ in pending]).delete()
    return refreshed


def _touched(ids: list[int]) -> tuple[set[int | None], set[int]]:
    """The units (filed under, and their owners') and cycles of the goals and of every goal above them."""
    if not ids:
        return set(), set()
    kinds = (GoalLink.Kind.CONTRIBUTES,)
    path = Goal.objects.filter(pk__in=RawSQL(upward_sql(len(ids), link_kinds=kinds), [*ids, *kinds]))
    units: set[int | None] = set()
    cycles: set[int] = set()
    for unit_id, owner_unit_id, cycle_id in path.order_by().values_list("unit_id", "owner__unit_id", "cycle_id"):
        units.update((unit_id, owner_unit_id))
        cycles.add(cycle_id)
    return units, cycles


def refresh_units(units: set[int | None], cycles: set[int], today: date | None = None) -> int:
    """Count `units` again in every stored scope holding one of `cycles` (a scope of another day: all of it)."""
    if not units or not cycles:
        return 0
    today = today or timezone.localdate()
    every = list(Cycle.objects.all())
    refreshed = 0
    for stored in FigureScope.objects.order_by("pk"):
        if not cycles & set(stored.cycle_ids):
            continue
        scope = Scope(cycle_ids=stored.cycle_ids, today=today, cycles=[c for c in every if c.pk in stored.cycle_ids])
        if stored.day != today:
            store(scope, *count(scope))
        else:
            _refresh(stored, replace(scope, only_units=frozenset(units)))
        refreshed += 1
    return refreshed


def _refresh(stored: FigureScope, scope: Scope) -> None:
    """Count the scope's units again, and add each one's difference to its rolled figures and to those of every unit
    above it (the unit tree has not changed since the scope was stored: a change to it forgets every scope)."""
    with transaction.atomic():
        FigureScope.objects.select_for_update().filter(pk=stored.pk).exists()  # one refresh of a scope at a time
        direct, teams = count(scope)
        above = _units_above(scope.only_units)
        rows = {row.unit_id: row for row in stored.rows.filter(unit_id__in=set(above) | set(_chain(above)))}
        if None in scope.only_units:
            rows.update({row.unit_id: row for row in stored.rows.filter(unit__isnull=True)})
        if any(pk not in rows for pk in _chain(above)):  # a unit the stored scope does not know: count it all again
            whole = replace(scope, only_units=None)
            store(whole, *count(whole))
            return
        for unit_id in scope.only_units:
            if unit_id is not None and unit_id not in above:
                continue  # a unit deleted meanwhile
            new = +Counter(direct.get(unit_id, ()))
            row = rows.get(unit_id)
            if row is None:  # people without a unit, none before
                row = rows[None] = UnitFigures(scope=stored, unit=None, counts={}, rolled={})
            difference = _difference(new, row.counts)
            for pk in above.get(unit_id, [None]):
                # Counter addition adds negative differences too, and drops what falls to zero.
                rows[pk].rolled = dict(Counter(rows[pk].rolled) + difference)
            row.counts, row.cadence = dict(new), teams.get(unit_id)
        kept = [row for row in rows.values() if row.pk is not None]
        UnitFigures.objects.bulk_create([row for row in rows.values() if row.pk is None])
        UnitFigures.objects.bulk_update(kept, ["counts", "rolled", "cadence"])
        FigureScope.objects.filter(pk=stored.pk).update(refreshed_at=timezone.now())


def _units_above(unit_ids: frozenset[int | None]) -> dict[int, list[int]]:
    """Each unit of `unit_ids` (that still exists) with itself and every unit above it: two queries."""
    ids = sorted(pk for pk in unit_ids if pk is not None)
    if not ids:
        return {}
    units = list(Unit.objects.filter(pk__in=ids).values_list("pk", "tree_id", "lft", "rght"))
    if not units:
        return {}
    around = Q()
    for _, tree_id, lft, rght in units:
        around |= Q(tree_id=tree_id, lft__lte=lft, rght__gte=rght)
    chain = list(Unit.objects.filter(around).values_list("pk", "tree_id", "lft", "rght"))
    return {
        pk: [a for a, t, left, right in chain if t == tree_id and left <= lft and right >= rght]
        for pk, tree_id, lft, rght in units
    }


def _chain(above: dict[int, list[int]]) -> set[int]:
    return {pk for chain in above.values() for pk in chain}


def _difference(new: Counter, old: dict) -> Counter:
    """new − old, name by name, negative differences kept (a Counter's own subtraction drops them)."""
    difference = Counter()
    for name in new.keys() | old.keys():
        if value := new.get(name, 0) - old.get(name, 0):
            difference[name] = value
    return difference


def refresh_all(today: date | None = None) -> int:
    """The full pass: every stored scope, and the report's default one (the active cycles), counted again for `today`.
    Scopes whose cycles are gone are dropped. Returns how many scopes were stored."""
    today = today or timezone.localdate()
    every = list(Cycle.objects.all())
    known = {c.pk for c in every}
    keys = {scope_key(cycles_in_scope(cycles=every)): cycles_in_scope(cycles=every)}
    for stored in FigureScope.objects.all():
        if set(stored.cycle_ids) <= known:
            keys.setdefault(stored.key, stored.cycle_ids)
        else:
            stored.delete()
    for cycle_ids in keys.values():
        scope = Scope(cycle_ids=cycle_ids, today=today, cycles=[c for c in every if c.pk in cycle_ids])
        store(scope, *count(scope))
    return len(keys)


def refresh_people(unit_ids: Iterable[int | None]) -> int:
    """The people of these units changed (joined, moved, left, (de)activated): count the units again in every stored
    scope (their headcounts, people with goals and motivation move; goals are counted where they are filed)."""
    units = set(unit_ids)
    if not units:
        return 0
    cycles = {pk for scope in FigureScope.objects.values_list("cycle_ids", flat=True) for pk in scope}
    return refresh_units(units, cycles)


def forget_all() -> None:
    """People or units changed: every stored scope is out of date. Marked as of an earlier day, each is counted again
    (and stored) by the next report that reads it, or by the nightly pass — in the writer's transaction, so a report
    never reads figures older than a committed change of the organisation."""
    FigureScope.objects.update(day=timezone.localdate() - timedelta(days=1))


def mark_stale(pairs: Iterable[tuple[int | None, int]]) -> None:
    """Record (unit id, cycle id) pairs whose stored figures a write made stale, in the writer's transaction."""
    rows = {(unit_id, cycle_id) for unit_id, cycle_id in pairs if cycle_id}
    if rows:
        PendingFigures.objects.bulk_create([PendingFigures(unit_id=u, cycle_id=c) for u, c in rows])
