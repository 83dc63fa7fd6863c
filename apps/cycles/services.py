"""Writes to cycles."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import check_choice, check_known_fields

from . import hooks
from .models import Cycle


@transaction.atomic
def cycle_create(
    *, actor, name: str, start: date, end: date, parent: Cycle | None = None, status: str = Cycle.Status.PLANNING
) -> Cycle:
    if Cycle.objects.filter(name=name).exists():
        raise ValidationError({"name": f"A cycle named {name!r} exists already."})
    check_choice(status, Cycle.Status, "status")
    cycle = Cycle(name=name, start=start, end=end, parent=parent, status=status)
    cycle.full_clean(validate_unique=False)
    cycle.save()
    record_change(
        actor=actor,
        obj=cycle,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(cycle, ("name", "start", "end", "parent", "status"))),
    )
    return cycle


CYCLE_FIELDS = ("name", "start", "end", "parent", "status")


@transaction.atomic
def cycle_update(*, actor, cycle: Cycle, **fields) -> Cycle:
    """Rename a cycle, change its dates, status or the cycle it sits in; goals and inner cycles must still fit."""
    check_known_fields(fields, CYCLE_FIELDS)
    if "name" in fields and Cycle.objects.filter(name=fields["name"]).exclude(pk=cycle.pk).exists():
        raise ValidationError({"name": f"A cycle named {fields['name']!r} exists already."})
    if "status" in fields:
        check_choice(fields["status"], Cycle.Status, "status")
    before = snapshot(cycle, CYCLE_FIELDS)
    for name, value in fields.items():
        setattr(cycle, name, value)
    changes = diff(before, snapshot(cycle, CYCLE_FIELDS))
    if not changes:
        return cycle
    cycle.full_clean(validate_unique=False)
    _check_inner_cycles_fit(cycle)
    if "parent" in changes:
        hooks.check_move(cycle)
    if "status" in changes and cycle.status == Cycle.Status.CLOSED:
        hooks.check_close(cycle, "status")
    cycle.save()
    record_change(actor=actor, obj=cycle, action=ObjectChange.Action.UPDATE, changes=changes)
    return cycle


def _check_inner_cycles_fit(cycle: Cycle) -> None:
    outside = cycle.children.filter(models.Q(start__lt=cycle.start) | models.Q(end__gt=cycle.end)).first()
    if outside is not None:
        field = "start" if outside.start < cycle.start else "end"
        raise ValidationError(
            {field: f"{outside} ({outside.start} – {outside.end}) sits inside this cycle and must stay within it."}
        )


@transaction.atomic
def cycle_close(*, actor, cycle: Cycle) -> Cycle:
    """Close a cycle once every registered close check agrees (apps.reviews: every goal that ran in it is reviewed or
    carried over); the problems are named otherwise. Closing a closed cycle changes nothing."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == Cycle.Status.CLOSED:
        return cycle
    hooks.check_close(cycle, "non_field_errors")
    before = cycle.status
    cycle.status = Cycle.Status.CLOSED
    cycle.save(update_fields=["status"])
    record_change(actor=actor, obj=cycle, action=ObjectChange.Action.UPDATE, changes={"status": [before, cycle.status]})
    return cycle
