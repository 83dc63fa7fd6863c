"""The alignment report's figures, stored and kept current, so that a report reads rows instead of counting.

What is stored: per scope of cycles (FigureScope: the cycles one report covers) and per unit, the unit's own
figures (UnitFigures) — exactly what apps.reports.figures counts per unit, from scratch, for the whole
organisation — and its check-in cadence (apps.reports.cadence: a team's own, never rolled up). A report,
org-wide or for a unit, reads the scope's rows and rolls them up the unit tree (as it did with the counts it took
itself), and the motivation figures are held back over the whole organisation from the same rows.

How they stay current:
- the rollup job (apps.goals.dirty.drain) tells, in its transaction, which goals it recomputed
  (apps.goals.signals.goals_rolled_up): their units and their owners' units — and those of every goal above them,
  whose progress, health or freshness moved — are counted again in every stored scope holding their cycles;
- writes whose effect the rollup's path does not show (a goal moved to another unit, owner or cycle, a new title,
  a subtree moved into another cascade, an intent published or set back to draft) record the units and cycles they
  touch in an outbox (PendingFigures, apps.reports.receivers) that the same drain consumes;
- time passes (staleness, health against the elapsed share of a cycle) and people come and go: a nightly full pass
  (`manage.py refresh_report_figures`, the beat entry `nightly-report-figures`) counts every stored scope again for
  the new day, and repairs whatever drifted. A scope stored on an earlier day is never read: it is counted again
  first (so is a scope nobody asked for yet, on first deploy say), and stored.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalLink
from apps.goals.selectors import upward_sql

from . import cadence, figures
from .models import FigureScope, PendingFigures, UnitFigures
from .scope import Scope, cycles_in_scope

logger = logging.getLogger(__name__)
Direct = dict[int | None, Counter]
# Per unit: [check-ins, median days between them, active goals, their mean progress] (apps.reports.cadence).
Cadence = dict[int, list]
BATCH = 2000


def scope_key(cycle_ids: Iterable[int]) -> str:
    return ",".join(str(pk) for pk in sorted(cycle_ids))


def compute(scope: Scope) -> Direct:
    """Each unit's own figures in `scope`, counted from scratch (zeros left out)."""
    direct = figures.merge(figures.people_counts(scope), figures.goal_counts(scope), figures.motivation_counts(scope))
    return {unit_id: +counts for unit_id, counts in direct.items() if +counts}


def compute_cadence(scope: Scope) -> Cadence:
    """Each unit's check-in cadence and progress in `scope`, from scratch (units with neither left out)."""
    medians, progress = cadence.medians(scope), cadence.team_progress(scope)
    return {pk: [*medians.get(pk, (0, None)), *progress.get(pk, (0, None))] for pk in medians.keys() | progress.keys()}


def read(cycle_ids: list[int], day: date) -> tuple[Direct, Cadence] | None:
    """The stored figures of these cycles on `day`, None when they are not stored (or are of another day)."""
    stored = FigureScope.objects.filter(key=scope_key(cycle_ids), day=day).values_list("pk", flat=True).first()
    if stored is None:
        return None
    direct, teams = {}, {}
    rows = UnitFigures.objects.filter(scope_id=stored).values_list("unit_id", "counts", "cadence")
    for unit_id, counts, team in rows.iterator(chunk_size=BATCH):
        if counts:
            direct[unit_id] = Counter(counts)
        if team is not None:
            teams[unit_id] = team
    return direct, teams


def organisation(scope: Scope) -> tuple[Direct, Cadence]:
    """The whole organisation's figures and cadence per unit in the scope's cycles: stored ones, else counted — and
    stored when the report is of today (a report of another day is counted, never stored)."""
    found = read(scope.cycle_ids, scope.today)
    if found is not None:
        return found
    whole = replace(scope, unit=None, only_units=None)
    direct, teams = compute(whole), compute_cadence(whole)
    if scope.today == timezone.localdate():
        store(whole, direct, teams)
    return direct, teams


def store(scope: Scope, direct: Direct, teams: Cadence) -> None:
    """Replace the stored figures of the scope's cycles with `direct` (every unit's), as of the scope's day. Two first
    reports at once store one copy: the second keeps what it counted and stores nothing."""
    try:
        with transaction.atomic():
            stored, _ = FigureScope.objects.update_or_create(
                key=scope_key(scope.cycle_ids),
                defaults={"cycle_ids": scope.cycle_ids, "day": scope.today, "refreshed_at": timezone.now()},
            )
            stored.rows.all().delete()
            _insert(stored, direct, teams)
    except IntegrityError:
        logger.info("Report figures of cycles %s were stored meanwhile", scope_key(scope.cycle_ids))


def _insert(stored: FigureScope, direct: Direct, teams: Cadence) -> None:
    rows = [
        UnitFigures(scope=stored, unit_id=unit_id, counts=dict(direct.get(unit_id, {})), cadence=teams.get(unit_id))
        for unit_id in direct.keys() | teams.keys()
    ]
    UnitFigures.objects.bulk_create(rows, batch_size=BATCH)


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
            store(scope, compute(scope), compute_cadence(scope))
        else:
            _refresh(stored, replace(scope, only_units=frozenset(units)))
        refreshed += 1
    return refreshed


def _refresh(stored: FigureScope, scope: Scope) -> None:
    with transaction.atomic():
        FigureScope.objects.select_for_update().filter(pk=stored.pk).exists()  # one refresh of a scope at a time
        direct, teams = compute(scope), compute_cadence(scope)
        stored.rows.filter(scope.only_q("unit_id")).delete()
        _insert(stored, direct, teams)
        FigureScope.objects.filter(pk=stored.pk).update(refreshed_at=timezone.now())


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
        store(scope, compute(scope), compute_cadence(scope))
    return len(keys)


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
