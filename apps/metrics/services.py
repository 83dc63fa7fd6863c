"""Writes to metrics and check-ins. Each one that moves progress marks its goal for rollup."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import check_choice, check_int_range, check_weight, to_decimal
from apps.goals.dirty import mark_dirty
from apps.goals.models import Goal, GoalStatus, Health
from apps.goals.progress import metric_progress
from apps.goals.services import goal_update
from apps.org.models import Person

from .models import CheckIn, Metric

EDITABLE_FIELDS = ("name", "unit", "start", "target", "current", "weight")


def _check_goal_open(goal: Goal) -> None:
    if goal.archived_at is not None:
        raise ValidationError({"goal": "This goal is archived: restore it before changing its metrics."})


@transaction.atomic
def metric_create(
    *,
    actor: Person | None,
    goal: Goal,
    name: str,
    start,
    target,
    current=None,
    unit: str = Metric.Unit.NUMBER,
    weight: float = 1.0,
) -> Metric:
    _check_goal_open(goal)
    if not name or not name.strip():
        raise ValidationError({"name": "A metric needs a name."})
    check_choice(unit, Metric.Unit, "unit")
    start, target = to_decimal(start, "start"), to_decimal(target, "target")
    current = start if current is None else to_decimal(current, "current")
    metric = Metric.objects.create(
        goal=goal,
        name=name.strip(),
        unit=unit,
        start=start,
        target=target,
        current=current,
        weight=check_weight(weight),
        progress=metric_progress(start, target, current),
    )
    record_change(
        actor=actor,
        obj=metric,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(metric, ("goal", "name", "start", "target", "current", "weight"))),
    )
    mark_dirty([goal.pk])
    return metric


@transaction.atomic
def metric_update(*, actor: Person | None, metric: Metric, **fields) -> Metric:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    _check_goal_open(metric.goal)
    for name in ("start", "target", "current"):
        if name in fields:
            fields[name] = to_decimal(fields[name], name)
    if "weight" in fields:
        fields["weight"] = check_weight(fields["weight"])
    if "unit" in fields:
        check_choice(fields["unit"], Metric.Unit, "unit")
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError({"name": "A metric needs a name."})
    before = snapshot(metric, fields)
    for name, value in fields.items():
        setattr(metric, name, value)
    changes = diff(before, snapshot(metric, fields))
    if not changes:
        return metric
    metric.progress = metric_progress(metric.start, metric.target, metric.current)
    metric.save()
    record_change(actor=actor, obj=metric, action=ObjectChange.Action.UPDATE, changes=changes)
    mark_dirty([metric.goal_id])
    return metric


@transaction.atomic
def metric_archive(*, actor: Person | None, metric: Metric) -> Metric:
    if metric.archived_at is None:
        metric.archived_at = timezone.now()
        metric.save(update_fields=["archived_at", "updated"])
        record_change(actor=actor, obj=metric, action=ObjectChange.Action.ARCHIVE)
        mark_dirty([metric.goal_id])
    return metric


@transaction.atomic
def checkin_record(
    *, actor: Person, metric: Metric, value, confidence: int, note: str = "", health: str = ""
) -> CheckIn:
    """Record a metric's new value; the metric and the goal's check-in time follow, and the cascade rolls up."""
    metric = Metric.objects.select_for_update().select_related("goal").get(pk=metric.pk)
    if metric.archived_at is not None:
        raise ValidationError({"metric": "This metric is archived: check in on a metric in use."})
    _check_goal_open(metric.goal)
    value = to_decimal(value, "value")
    checkin = CheckIn.objects.create(
        goal=metric.goal,
        metric=metric,
        value=value,
        confidence=check_int_range(confidence, "confidence", 0, 10, "Confidence"),
        note=note or "",
        health=check_choice(health, Health, "health") if health else "",
        author=actor,
    )
    metric.current = value
    metric.progress = metric_progress(metric.start, metric.target, value)
    metric.save(update_fields=["current", "progress", "updated"])
    _touch_goal(metric.goal, checkin)
    mark_dirty([metric.goal_id])
    return checkin


@transaction.atomic
def goal_checkin_record(
    *, actor: Person, goal: Goal, confidence: int, note: str = "", status: str = "", health: str = ""
) -> CheckIn:
    """A check-in on the goal itself: its status and/or health, with a confidence and a note."""
    _check_goal_open(goal)
    if status:
        check_choice(status, GoalStatus, "status")
    checkin = CheckIn.objects.create(
        goal=goal,
        confidence=check_int_range(confidence, "confidence", 0, 10, "Confidence"),
        note=note or "",
        status=status,
        health=check_choice(health, Health, "health") if health else "",
        author=actor,
    )
    if status and status != goal.status:
        goal_update(actor=actor, goal=goal, status=status)
    _touch_goal(goal, checkin)
    return checkin


def _touch_goal(goal: Goal, checkin: CheckIn) -> None:
    """The latest check-in sets the goal's check-in time and the owner's health (blank: computed)."""
    Goal.objects.filter(pk=goal.pk).update(last_checkin_at=checkin.created, health_override=checkin.health)
    goal.last_checkin_at, goal.health_override = checkin.created, checkin.health
