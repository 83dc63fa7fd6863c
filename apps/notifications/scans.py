"""The periodic scans that find what needs someone's attention without anyone acting: check-ins that are due (with
the escalation to the manager) and goals that went off track under someone's goal. Set-based: a handful of
queries per batch of people or goals, whatever the size of the organisation (100,000 people × 5 goals), and
idempotent — running a scan twice stores nothing twice.

Check-ins (DESIGN.md "Notification"; issue 12 part 4):
- A goal is *due* when it is active, in an active cycle, and has had no check-in (on itself, or below a goal
  without metrics: `last_activity_at`) for its unit's `checkin_cadence_days` (7 unless the unit's lead set
  another); a new goal counts from its creation. A person checked in recently on a goal: that goal is not due.
- A person with due goals gets one reminder per cadence (the shortest among their due goals), unless they turned
  reminders off. After two reminders went unanswered, the third time their manager (or, without one, the lead of
  their unit) gets one escalation in their own digest, and the person no more reminders: once per episode.
- When nothing is due any more (they checked in), the episode ends and its unread reminders are put away.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice

from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.locks import advisory_xact_lock
from apps.cycles.models import Cycle
from apps.goals.models import PRIVATE_FIELDS, Goal, GoalStatus, Health, Layer
from apps.goals.selectors import goal_health
from apps.org.models import Person, Unit

from . import services
from .models import Notification, OffTrackEpisode, Preference, ReminderState

Kind = Notification.Kind
BATCH = 1000
REMINDERS_BEFORE_ESCALATION = 2


def _batches(iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


# --- Check-ins due ----------------------------------------------------------------------------------------------


def due_goals(now: datetime) -> QuerySet[Goal]:
    """Active goals of active people in active cycles with no check-in within their unit's cadence.
    One condition per distinct cadence (a few): the database compares each goal with its own."""
    cadences = list(Unit.objects.values_list("checkin_cadence_days", flat=True).distinct().order_by())
    if not cadences:
        return Goal.objects.none()
    stale = Q()
    for days in cadences:
        stale |= Q(unit__checkin_cadence_days=days, last_seen__lt=now - timedelta(days=days))
    return (
        Goal.objects.filter(
            status=GoalStatus.ACTIVE, archived_at__isnull=True, owner__is_active=True, cycle__status=Cycle.Status.ACTIVE
        )
        .annotate(last_seen=Coalesce("last_activity_at", "last_checkin_at", "created"))
        .filter(stale)
    )


@transaction.atomic
def checkin_reminders_scan(*, now: datetime | None = None) -> dict[str, int]:
    """Remind whoever has due check-ins, escalate whoever missed two reminders, end the episodes of whoever
    checked in. How many reminders and escalations were stored."""
    now = now or timezone.now()
    advisory_xact_lock("notifications.checkin_reminders")  # one scan at a time decides the episodes
    due = due_goals(now)
    _end_episodes(due, now)
    per_owner = due.order_by().values("owner_id").annotate(goals=Count("pk"), cadence=Min("unit__checkin_cadence_days"))
    counts = {"reminders": 0, "escalations": 0}
    for batch in _batches(per_owner.order_by("owner_id").iterator(chunk_size=BATCH)):
        for name, n in _remind_batch(batch, now).items():
            counts[name] += n
    return counts


def _end_episodes(due: QuerySet[Goal], now: datetime) -> None:
    owners = due.order_by().values("owner_id")
    ReminderState.objects.exclude(person_id__in=owners).delete()
    pending = Notification.objects.filter(kind=Kind.CHECKIN_DUE, read_at__isnull=True)
    pending.exclude(person_id__in=owners).update(read_at=now)


def _remind_batch(batch: list[dict], now: datetime) -> dict[str, int]:
    ids = [row["owner_id"] for row in batch]
    off = set(Preference.objects.filter(person_id__in=ids, checkin_reminders=False).values_list("person_id", flat=True))
    states = {state.person_id: state for state in ReminderState.objects.filter(person_id__in=ids)}
    people = {row["pk"]: row for row in Person.objects.filter(pk__in=ids).values("pk", "name", "username", *_BOSS)}
    items, new_states, changed = [], [], []
    for row in batch:
        person_id = row["owner_id"]
        if person_id in off:
            continue  # reminders off: nothing sent, so nothing missed and nobody escalated to
        state = states.get(person_id)
        if state is None:
            state = ReminderState(person_id=person_id, started=now)
            new_states.append(state)
        elif state.last_reminded_at and state.last_reminded_at > now - timedelta(days=row["cadence"]):
            continue  # reminded within this cadence already
        else:
            changed.append(state)
        item = _next_step(state, row, people[person_id], now)
        if item is not None:
            items.append(item)
    ReminderState.objects.bulk_create(new_states, ignore_conflicts=True)
    ReminderState.objects.bulk_update(changed, ["reminders_sent", "last_reminded_at", "escalated_at"])
    services.notify_many(items, now=now)
    return {
        "reminders": sum(item.kind == Kind.CHECKIN_DUE for item in items),
        "escalations": sum(item.kind == Kind.ESCALATION for item in items),
    }


_BOSS = ("manager_id", "unit__lead_id")


def _next_step(state: ReminderState, row: dict, person: dict, now: datetime) -> services.Item | None:
    """A reminder while fewer than two went unanswered; then one escalation; then nothing until they check in."""
    episode = state.started.strftime("%Y%m%dT%H%M")
    goals = row["goals"]
    if state.reminders_sent < REMINDERS_BEFORE_ESCALATION:
        state.reminders_sent += 1
        state.last_reminded_at = now
        text = f"{goals} of your goals need{'s' if goals == 1 else ''} a check-in."
        if goals == 1:
            text = "One of your goals needs a check-in."
        return services.Item(
            person_id=row["owner_id"],
            kind=Kind.CHECKIN_DUE,
            text=text,
            key=f"checkin_due:{episode}:{state.reminders_sent}",
            url=services.checkin_path(),
        )
    if state.escalated_at is not None:
        return None
    state.escalated_at = state.last_reminded_at = now
    boss = person["manager_id"] or person["unit__lead_id"]
    if boss is None or boss == row["owner_id"]:
        return None
    name = person["name"] or person["username"]
    return services.Item(
        person_id=boss,
        kind=Kind.ESCALATION,
        text=f"{name} missed {REMINDERS_BEFORE_ESCALATION} check-in reminders: "
        f"{goals} goal{'s' if goals != 1 else ''} without a recent check-in.",
        key=f"escalation:{row['owner_id']}:{episode}",
    )


# --- Off track under my goal ----------------------------------------------------------------------------------


def _watched_goals() -> QuerySet[Goal]:
    """Active goals under someone else's goal whose owner may see them: cascade goals (published to everyone), and
    personal goals only when the parent's owner is the person's own manager (their manager chain sees them)."""
    visible = ~Q(layer=Layer.PERSONAL) | Q(owner__manager_id=F("parent__owner_id"))
    return (
        Goal.objects.filter(visible, status=GoalStatus.ACTIVE, archived_at__isnull=True, parent__isnull=False)
        .filter(parent__archived_at__isnull=True)
        .exclude(parent__owner_id=F("owner_id"))
        .select_related("cycle")
        .defer("description", *PRIVATE_FIELDS)
        .annotate(
            parent_owner_id=F("parent__owner_id"),
            parent_title=F("parent__title"),
            owner_name=Coalesce("owner__name", "owner__username"),
        )
        .order_by("pk")
    )


@transaction.atomic
def off_track_scan(*, now: datetime | None = None) -> int:
    """Tell each goal's parent's owner when the goal went off track: once per episode (until it is back on track,
    archived or no longer active). How many were told."""
    now = now or timezone.now()
    advisory_xact_lock("notifications.off_track")
    today = timezone.localdate(now)
    told = 0
    for batch in _batches(_watched_goals().iterator(chunk_size=BATCH)):
        off = {goal.pk: goal for goal in batch if goal_health(goal, today) == Health.OFF_TRACK}
        known = set(OffTrackEpisode.objects.filter(goal_id__in=[g.pk for g in batch]).values_list("goal_id", flat=True))
        OffTrackEpisode.objects.filter(goal_id__in=known - set(off)).delete()
        new = [goal for pk, goal in off.items() if pk not in known]
        OffTrackEpisode.objects.bulk_create([OffTrackEpisode(goal_id=g.pk, since=now) for g in new])
        services.notify_many([_off_track_item(goal, now) for goal in new], now=now)
        told += len(new)
    # Goals that left the watch (archived, achieved, moved under their own owner…) end their episode too.
    OffTrackEpisode.objects.exclude(goal_id__in=_watched_goals().values("pk")).delete()
    return told


def _off_track_item(goal: Goal, now: datetime) -> services.Item:
    return services.Item(
        person_id=goal.parent_owner_id,
        kind=Kind.OFF_TRACK_BELOW,
        text=f"“{goal.title}” ({goal.owner_name}), under your “{goal.parent_title}”, is off track.",
        key=f"off_track:{goal.pk}:{now:%Y%m%dT%H%M%S}",
        url=services.goal_path(goal.pk),
        goal_id=goal.pk,
    )
