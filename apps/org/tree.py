"""The only module that writes the unit tree. Units are few and change rarely, so one global
advisory lock serialises all unit tree writes (sibling order by name shifts tree ids)."""

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
        node.move_to(Unit.objects.get(pk=parent.pk) if parent else None, "sorted-child" if parent else "last-child")
        unit.refresh_from_db()
    return unit
