"""Writes to cycles."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import check_choice

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
