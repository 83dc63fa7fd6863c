"""The alignment summary: how much of the organisation's work has a path to strategy.

Every figure is one query whatever the size of the organisation; the lists are querysets, so
an export streams them in chunks instead of holding them in memory.

Scope: the goals of one cycle and of the cycles inside it, or, without a cycle, of every
active cycle (and the cycles inside those). Archived goals never count.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.cycles.selectors import cycle_subtree_ids
from apps.goals.models import Goal, GoalStatus, Layer, Motivation
from apps.org.models import Person

# HR sees motivation only as aggregates of this many people or more (DESIGN.md).
MIN_GROUP_SIZE = 5


class OrphanReason:
    NO_PARENT = "no_parent"
    INTENT_NOT_PUBLISHED = "intent_not_published"


@dataclass
class AlignmentSummary:
    cycle_ids: list[int]
    today: date
    stale_after_days: int
    goals_per_layer: dict[str, int]
    orphaned_goals: QuerySet[Goal]
    people_without_goals: QuerySet[Person]
    stale_goals: QuerySet[Goal]
    motivation: dict[str, int | None] = field(default_factory=dict)

    @property
    def goals_total(self) -> int:
        return sum(self.goals_per_layer.values())


def cycles_in_scope(cycle: Cycle | None = None) -> list[int]:
    """The cycle and those inside it; without one, the active cycles and those inside them."""
    roots = (
        [cycle.pk]
        if cycle is not None
        else Cycle.objects.filter(status=Cycle.Status.ACTIVE).values_list("pk", flat=True)
    )
    return sorted(cycle_subtree_ids(roots))


def live_goals(cycle_ids: list[int]) -> QuerySet[Goal]:
    return Goal.objects.filter(cycle_id__in=cycle_ids, archived_at__isnull=True)


def goals_per_layer(cycle_ids: list[int]) -> dict[str, int]:
    counts = dict(live_goals(cycle_ids).order_by().values_list("layer").annotate(n=Count("pk")))
    return {layer: counts.get(layer, 0) for layer in Layer.values}


def orphaned_goals(cycle_ids: list[int]) -> QuerySet[Goal]:
    """Active goals with no path to a published intent: a personal goal without a parent, or a goal whose
    root intent is a draft or archived. Each row carries its `reason`."""
    published_trees = (
        Goal.objects.filter(layer=Layer.INTENT, tree_parent__isnull=True, archived_at__isnull=True)
        .exclude(status=GoalStatus.DRAFT)
        .values("tree_id")
    )
    no_parent = Q(layer=Layer.PERSONAL, parent__isnull=True)
    personal_cut_off = Q(layer=Layer.PERSONAL, parent__isnull=False) & ~Q(parent__tree_id__in=published_trees)
    cascade_cut_off = Q(layer__in=(Layer.TRANSLATIONAL, Layer.OPERATIONAL)) & ~Q(tree_id__in=published_trees)
    return (
        live_goals(cycle_ids)
        .filter(status=GoalStatus.ACTIVE)
        .filter(no_parent | personal_cut_off | cascade_cut_off)
        .annotate(
            reason=Case(
                When(no_parent, then=Value(OrphanReason.NO_PARENT)),
                default=Value(OrphanReason.INTENT_NOT_PUBLISHED),
                output_field=CharField(),
            )
        )
        .select_related("owner", "unit", "cycle")
        .order_by("pk")
    )


def people_without_goals(cycle_ids: list[int]) -> QuerySet[Person]:
    """Active people who own no goal in use (a draft counts as a goal) in the scope."""
    owners = live_goals(cycle_ids).values("owner_id")
    return Person.objects.filter(is_active=True).exclude(pk__in=owners).select_related("unit").order_by("pk")


def stale_goals(cycle_ids: list[int], today: date, stale_after_days: int) -> QuerySet[Goal]:
    """Active goals with no check-in (nor creation) for more than `stale_after_days` days, counted from the
    later of the last activity and the cycle's start (as apps.goals.progress.is_stale does)."""
    cutoff = today - timedelta(days=stale_after_days)
    cutoff_time = timezone.make_aware(datetime.combine(cutoff, time.min))
    return (
        live_goals(cycle_ids)
        .filter(status=GoalStatus.ACTIVE, cycle__start__lt=cutoff)
        .annotate(last_activity=Coalesce(F("last_checkin_at"), F("created")))
        .filter(last_activity__lt=cutoff_time)
        .select_related("owner", "unit", "cycle")
        .order_by("last_activity", "pk")
    )


def motivation_aggregates(cycle_ids: list[int]) -> dict[str, int | None]:
    """Personal goals per motivation; null where fewer than MIN_GROUP_SIZE people stand behind a figure."""
    rows = (
        live_goals(cycle_ids)
        .filter(layer=Layer.PERSONAL)
        .exclude(motivation="")
        .order_by()
        .values("motivation")
        .annotate(goals=Count("pk"), people=Count("owner", distinct=True))
    )
    found = {row["motivation"]: row for row in rows}
    return {
        value: found[value]["goals"] if value in found and found[value]["people"] >= MIN_GROUP_SIZE else None
        for value in Motivation.values
    }


def alignment_summary(cycle: Cycle | None = None, today: date | None = None) -> AlignmentSummary:
    cycle_ids = cycles_in_scope(cycle)
    today = today or timezone.localdate()
    days = settings.STALE_AFTER_DAYS
    return AlignmentSummary(
        cycle_ids=cycle_ids,
        today=today,
        stale_after_days=days,
        goals_per_layer=goals_per_layer(cycle_ids),
        orphaned_goals=orphaned_goals(cycle_ids),
        people_without_goals=people_without_goals(cycle_ids),
        stale_goals=stale_goals(cycle_ids, today, days),
        motivation=motivation_aggregates(cycle_ids),
    )
