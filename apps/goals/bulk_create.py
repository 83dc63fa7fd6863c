"""Creating many goals of one kind at once (a template assigned to a thousand people): what goal_create and
metric_create do for each, with the checks done once and the rows written a few statements at a time.

Each goal ends up exactly as apps.goals.services.goal_create leaves it — same fields, same history row, its metrics
as metric_create leaves them with theirs, marked for rollup — and the tree as apps.goals.tree keeps it:
- personal goals are one-node trees of their own (apps.goals.models): each takes the next free `tree_id`, under the
  global tree lock that tree.insert_goal takes for a new tree_id, and they are inserted in one statement per batch;
- translational and operational goals go into their parent's tree through tree.insert_goal, one by one (the nested
  set is renumbered for each: only apps.goals.tree writes into a cascade's tree).

Signals: goal_create sends none on creation; metric_create tells the apps above of each metric (a notification
"changed a metric of your goal" per metric). Here nothing is sent: the caller tells each owner once what they got.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from apps.core.history import diff, record_changes, snapshot
from apps.core.locks import GLOBAL_KEY, advisory_xact_lock
from apps.core.models import ObjectChange
from apps.core.validation import MAX_NAME_LENGTH, check_choice, check_text, check_weight, to_decimal
from apps.cycles.models import Cycle
from apps.org.models import Person, Unit

from . import rules, tree
from .dirty import mark_dirty
from .models import Goal, GoalStatus, Layer, Metric, ProgressSource
from .progress import metric_progress
from .services import DISPLAY_UNIT_LENGTH, _check_texts, _check_title
from .similarity import copy_score

BATCH_SIZE = 1000
# What goal_create and metric_create record in the history of a new goal and a new metric.
GOAL_HISTORY_FIELDS = ("title", "layer", "parent", "cycle", "unit", "owner", "status")
METRIC_HISTORY_FIELDS = ("goal", "name", "start", "target", "current", "weight")


@dataclass(frozen=True)
class NewMetric:
    """A metric each new goal starts with, as metric_create takes it (current starts at `start`)."""

    name: str
    start: Decimal | int | float | str
    target: Decimal | int | float | str
    unit: str = Metric.Unit.NUMBER
    weight: float = 1.0
    display_unit: str = ""


def _checked_metric(spec: NewMetric) -> NewMetric:
    if not isinstance(spec.name, str) or not spec.name.strip():
        raise ValidationError({"name": "A metric needs a name."})
    check_text(spec.name, "name", MAX_NAME_LENGTH)
    check_choice(spec.unit, Metric.Unit, "unit")
    return NewMetric(
        name=spec.name.strip(),
        start=to_decimal(spec.start, "start"),
        target=to_decimal(spec.target, "target"),
        unit=spec.unit,
        weight=check_weight(spec.weight),
        display_unit=check_text(spec.display_unit, "display_unit", DISPLAY_UNIT_LENGTH).strip(),
    )


@transaction.atomic
def goals_create_bulk(
    *,
    actor: Person | None,
    title: str,
    layer: str,
    cycle: Cycle,
    owners: Sequence[tuple[Person, Unit]],
    parent: Goal | None = None,
    description: str = "",
    why: str = "",
    status: str = GoalStatus.DRAFT,
    metrics: Sequence[NewMetric] = (),
) -> list[Goal]:
    """One goal per (owner, unit) in `owners`, all alike otherwise, each with `metrics`: what goal_create and
    metric_create give for each, checked once (the cascade rules, the private fields of every owner). All or none."""
    _check_title(title)
    _check_texts({"description": description, "why": why})
    for owner, _unit in owners:
        rules.check_private_write(actor=actor, layer=layer, owner_id=owner.pk, fields={"why": why}, creating=True)
    rules.check_attributes(layer=layer, status=status, progress_source=ProgressSource.AUTO)
    rules.check_placement(layer=layer, parent=parent, cycle=cycle)
    specs = [_checked_metric(spec) for spec in metrics]
    goals = [
        Goal(
            title=title.strip(),
            layer=layer,
            cycle=cycle,
            unit=unit,
            owner=owner,
            parent=parent,
            description=description,
            why=why,
            status=status,
            copy_score=copy_score(title.strip(), parent.title if parent else None),
        )
        for owner, unit in owners
    ]
    if not goals:
        return []
    if layer == Layer.PERSONAL:
        _insert_one_node_trees(goals)
    else:
        for goal in goals:
            tree.insert_goal(goal)
    record_changes(
        actor=actor,
        model=Goal,
        changes=((g.pk, ObjectChange.Action.CREATE, diff({}, snapshot(g, GOAL_HISTORY_FIELDS))) for g in goals),
    )
    _create_metrics(actor, goals, specs)
    mark_dirty(goal.pk for goal in goals)
    return goals


def _insert_one_node_trees(goals: list[Goal]) -> None:
    """Personal goals: each its own tree (tree_id MAX + 1, + 2…), lft 1, rght 2, level 0, no tree parent — what
    tree.insert_goal gives one of them — under the lock tree.insert_goal takes to hand out new tree_ids."""
    advisory_xact_lock(tree.LOCK_NAME, GLOBAL_KEY)
    next_tree_id = (Goal.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    for offset, goal in enumerate(goals):
        goal.tree_parent = None
        goal.tree_id, goal.lft, goal.rght, goal.level = next_tree_id + offset, 1, 2, 0
    Goal.objects.bulk_create(goals, batch_size=BATCH_SIZE)


def _create_metrics(actor, goals: list[Goal], specs: list[NewMetric]) -> None:
    if not specs:
        return
    rows = [
        Metric(
            goal=goal,
            name=spec.name,
            unit=spec.unit,
            display_unit=spec.display_unit,
            start=spec.start,
            target=spec.target,
            current=spec.start,
            weight=spec.weight,
            progress=metric_progress(spec.start, spec.target, spec.start),
        )
        for goal in goals
        for spec in specs
    ]
    Metric.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    record_changes(
        actor=actor,
        model=Metric,
        changes=((m.pk, ObjectChange.Action.CREATE, diff({}, snapshot(m, METRIC_HISTORY_FIELDS))) for m in rows),
    )
