"""What the reports app hears from goals (goals may not import us): the rollup's drain, and writes whose effect on
the stored figures the rollup's path does not show (apps.reports.stored)."""

from django.db.models import Q

from apps.goals.dirty import mark_dirty
from apps.goals.models import Goal, Layer
from apps.goals.selectors import subtree_q
from apps.org.models import Person

from . import stored

# A change to one of these moves a figure of the goal's units (description, why and identity move none).
COUNTED = {"title", "unit", "owner", "cycle", "status", "motivation", "weight", "progress_source", "manual_progress"}


def on_goals_rolled_up(sender, *, goal_ids, **kwargs) -> None:
    """The drain recomputed these goals and all above them: count their units again, in its transaction."""
    stored.refresh_goals(goal_ids)


def on_organisation_changed(sender, *, units=None, **kwargs) -> None:
    """People or units changed. Only the people of some units (a person joined, moved, left): those units are counted
    again now, in the writer's transaction; anything else (an import, a new or moved unit): every stored scope is
    counted again before it is read."""
    if units is None:
        stored.forget_all()
    else:
        stored.refresh_people(units)


def on_cycle_saved(sender, **kwargs) -> None:
    """A cycle's dates or status changed: health against elapsed time and which cycles are active may move."""
    stored.forget_all()


def on_goal_changed(sender, *, goal: Goal, action: str, changes=None, **kwargs) -> None:
    """Record the units and cycles a write made stale beyond the goal's own (before and after), and get a drain going
    for them."""
    changes = changes or {}
    if action == "updated" and COUNTED & set(changes):
        goals = Goal.objects.filter(pk=goal.pk)
        if "title" in changes:  # the children's copy scores moved
            goals = Goal.objects.filter(Q(pk=goal.pk) | Q(parent_id=goal.pk))
        if "status" in changes and goal.layer == Layer.INTENT:  # published or not: its whole cascade
            goals = Goal.objects.filter(_subtree_q(goal))
        pairs = _pairs(goals)
        old_unit, old_owner, old_cycle = (changes.get(name, [None])[0] for name in ("unit", "owner", "cycle"))
        old_owner_unit = Person.objects.filter(pk=old_owner).values_list("unit_id", flat=True).first()
        for unit_id in {old_unit or goal.unit_id, old_owner_unit}:
            pairs.add((unit_id, old_cycle or goal.cycle_id))
        stored.mark_stale(pairs)
        mark_dirty([goal.pk])
    elif action == "moved" and goal.layer != Layer.PERSONAL:  # its subtree may have changed cascades
        stored.mark_stale(_pairs(Goal.objects.filter(_subtree_q(goal))))


def _subtree_q(goal: Goal) -> Q:
    """The goal's subtree as the tree stands now (the instance's nested-set numbers may be older)."""
    return subtree_q(Goal.objects.only("pk", "layer", "tree_id", "lft", "rght").get(pk=goal.pk))


def _pairs(goals) -> set[tuple[int | None, int]]:
    pairs = set()
    for unit_id, owner_unit_id, cycle_id in (
        goals.order_by().values_list("unit_id", "owner__unit_id", "cycle_id").distinct()
    ):
        pairs.update(((unit_id, cycle_id), (owner_unit_id, cycle_id)))
    return pairs
