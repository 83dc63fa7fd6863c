"""Carrying a goal and its open subtree over into a later cycle (DESIGN.md: `goals/{id}/carry-over/`).

Unfinished work continues: the goal and every open goal under it (not archived, draft or active; a goal that is
achieved, missed or cancelled ends its branch there) are re-created in the new cycle, each with `carried_from`
pointing at the goal it continues. The copies keep owner, unit, layer, texts (a personal goal's reflection is the
owner's and goes with it as it is), weight, status, progress source and their live metrics with start, target and
current as they stand, so progress continues where it was (the owner may set a new start in the new cycle). Check-ins,
comments and history stay with the originals, which stay in their cycle and count as carried over when it closes.

The new root hangs where it may in the new cycle: under the old parent when the parent's cycle contains the new
cycle (a quarter's goal under the year's intent), else under the parent's own carried copy, else — a personal goal —
it stands alone; any other layer is refused, naming the parent to carry over first. Every copy is in the history
(created, with `carried_from`), and so is the original (`carried_into`).

This is also how a goal with children changes cycle at all: a plain cycle change is refused while children run in
the old one (rules.check_children_fit_cycle); carrying over moves the whole open subtree at once.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.core.history import record_changes
from apps.core.locks import GLOBAL_KEY, advisory_xact_lock
from apps.core.models import ObjectChange
from apps.cycles.models import Cycle
from apps.org.models import Person

from . import links, permissions, rules, tree
from .bulk_create import _insert_one_node_trees
from .dirty import mark_dirty
from .models import Goal, GoalLink, GoalStatus, Layer, Metric
from .selectors import subtree_q
from .similarity import copy_score

OPEN_STATUSES = (GoalStatus.DRAFT, GoalStatus.ACTIVE)
COPIED_FIELDS = (
    "title",
    "description",
    "why",
    "layer",
    "unit_id",
    "owner_id",
    "weight",
    "status",
    "progress_source",
    "manual_progress",
    "identity",
    "motivation",
)
METRIC_FIELDS = ("name", "unit", "display_unit", "start", "target", "current", "weight", "progress")


def can_carry_over(person, goal: Goal) -> bool:
    """Whoever may change the goal carries it (and the open goals under it) over."""
    return permissions.can_change_goal(person, goal)


def check_carry_over(goal: Goal, cycle: Cycle) -> None:
    """Refuse, naming the rule: an archived or finished goal, a cycle that is not later or is closed, twice."""
    if goal.archived_at is not None:
        raise ValidationError({"non_field_errors": "This goal is archived: restore it before carrying it over."})
    if goal.status not in OPEN_STATUSES:
        raise ValidationError(
            {"non_field_errors": f"This goal is {goal.get_status_display().lower()}: only open goals carry over."}
        )
    if cycle.status == Cycle.Status.CLOSED:
        raise ValidationError({"cycle": f"{cycle} is closed: carry the goal into a cycle still open."})
    if cycle.start <= goal.cycle.end:
        raise ValidationError(
            {"cycle": f"Carry a goal into a later cycle: {cycle} starts on {cycle.start}, before {goal.cycle} ends."}
        )
    earlier = goal.carried_into.filter(archived_at__isnull=True).select_related("cycle").first()
    if earlier is not None:
        raise ValidationError({"cycle": f"This goal was carried over into {earlier.cycle} already."})


def new_parent(goal: Goal, cycle: Cycle) -> Goal | None:
    """Where the carried root hangs in `cycle` (see the module's docstring)."""
    parent = goal.parent
    if parent is None:
        return None
    if parent.archived_at is None and parent.cycle.contains(cycle):
        return parent
    copy = parent.carried_into.filter(archived_at__isnull=True).select_related("cycle").first()
    if copy is not None and copy.cycle.contains(cycle):
        return copy
    if goal.layer == Layer.PERSONAL:
        return None
    message = (
        f"The parent goal “{parent}” runs in {parent.cycle}, which does not hold {cycle}, and has not been carried "
        f"over into it: carry “{parent}” over first."
    )
    raise ValidationError({"cycle": message})


def open_subtree(goal: Goal) -> list[Goal]:
    """The goal and the open goals under it that are reached through open goals, parents before children."""
    rows = list(Goal.objects.filter(subtree_q(goal), archived_at__isnull=True, status__in=OPEN_STATUSES))
    children: dict[int, list[Goal]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    ordered, todo = [], [row for row in rows if row.pk == goal.pk]
    while todo:
        node = todo.pop(0)
        ordered.append(node)
        todo.extend(sorted(children.get(node.pk, []), key=lambda child: (child.lft, child.pk)))
    return ordered


@transaction.atomic
def goal_carry_over(*, actor: Person | None, goal: Goal, cycle: Cycle) -> Goal:
    """Continue `goal` and its open subtree in `cycle`; returns the new root."""
    # Carry-overs run one at a time (the lock new one-node trees take, the lowest key: before any tree's lock), so
    # that two of the same goal cannot both find it not yet carried.
    advisory_xact_lock(tree.LOCK_NAME, GLOBAL_KEY)
    goal = Goal.objects.select_related("cycle", "parent__cycle").get(pk=goal.pk)
    if actor is not None and not can_carry_over(actor, goal):
        raise PermissionDenied("Only those who may change the goal carry it over.")
    check_carry_over(goal, cycle)
    parent = new_parent(goal, cycle)
    rules.check_placement(layer=goal.layer, parent=parent, cycle=cycle)
    originals = open_subtree(goal)
    already = set(
        Goal.objects.filter(carried_from__in=[o.pk for o in originals], archived_at__isnull=True).values_list(
            "carried_from_id", flat=True
        )
    )
    copies: dict[int, Goal] = {}
    leaves: list[Goal] = []
    for original in originals:
        if original.pk != goal.pk and (original.pk in already or original.parent_id not in copies):
            continue  # carried over on its own before, or under a goal that was
        under = parent if original.pk == goal.pk else copies[original.parent_id]
        copies[original.pk] = _copy(original, cycle=cycle, parent=under)
        if original.layer == Layer.PERSONAL:
            leaves.append(copies[original.pk])
        else:
            tree.insert_goal(copies[original.pk])
    # Personal goals are leaves and one-node trees of their own: all of them in a few statements.
    if leaves:
        _insert_one_node_trees(leaves)
    _copy_metrics(actor, copies)
    _record(actor, copies, cycle)
    _copy_links(actor, copies, cycle)
    mark_dirty([copy.pk for copy in copies.values()])
    return copies[goal.pk]


def _copy_links(actor, copies: dict[int, Goal], cycle: Cycle) -> None:
    """The carried goals keep serving what they served: each of their links continues from the copy, to the target's
    own copy when it was carried along, else to the target itself while its cycle still contains the new one (a link
    to a goal of the earlier cycle alone stays behind). The rollup then counts the copy's contribution instead of
    the original's (apps.goals.rollup), and the links go through the link rules like any other."""
    outgoing = GoalLink.objects.filter(source_id__in=list(copies)).select_related("target__cycle").order_by("pk")
    for link in outgoing:
        target = copies.get(link.target_id, link.target)
        if link.target_id not in copies and (target.archived_at is not None or not target.cycle.contains(cycle)):
            continue
        source = copies[link.source_id]
        # A link someone else made to a goal the carrier may not see still continues: the system carries it.
        by = actor if actor is None or permissions.can_change_link(actor, source=source, target=target) else None
        links.link_create(actor=by, source=source, target=target, kind=link.kind, weight=link.weight)


def _copy(original: Goal, *, cycle: Cycle, parent: Goal | None) -> Goal:
    copy = Goal(cycle=cycle, parent=parent, carried_from=original)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(original, name))
    copy.copy_score = copy_score(copy.title, parent.title if parent else None)
    return copy


def _copy_metrics(actor, copies: dict[int, Goal]) -> None:
    metrics = Metric.objects.filter(goal_id__in=list(copies), archived_at__isnull=True).order_by("pk")
    new = [
        Metric(goal=copies[metric.goal_id], **{name: getattr(metric, name) for name in METRIC_FIELDS})
        for metric in metrics
    ]
    Metric.objects.bulk_create(new)
    if new and new[0].pk is None:  # a backend that does not return ids (not ours): read them back
        new = list(Metric.objects.filter(goal_id__in=[copy.pk for copy in copies.values()]))
    record_changes(
        actor=actor,
        model=Metric,
        changes=((m.pk, ObjectChange.Action.CREATE, {"goal": [None, m.goal_id], "name": [None, m.name]}) for m in new),
    )


def _record(actor, copies: dict[int, Goal], cycle: Cycle) -> None:
    created = (
        (
            copy.pk,
            ObjectChange.Action.CREATE,
            {
                "title": [None, copy.title],
                "layer": [None, copy.layer],
                "parent": [None, copy.parent_id],
                "cycle": [None, cycle.pk],
                "owner": [None, copy.owner_id],
                "carried_from": [None, original_pk],
            },
        )
        for original_pk, copy in copies.items()
    )
    record_changes(actor=actor, model=Goal, changes=created)
    carried = (
        (original_pk, ObjectChange.Action.UPDATE, {"carried_into": [None, copy.pk]})
        for original_pk, copy in copies.items()
    )
    record_changes(actor=actor, model=Goal, changes=carried)
