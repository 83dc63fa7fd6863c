"""The report's definitions as query expressions, so that a count, a list and an export agree.

Each is a filter on Goal (or a Case over it), evaluated by the database in the same query as
the rest; none costs a query of its own.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Abs
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalStatus, Health, Layer, Metric
from apps.goals.progress import AT_RISK_TOLERANCE, ON_TRACK_TOLERANCE, expected_progress, start_grace_days

# Measured and rolled-up progress of one goal further apart than this make an alignment gap.
DEFAULT_GAP_THRESHOLD = 0.25


class OrphanReason:
    NO_PARENT = "no_parent"
    INTENT_NOT_PUBLISHED = "intent_not_published"


def gap_threshold() -> float:
    return float(getattr(settings, "ALIGNMENT_GAP_THRESHOLD", DEFAULT_GAP_THRESHOLD))


def published_trees() -> QuerySet[Goal]:
    """The tree ids of published intents: in use and out of draft (a cascade tree per intent)."""
    return (
        Goal.objects.filter(layer=Layer.INTENT, tree_parent__isnull=True, archived_at__isnull=True)
        .exclude(status=GoalStatus.DRAFT)
        .values("tree_id")
    )


NO_PARENT_Q = Q(layer=Layer.PERSONAL, parent__isnull=True)


def reaches_published_intent_q() -> Q:
    """A path up to a published intent: a published intent itself, a cascade goal in a published intent's tree,
    or a personal goal linked to a goal of such a tree."""
    trees = published_trees()
    return (
        (Q(layer=Layer.INTENT) & ~Q(status=GoalStatus.DRAFT))
        | Q(layer__in=(Layer.TRANSLATIONAL, Layer.OPERATIONAL), tree_id__in=trees)
        | Q(layer=Layer.PERSONAL, parent__isnull=False, parent__tree_id__in=trees)
    )


def orphaned_q() -> Q:
    """No path to a published intent (intents are roots, never orphans): a personal goal linked to nothing,
    or a goal whose root intent is a draft or archived."""
    trees = published_trees()
    personal_cut_off = Q(layer=Layer.PERSONAL, parent__isnull=False) & ~Q(parent__tree_id__in=trees)
    cascade_cut_off = Q(layer__in=(Layer.TRANSLATIONAL, Layer.OPERATIONAL)) & ~Q(tree_id__in=trees)
    return NO_PARENT_Q | personal_cut_off | cascade_cut_off


def orphan_reason() -> Case:
    return Case(
        When(NO_PARENT_Q, then=Value(OrphanReason.NO_PARENT)),
        default=Value(OrphanReason.INTENT_NOT_PUBLISHED),
        output_field=CharField(),
    )


def without_metric_q() -> Q:
    return ~Q(Exists(Metric.objects.filter(goal_id=OuterRef("pk"), archived_at__isnull=True)))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def stale_cutoff(today: date) -> tuple[date, datetime]:
    cutoff = today - timedelta(days=settings.STALE_AFTER_DAYS)
    return cutoff, _start_of(cutoff)


def not_started_q(cycles: list[Cycle], today: date) -> Q:
    """No activity yet and still within the start grace — apps.goals.progress.is_not_started as a filter, one
    branch per cycle (its grace depends on its length). Goals of cycles not in `cycles` never match."""
    q = Q(pk__in=[])
    for cycle in cycles:
        # Past the grace when both the creation day and the cycle's start are on or before `last_quiet_day`.
        last_quiet_day = today - timedelta(days=start_grace_days(cycle.start, cycle.end, settings.STALE_AFTER_DAYS))
        within = Q() if cycle.start > last_quiet_day else Q(created__gte=_start_of(last_quiet_day + timedelta(days=1)))
        q |= Q(cycle_id=cycle.pk, last_activity_at__isnull=True) & within
    return q


def stale_q(cycles: list[Cycle], today: date) -> Q:
    """No activity (a check-in on the goal or, for a goal without metrics, below it; else its creation) for more
    than STALE_AFTER_DAYS, counted from the later of that and the cycle's start, and started — apps.goals.progress
    .is_stale as a filter. A goal not started yet is not stale: no alarm for a goal just born."""
    cutoff, cutoff_time = stale_cutoff(today)
    quiet = Q(last_activity_at__lt=cutoff_time) | Q(last_activity_at__isnull=True, created__lt=cutoff_time)
    return Q(cycle__start__lt=cutoff) & quiet & ~not_started_q(cycles, today)


def gap_expression() -> Abs:
    return Abs(F("measured_progress") - F("rollup_progress"))


def gap_q(threshold: float) -> Q:
    """Measured and rolled-up progress further apart than `threshold` (goals lacking either have no gap)."""
    return Q(GreaterThan(gap_expression(), threshold))


def health_expression(cycles: list[Cycle], today: date) -> Case:
    """apps.goals.progress.health as SQL, for goals of `cycles`: none for drafts and cancelled goals, achieved is on
    track and missed off track; none for a running goal not started yet; else the owner's word first, else its
    progress against the elapsed share of its cycle, and a stale one is never on track. One branch per cycle (cycles
    are few), with the thresholds computed in Python exactly as `health` computes them, so both give the same
    answer."""
    stale = stale_q(cycles, today)
    whens = [
        When(status__in=(GoalStatus.DRAFT, GoalStatus.CANCELLED), then=Value(None)),
        When(status=GoalStatus.ACHIEVED, then=Value(Health.ON_TRACK)),
        When(status=GoalStatus.MISSED, then=Value(Health.OFF_TRACK)),
        When(not_started_q(cycles, today), then=Value(None)),
        When(health_override=Health.AT_RISK, then=Value(Health.AT_RISK)),
        When(health_override=Health.OFF_TRACK, then=Value(Health.OFF_TRACK)),
        When(Q(health_override=Health.ON_TRACK) & stale, then=Value(Health.AT_RISK)),
        When(health_override=Health.ON_TRACK, then=Value(Health.ON_TRACK)),
    ]
    for cycle in cycles:
        expected = expected_progress(cycle.start, cycle.end, today)
        on_track = Q(cycle_id=cycle.pk, progress__gte=expected - ON_TRACK_TOLERANCE)
        whens += [
            When(on_track & stale, then=Value(Health.AT_RISK)),
            When(on_track, then=Value(Health.ON_TRACK)),
            When(cycle_id=cycle.pk, progress__gte=expected - AT_RISK_TOLERANCE, then=Value(Health.AT_RISK)),
        ]
    return Case(*whens, default=Value(Health.OFF_TRACK), output_field=CharField())


def off_track_bound_q(cycles: list[Cycle], today: date) -> Q:
    """A filter every active goal off track meets (health_expression's branches, read backwards): its owner said so,
    or its progress is below the off-track line of its cycle. Redundant beside the health itself, it lets the database
    read the few goals below the line through the progress index instead of working out every goal's health."""
    q = Q(health_override=Health.OFF_TRACK)
    for cycle in cycles:
        line = expected_progress(cycle.start, cycle.end, today) - AT_RISK_TOLERANCE
        q |= Q(cycle_id=cycle.pk, progress__lt=line)
    return q
