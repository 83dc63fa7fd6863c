"""Reads of cycles."""

from collections.abc import Iterable

from .models import Cycle


def cycle_subtree_ids(cycle_ids: Iterable[int]) -> set[int]:
    """These cycles and every cycle inside them, at any depth (cycles are few: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Cycle.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    todo = list(cycle_ids)
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found
