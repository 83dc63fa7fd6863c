"""Writes to goals, their metrics and check-ins. Every caller — pages, API, admin, imports, jobs — goes through these.

Each write that moves progress marks the goal for rollup (apps.goals.dirty).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.bulk import insert_for_each_id
from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import (
    MAX_NAME_LENGTH,
    check_choice,
    check_fraction,
    check_int_range,
    check_known_fields,
    check_text,
    check_weight,
    to_decimal,
)
from apps.cycles.models import Cycle
from apps.org.models import Person, Unit

from . import links, rules, signals, tree
from .dirty import mark_dirty
from .models import PRIVATE_FIELDS, CheckIn, Goal, GoalStatus, Health, Layer, Metric, ProgressSource, ReflectionRead
from .progress import metric_progress
from .similarity import copy_score

EDITABLE_FIELDS = (
    "title",
    "description",
    "why",
    "cycle",
    "unit",
    "owner",
    "weight",
    "status",
    "progress_source",
    "manual_progress",
    "identity",
    "motivation",
)
# Free text of a goal, bounded by MAX_TEXT_LENGTH.
TEXT_FIELDS = {"description", "why", "identity"}
# Changing one of these changes the goal's progress or what its parent counts.
PROGRESS_FIELDS = {"weight", "status", "progress_source", "manual_progress"}


def _tell(*, goal: Goal, actor: Person | None, action: str, changes: dict | None = None) -> None:
    """Tell the apps above that `goal` changed (apps.goals.signals.goal_changed), inside the writer's transaction.

    A personal goal's reflection is its owner's (DESIGN.md "Whose words are whose"): its changed fields are named,
    their words never passed on."""
    changes = dict(changes or {})
    if goal.layer == Layer.PERSONAL:
        changes = {name: (None if name in PRIVATE_FIELDS else value) for name, value in changes.items()}
    signals.goal_changed.send(sender=Goal, goal=goal, actor=actor, action=action, changes=changes)


def _check_title(title: str) -> None:
    if not isinstance(title, str) or not title.strip():
        raise ValidationError({"title": "A goal needs a title."})
    check_text(title, "title", MAX_NAME_LENGTH)


def _check_texts(fields: dict) -> None:
    for name in TEXT_FIELDS & set(fields):
        check_text(fields[name], name)


@transaction.atomic
def goal_create(
    *,
    actor: Person | None,
    title: str,
    layer: str,
    cycle: Cycle,
    unit: Unit,
    owner: Person,
    parent: Goal | None = None,
    description: str = "",
    why: str = "",
    weight: float = 1.0,
    status: str = GoalStatus.DRAFT,
    progress_source: str = ProgressSource.AUTO,
    manual_progress: float | None = None,
    identity: str = "",
    motivation: str = "",
) -> Goal:
    _check_title(title)
    _check_texts({"description": description, "why": why, "identity": identity})
    rules.check_private_write(
        actor=actor,
        layer=layer,
        owner_id=owner.pk,
        fields={"why": why, "identity": identity, "motivation": motivation},
        creating=True,
    )
    rules.check_attributes(
        layer=layer,
        weight=weight,
        manual_progress=manual_progress,
        status=status,
        progress_source=progress_source,
        identity=identity,
        motivation=motivation,
    )
    rules.check_placement(layer=layer, parent=parent, cycle=cycle)
    goal = Goal(
        title=title.strip(),
        layer=layer,
        cycle=cycle,
        unit=unit,
        owner=owner,
        parent=parent,
        description=description,
        why=why,
        weight=weight,
        status=status,
        progress_source=progress_source,
        manual_progress=manual_progress,
        identity=identity,
        motivation=motivation,
        copy_score=copy_score(title.strip(), parent.title if parent else None),
    )
    tree.insert_goal(goal)
    record_change(
        actor=actor,
        obj=goal,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(goal, ("title", "layer", "parent", "cycle", "unit", "owner", "status"))),
    )
    mark_dirty([goal.pk])
    return goal


METRIC_ERROR_PREFIX = "metric_"


@transaction.atomic
def goal_create_with_metric(*, actor: Person | None, metric: dict | None = None, **goal_fields) -> Goal:
    """Create a goal and, when `metric` holds metric_create's fields, its first metric: both or neither.

    The pages that draft a goal with its first metric call this, so a metric the rules refuse leaves no goal
    behind. Its errors name the metric's fields with METRIC_ERROR_PREFIX ("metric_start"), the goal's as usual.
    """
    goal = goal_create(actor=actor, **goal_fields)
    if metric:
        try:
            metric_create(actor=actor, goal=goal, **metric)
        except ValidationError as exc:
            raise ValidationError(
                {f"{METRIC_ERROR_PREFIX}{name}": messages for name, messages in exc.message_dict.items()}
            ) from None
    return goal


@transaction.atomic
def goal_update(*, actor: Person | None, goal: Goal, **fields) -> Goal:
    """Change editable fields. The layer is fixed at creation; the parent changes through goal_move."""
    if goal.archived_at is not None:
        raise ValidationError({"non_field_errors": "This goal is archived: restore it before changing it."})
    if "layer" in fields:
        raise ValidationError({"layer": "The layer of a goal is fixed when it is created: create a new goal instead."})
    if "parent" in fields:
        raise ValidationError({"parent": "Use move to put a goal under another parent."})
    check_known_fields(fields, EDITABLE_FIELDS)
    _check_texts(fields)
    rules.check_private_write(actor=actor, layer=goal.layer, owner_id=goal.owner_id, fields=fields)
    if "title" in fields:
        _check_title(fields["title"])
        fields["title"] = fields["title"].strip()
    merged = {
        name: fields.get(name, getattr(goal, name))
        for name in ("weight", "manual_progress", "status", "progress_source", "identity", "motivation")
    }
    rules.check_attributes(layer=goal.layer, **merged)
    if "cycle" in fields and fields["cycle"].pk != goal.cycle_id:
        rules.check_placement(layer=goal.layer, parent=goal.parent, cycle=fields["cycle"])
        rules.check_children_fit_cycle(goal, fields["cycle"])
        links.check_cycle_change(goal=goal, cycle=fields["cycle"])
    before = snapshot(goal, fields)
    for name, value in fields.items():
        setattr(goal, name, value)
    changes = diff(before, snapshot(goal, fields))
    if not changes:
        return goal
    if "title" in changes:
        goal.copy_score = copy_score(goal.title, goal.parent.title if goal.parent_id else None)
        fields["copy_score"] = goal.copy_score
        _store_children_copy_scores(goal)
    goal.save(update_fields=[*fields, "updated"])
    record_change(actor=actor, obj=goal, action=ObjectChange.Action.UPDATE, changes=changes)
    if PROGRESS_FIELDS & set(changes):
        mark_dirty([goal.pk])
    _tell(goal=goal, actor=actor, action="updated", changes=changes)
    return goal


def _store_children_copy_scores(goal: Goal) -> None:
    """A new title changes how close each child's title is to it (one read, one write)."""
    children = list(goal.children.only("pk", "title"))
    for child in children:
        child.copy_score = copy_score(child.title, goal.title)
    Goal.objects.bulk_update(children, ["copy_score"], batch_size=1000)


