"""The only module that writes the unit tree. Units are few and change rarely, so one global
advisory lock serialises all unit tree writes (sibling order by name shifts tree ids)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from apps.core.locks import advisory_xact_lock

from .models import Unit

LOCK_NAME = "org.unit_tree"


def insert_unit(unit: Unit) -> Unit:
    with transaction.atomic():
        advisory_xact_lock(LOCK_NAME)
        if unit.parent_id:
            unit.parent = Unit.objects.get(pk=unit.parent_id)  # fresh nested-set values, read under the lock
        unit.save()
    return unit


def move_unit(unit: Unit, parent: Unit | None) -> Unit:
    with transaction.atomic():
        advisory_xact_lock(LOCK_NAME)
        node = Unit.objects.get(pk=unit.pk)
        # MPTT's save() moves a node whose parent changed to its place among the new siblings (by name);
        # move_to() would ignore order_insertion_by.
        node.parent = Unit.objects.get(pk=parent.pk) if parent else None
        node.save()
        unit.refresh_from_db()
    return unit


@contextmanager
def bulk_unit_writes() -> Iterator[None]:
    """Insert many units at once (the people import): MPTT's bookkeeping is off inside the block, then
    the unit tree is rebuilt once, in the same transaction and under the tree lock."""
    with transaction.atomic():
        advisory_xact_lock(LOCK_NAME)
        with Unit.objects.disable_mptt_updates():
            yield
        Unit.objects.rebuild()


def bulk_create_units(units: list[Unit], batch_size: int = 1000) -> list[Unit]:
    """Insert units (parents before children) with placeholder tree fields; bulk_unit_writes() sets them."""
    if Unit._mptt_updates_enabled:
        raise RuntimeError("bulk_create_units() runs inside bulk_unit_writes(), whose rebuild fixes the tree.")
    for unit in units:
        unit.lft = unit.rght = unit.level = unit.tree_id = 0
    return Unit.objects.bulk_create(units, batch_size=batch_size)
