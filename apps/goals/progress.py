"""Progress arithmetic, exactly as DESIGN.md defines it. Pure functions, no database.

The incremental rollup and the full recompute both call `compute_goal`, and sums use
`math.fsum` (correctly rounded, independent of order), so the two paths agree to the bit.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from .models import GoalStatus, Health, ProgressSource

# How far below the expected progress a goal may run and still count as on track / at risk.
ON_TRACK_TOLERANCE = 0.10
AT_RISK_TOLERANCE = 0.25


def clamp01(value: float) -> float:
    return min(1.0, max(0.0, value))


def metric_progress(start: Decimal, target: Decimal, current: Decimal) -> float:
    """(current − start) / (target − start), clamped to [0, 1]; works for decrease metrics too.

    When target = start there is no distance to cover: 1 once current has reached the
    target (current ≥ target), else 0.
    """
    if target == start:
        return 1.0 if current >= target else 0.0
    return clamp01(float((Decimal(current) - Decimal(start)) / (Decimal(target) - Decimal(start))))


def carries_no_weight(weights: Iterable[float]) -> bool:
    """Whether inputs that weigh nothing in all leave their weighted mean undefined (none at all, or all at 0)."""
    return math.fsum(weights) <= 0


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of values weighted by weights, from (weight, value) pairs; None when the weights sum to 0."""
    pairs = list(pairs)
    if carries_no_weight(weight for weight, _ in pairs):
        return None
    total_weight = math.fsum(weight for weight, _ in pairs)
    return clamp01(math.fsum(weight * value for weight, value in pairs) / total_weight)


def counts_for_parent(status: str, archived: bool) -> bool:
    """Whether a child contributes to its parent's rollup: cancelled and archived ones do not."""
    return status != GoalStatus.CANCELLED and not archived


@dataclass(frozen=True)
class Figures:
    measured_progress: float | None
    rollup_progress: float | None
    progress: float


def compute_goal(
    *,
    source: str,
    manual_progress: float | None,
    metrics: list[tuple[float, float]],
    children: list[tuple[float, float]],
) -> Figures:
    """The three stored figures of one goal from its metrics' and counted children's (weight, progress)."""
    measured = weighted_mean(metrics)
    rollup = weighted_mean(children)
    if source == ProgressSource.AUTO:
        source = ProgressSource.METRICS if metrics else ProgressSource.CHILDREN if children else ProgressSource.MANUAL
    chosen = {
        ProgressSource.METRICS: measured,
        ProgressSource.CHILDREN: rollup,
        ProgressSource.MANUAL: manual_progress,
    }[source]
    return Figures(measured, rollup, clamp01(chosen) if chosen is not None else 0.0)


def expected_progress(cycle_start: date, cycle_end: date, today: date) -> float:
    """The share of the cycle that has elapsed on `today`, in [0, 1] (both ends inclusive)."""
    total_days = (cycle_end - cycle_start).days + 1
    return clamp01(((today - cycle_start).days + 1) / total_days)


def last_activity(*, own: datetime | None, has_metrics: bool, children: Iterable[datetime | None]) -> datetime | None:
    """How fresh a goal is: its own latest check-in and, for a goal without metrics of its own, its freshest counted
    child's activity too (DESIGN.md "Progress"). None when nothing was ever checked in."""
    times = [own] if has_metrics else [own, *children]
    times = [at for at in times if at is not None]
    return max(times) if times else None


def start_grace_days(cycle_start: date, cycle_end: date, stale_after_days: int) -> int:
    """How many days a new goal stays "not started": 14 (`stale_after_days`) or a tenth of its cycle, the longer
    (in whole days, rounded up: a goal is counted by the day)."""
    cycle_days = (cycle_end - cycle_start).days + 1
    return max(stale_after_days, math.ceil(cycle_days / 10))


def is_not_started(
    *,
    last_activity: datetime | None,
    created: datetime,
    cycle_start: date,
    cycle_end: date,
    today: date,
    stale_after_days: int,
) -> bool:
    """No check-in on it (nor below a goal without metrics) yet, and still within its start grace, counted from its
    creation or its cycle's start, the later (a goal drafted before its cycle begins starts with the cycle)."""
    if last_activity is not None:
        return False
    since = max(_day(created), cycle_start)
    return (today - since).days < start_grace_days(cycle_start, cycle_end, stale_after_days)


def health(
    *,
    progress: float,
    status: str,
    cycle_start: date,
    cycle_end: date,
    today: date,
    last_activity: datetime | None,
    created: datetime,
    override: str = "",
    stale_after_days: int = 14,
) -> str | None:
    """On track / at risk / off track: progress against the elapsed share of the cycle; None for no colour.

    Drafts and cancelled goals have no health, nor has a running goal that is not started yet (no alarm for a goal
    just born). Achieved is on track and missed is off track. An owner's health from their latest check-in wins.
    A running goal with no activity within `stale_after_days` is stale and never shown as on track.
    """
    if status in (GoalStatus.DRAFT, GoalStatus.CANCELLED):
        return None
    if status == GoalStatus.ACHIEVED:
        return Health.ON_TRACK
    if status == GoalStatus.MISSED:
        return Health.OFF_TRACK
    if is_not_started(
        last_activity=last_activity,
        created=created,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        today=today,
        stale_after_days=stale_after_days,
    ):
        return None
    result = override or _health_from_schedule(progress, expected_progress(cycle_start, cycle_end, today))
    if result == Health.ON_TRACK and is_stale(last_activity or created, today, stale_after_days, cycle_start):
        return Health.AT_RISK
    return result


def _health_from_schedule(progress: float, expected: float) -> str:
    if progress >= expected - ON_TRACK_TOLERANCE:
        return Health.ON_TRACK
    if progress >= expected - AT_RISK_TOLERANCE:
        return Health.AT_RISK
    return Health.OFF_TRACK


def is_stale(last_activity: datetime | None, today: date, stale_after_days: int, cycle_start: date) -> bool:
    """No activity within the window, counted from the later of the last activity (or creation) and the cycle start."""
    since = max(_day(last_activity) if last_activity else cycle_start, cycle_start)
    return today - since > timedelta(days=stale_after_days)


def _day(moment: datetime) -> date:
    """The day of `moment` where the organisation is (settings.TIME_ZONE), as the report's SQL counts it."""
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