@transaction.atomic
def goal_move(*, actor: Person | None, goal: Goal, parent: Goal | None) -> Goal:
    """Put a goal under another parent, checked against the cascade rules (None detaches a personal goal)."""
    if goal.archived_at is not None:
        raise ValidationError({"parent": "An archived goal cannot be moved: restore it first."})
    rules.check_placement(layer=goal.layer, parent=parent, cycle=goal.cycle, goal=goal)
    old_parent_id = goal.parent_id
    new_parent_id = parent.pk if parent else None
    if old_parent_id == new_parent_id:
        return goal
    tree.move_goal(goal, parent)
    links.check_move(goal=goal, parent=parent)  # after the tree's own checks on fresh rows; refusing rolls back
    goal.copy_score = copy_score(goal.title, parent.title if parent else None)
    Goal.objects.filter(pk=goal.pk).update(copy_score=goal.copy_score)
    record_change(
        actor=actor, obj=goal, action=ObjectChange.Action.MOVE, changes={"parent": [old_parent_id, new_parent_id]}
    )
    mark_dirty([goal.pk, old_parent_id])
    _tell(goal=goal, actor=actor, action="moved", changes={"parent": [old_parent_id, new_parent_id]})
    return goal


@transaction.atomic
def goal_archive(*, actor: Person | None, goal: Goal) -> Goal:
    """Take a goal out of use, keeping it and its history. Its children must go first."""
    if goal.archived_at is not None:
        return goal
    live_children = goal.children.filter(archived_at__isnull=True).count()
    if live_children:
        raise ValidationError(
            {"non_field_errors": f"This goal still has {live_children} goal(s) under it: archive or move them first."}
        )
    goal.archived_at = timezone.now()
    goal.save(update_fields=["archived_at", "updated"])
    record_change(actor=actor, obj=goal, action=ObjectChange.Action.ARCHIVE)
    # The goal itself too: the rollup's path from it reaches its parent and the targets of its `contributes` links.
    mark_dirty([goal.pk, goal.parent_id])
    _tell(goal=goal, actor=actor, action="archived")
    return goal


