"""The only module that writes the goal tree's nested-set fields.

Every write runs in `transaction.atomic()` under PostgreSQL advisory locks: one per tree
(`tree_id`) for inserts and moves inside cascades, and a global one for anything that
takes a new `tree_id` (a new intent, a personal goal). Locks are taken in ascending key
order, so writers never deadlock. After locking, the nodes involved are read again: the
copy in memory may predate another writer's renumbering.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from apps.core.locks import GLOBAL_KEY, advisory_xact_lock, lock_trees

from . import rules
from .models import Goal, Layer

LOCK_NAME = "goals.tree"
TREE_FIELDS = ("tree_id", "lft", "rght", "level", "tree_parent_id")


def _fresh(goal_id: int) -> Goal:
    return Goal.objects.select_related("cycle").get(pk=goal_id)


def _lock_tree_of(goal_id: int, *extra_keys: int) -> Goal:
    """Lock the tree holding `goal_id` (plus `extra_keys`) and return the goal as it now stands."""
    while True:
        seen = Goal.objects.values_list("tree_id", flat=True).get(pk=goal_id)
        lock_trees(LOCK_NAME, seen, *extra_keys)
        node = _fresh(goal_id)
        if node.tree_id == seen:
            return node
        # It moved to another tree before we got the lock; the locks are held until commit,
        # which is harmless, so simply lock the new tree too.
        extra_keys = (*extra_keys, seen)


def cascade_trees_of(goal_ids: list[int]) -> set[int]:
    """The cascade trees holding `goal_ids`: a goal's own tree, or its parent's for a personal goal (one query)."""
    rows = Goal.objects.filter(pk__in=goal_ids).order_by().values_list("layer", "tree_id", "parent__tree_id")
    return {parent_tree if layer == Layer.PERSONAL else tree_id for layer, tree_id, parent_tree in rows} - {None}


def lock_cascade_trees(tree_ids: set[int]) -> None:
    """Hold the tree locks a tree write holds, for readers that then lock rows of those trees (the rollup):
    a renumbering locks many rows in physical order, so row locks taken beside it could deadlock."""
    lock_trees(LOCK_NAME, *tree_ids)


def insert_goal(goal: Goal) -> Goal:
    """Save a new goal into the tree: under its parent for the cascade layers, as its own tree otherwise."""
    with transaction.atomic():
        if goal.layer == Layer.PERSONAL or goal.parent_id is None:
            advisory_xact_lock(LOCK_NAME, GLOBAL_KEY)  # a new tree_id is MAX(tree_id) + 1
            goal.tree_parent = None
        else:
            parent = _lock_tree_of(goal.parent_id)
            goal.parent = parent
            goal.tree_parent = parent
        goal.save()
    return goal


def move_goal(goal: Goal, parent: Goal | None) -> Goal:
    """Put `goal` under `parent` (already checked against the cascade rules by the caller).

    A personal goal only changes its `parent` link (None detaches it); no tree is renumbered.
    """
    with transaction.atomic():
        if goal.layer == Layer.PERSONAL:
            goal.parent = parent
            goal.save(update_fields=["parent", "updated"])
            return goal
        target = _lock_tree_of(parent.pk, Goal.objects.values_list("tree_id", flat=True).get(pk=goal.pk))
        node = _fresh(goal.pk)
        advisory_xact_lock(LOCK_NAME, node.tree_id)  # a no-op when already held
        # The caller checked the rules on copies read before the lock; check again on fresh ones.
        rules.check_placement(layer=node.layer, parent=target, cycle=node.cycle, goal=node)
        node.move_to(target, "last-child")
        node.refresh_from_db()
        node.parent_id = target.pk
        node.save(update_fields=["parent", "updated"])
        _copy_tree_fields(node, goal)
        goal.parent = target
    return goal


def _copy_tree_fields(source: Goal, dest: Goal) -> None:
    for name in TREE_FIELDS:
        setattr(dest, name, getattr(source, name))


@dataclass(frozen=True)
class Drift:
    goal_id: int
    field: str
    stored: int | None
    expected: int | None


def find_drift() -> list[Drift]:
    """Compare every node's stored tree fields with what its `tree_parent` links imply.

    Siblings keep their stored order; only inconsistencies count: a gap or overlap in the
    nested set, a wrong level, a node outside its parent's tree, two roots in one tree, or a
    `tree_parent` that does not mirror the cascade `parent`.
    """
    rows = Goal.objects.order_by("tree_id", "lft", "pk").values_list(
        "pk", "tree_parent_id", "parent_id", "layer", *TREE_FIELDS[:4]
    )
    nodes, children, roots = {}, defaultdict(list), []
    drift: list[Drift] = []
    for pk, tree_parent_id, parent_id, layer, tree_id, lft, rght, level in rows.iterator(chunk_size=5000):
        nodes[pk] = (tree_id, lft, rght, level)
        (children[tree_parent_id] if tree_parent_id else roots).append(pk)
        mirrored = None if layer == Layer.PERSONAL else parent_id
        if tree_parent_id != mirrored:
            drift.append(Drift(pk, "tree_parent_id", tree_parent_id, mirrored))
    seen_tree_ids: dict[int, int] = {}
    for root in roots:
        tree_id = nodes[root][0]
        if tree_id in seen_tree_ids:
            drift.append(Drift(root, "tree_id", tree_id, None))
            continue
        seen_tree_ids[tree_id] = root
        drift.extend(_walk(root, tree_id, nodes, children))
    return drift


def _walk(root: int, tree_id: int, nodes: dict, children: dict) -> list[Drift]:
    drift, counter = [], 1
    stack = [(root, 0, False)]
    expected_left: dict[int, int] = {}
    while stack:
        pk, level, closing = stack.pop()
        stored_tree, stored_lft, stored_rght, stored_level = nodes[pk]
        if closing:
            if stored_rght != counter:
                drift.append(Drift(pk, "rght", stored_rght, counter))
            counter += 1
            continue
        expected_left[pk] = counter
        if stored_lft != counter:
            drift.append(Drift(pk, "lft", stored_lft, counter))
        if stored_level != level:
            drift.append(Drift(pk, "level", stored_level, level))
        if stored_tree != tree_id:
            drift.append(Drift(pk, "tree_id", stored_tree, tree_id))
        counter += 1
        stack.append((pk, level, True))
        for child in reversed(children.get(pk, [])):
            stack.append((child, level + 1, False))
    return drift


def repair() -> int:
    """Rebuild every tree's nested-set fields from the `tree_parent` links. Returns the drift found first."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # readers go on; writers wait for the rebuild
                cursor.execute(f"LOCK TABLE {Goal._meta.db_table} IN EXCLUSIVE MODE")
        drift = find_drift()
        mirror = [d.goal_id for d in drift if d.field == "tree_parent_id"]
        for goal_id, parent_id, layer in Goal.objects.filter(pk__in=mirror).values_list("pk", "parent_id", "layer"):
            Goal.objects.filter(pk=goal_id).update(tree_parent_id=None if layer == Layer.PERSONAL else parent_id)
        if drift:
            Goal.objects.rebuild()
        return len(drift)