@transaction.atomic
def goal_restore(*, actor: Person | None, goal: Goal) -> Goal:
    if goal.archived_at is None:
        return goal
    if goal.parent is not None and goal.parent.archived_at is not None:
        raise ValidationError({"parent": "The parent goal is archived: restore it first, or move this goal."})
    goal.archived_at = None
    goal.save(update_fields=["archived_at", "updated"])
    record_change(actor=actor, obj=goal, action=ObjectChange.Action.RESTORE)
    mark_dirty([goal.pk])
    _tell(goal=goal, actor=actor, action="restored")
    return goal


# --- Metrics and check-ins ---------------------------------------------------------------

METRIC_FIELDS = ("name", "unit", "display_unit", "start", "target", "current", "weight")
DISPLAY_UNIT_LENGTH = Metric._meta.get_field("display_unit").max_length


def _check_metric_name(name) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": "A metric needs a name."})
    check_text(name, "name", MAX_NAME_LENGTH)


def _check_display_unit(value) -> str:
    """A short free text shown with the values ("$", "days"); surrounding spaces are dropped."""
    return check_text(value, "display_unit", DISPLAY_UNIT_LENGTH).strip()


def metric_input_check(item: dict) -> dict:
    """A metric given as data (a proposal's, a template's), checked by metric_create's rules: its cleaned name, unit,
    display_unit, start and target (Decimals) and weight. Raises ValidationError naming the metric's field."""
    name = item.get("name")
    _check_metric_name(name)
    unit = check_choice(item.get("unit", Metric.Unit.NUMBER), Metric.Unit, "unit")
    start, target = to_decimal(item.get("start"), "start"), to_decimal(item.get("target"), "target")
    return {
        "name": name.strip(),
        "unit": unit,
        "display_unit": _check_display_unit(item.get("display_unit", "")),
        "start": start,
        "target": target,
        "weight": check_weight(item.get("weight", 1.0)),
    }


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
    display_unit: str = "",
) -> Metric:
    _check_goal_open(goal)
    _check_metric_name(name)
    check_choice(unit, Metric.Unit, "unit")
    start, target = to_decimal(start, "start"), to_decimal(target, "target")
    current = start if current is None else to_decimal(current, "current")
    metric = Metric.objects.create(
        goal=goal,
        name=name.strip(),
        unit=unit,
        display_unit=_check_display_unit(display_unit),
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
    _tell(goal=goal, actor=actor, action="metric", changes={"metric": [None, metric.name]})
    return metric


@transaction.atomic
def metric_update(*, actor: Person | None, metric: Metric, **fields) -> Metric:
    check_known_fields(fields, METRIC_FIELDS)
    _check_goal_open(metric.goal)
    for name in ("start", "target", "current"):
        if name in fields:
            fields[name] = to_decimal(fields[name], name)
    if "weight" in fields:
        fields["weight"] = check_weight(fields["weight"])
    if "unit" in fields:
        check_choice(fields["unit"], Metric.Unit, "unit")
    if "name" in fields:
        _check_metric_name(fields["name"])
    if "display_unit" in fields:
        fields["display_unit"] = _check_display_unit(fields["display_unit"])
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
    _tell(goal=metric.goal, actor=actor, action="metric", changes={"metric": [metric.name, metric.name]})
    return metric


@transaction.atomic
def metric_archive(*, actor: Person | None, metric: Metric) -> Metric:
    if metric.archived_at is None:
        metric.archived_at = timezone.now()
        metric.save(update_fields=["archived_at", "updated"])
        record_change(actor=actor, obj=metric, action=ObjectChange.Action.ARCHIVE)
        mark_dirty([metric.goal_id])
        _tell(goal=metric.goal, actor=actor, action="metric", changes={"metric": [metric.name, None]})
    return metric


@transaction.atomic
def checkin_record(
    *, actor: Person, metric: Metric, value, confidence: int, note: str = "", health: str = "", reflection: str = ""
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
        note=check_text(note, "note"),
        reflection=check_text(reflection, "reflection"),
        health=check_choice(health, Health, "health") if health else "",
        author=actor,
    )
    before = metric.progress
    metric.current = value
    metric.progress = metric_progress(metric.start, metric.target, value)
    metric.save(update_fields=["current", "progress", "updated"])
    _touch_goal(metric.goal, checkin)
    mark_dirty([metric.goal_id])
    _tell(goal=metric.goal, actor=actor, action="checkin", changes={metric.name: [None, str(value)]})
    signals.metric_progressed.send(sender=Metric, metric=metric, before=before, after=metric.progress, actor=actor)
    return checkin


@transaction.atomic
def goal_checkin_record(
    *,
    actor: Person,
    goal: Goal,
    confidence: int,
    note: str = "",
    progress: float | None = None,
    health: str = "",
    reflection: str = "",
) -> CheckIn:
    """A check-in on the goal itself — a goal without metrics, most intents: a confidence, a note, the owner's
    health and, where the goal's progress is entered by hand, its new progress (which then rolls up)."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _check_goal_open(goal)
    if progress is not None:
        if not progress_entered_by_hand(goal):
            message = "This goal's progress comes from its metrics or the goals under it: check in on those instead."
            raise ValidationError({"progress": message})
        progress = check_fraction(progress, "progress")
    checkin = CheckIn.objects.create(
        goal=goal,
        progress=progress,
        confidence=check_int_range(confidence, "confidence", 0, 10, "Confidence"),
        note=check_text(note, "note"),
        reflection=check_text(reflection, "reflection"),
        health=check_choice(health, Health, "health") if health else "",
        author=actor,
    )
    changes = {}
    if progress is not None and progress != goal.manual_progress:
        Goal.objects.filter(pk=goal.pk).update(manual_progress=progress)
        changes = {"manual_progress": [goal.manual_progress, progress]}
        record_change(actor=actor, obj=goal, action=ObjectChange.Action.UPDATE, changes=changes)
        goal.manual_progress = progress
    _touch_goal(goal, checkin)
    # Always: the check-in freshens the goal and, up the cascade, every goal without metrics of its own above it.
    mark_dirty([goal.pk])
    _tell(goal=goal, actor=actor, action="checkin", changes=changes)
    return checkin


def progress_entered_by_hand(goal: Goal) -> bool:
    """Whether the goal's progress is the value someone enters: its source is manual, or automatic with neither
    metrics in use nor counted children or contributing goals to take it from (DESIGN.md "Progress")."""
    if goal.progress_source == ProgressSource.MANUAL:
        return True
    if goal.progress_source != ProgressSource.AUTO:
        return False
    has_metrics = goal.metrics.filter(archived_at__isnull=True).exists()
    return (
        not has_metrics
        and not goal.children.filter(archived_at__isnull=True).exclude(status=GoalStatus.CANCELLED).exists()
        and not links.counted_contributions_exist(goal)
    )


def _touch_goal(goal: Goal, checkin: CheckIn) -> None:
    """The latest check-in sets the goal's check-in time and the owner's health (blank: computed); it is the goal's
    latest activity too (the rollup then carries it up to the goals without metrics above)."""
    Goal.objects.filter(pk=goal.pk).update(
        last_checkin_at=checkin.created, last_activity_at=checkin.created, health_override=checkin.health
    )
    goal.last_checkin_at, goal.last_activity_at, goal.health_override = checkin.created, checkin.created, checkin.health


# --- Reads of private reflections ----------------------------------------------------------


def reflection_reads_record(*, reader: Person, goal_ids: Iterable[int], channel: str) -> None:
    """Record that `reader` read the private reflection of these personal goals (one INSERT; a repeat read within
    the hour is already recorded). Callers pass only goals whose reflection they showed to someone not its owner."""
    ids = sorted(set(goal_ids))
    if not ids or getattr(reader, "pk", None) is None:
        return
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    values = {"reader": reader.pk, "channel": channel, "hour": hour, "read_at": now}
    insert_for_each_id(ReflectionRead, "goal", ids, values)
