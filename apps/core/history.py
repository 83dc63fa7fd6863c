"""Writing the change log. Services call these; nothing else writes ObjectChange."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ObjectChange


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The current values of `fields`, in a JSON-friendly form (foreign keys as ids)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = _plain(getattr(obj, field.attname))
    return out


def diff(before: dict, after: dict) -> dict:
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record_change(*, actor, obj: models.Model, action: str, changes: dict | None = None) -> ObjectChange:
    return ObjectChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        changes=changes or {},
    )


def record_changes(
    *, actor, model: type[models.Model], changes: Iterable[tuple[int, str, dict]], batch_size: int = 1000
) -> int:
    """The rows record_change writes, for many objects of one model in a few INSERTs (bulk imports).

    `changes` yields (pk, action, changes); it is consumed one batch at a time to keep memory flat.
    """
    content_type = ContentType.objects.get_for_model(model)
    actor = actor if getattr(actor, "pk", None) else None
    written = 0
    batch: list[ObjectChange] = []
    for pk, action, fields in changes:
        batch.append(ObjectChange(content_type=content_type, object_id=pk, actor=actor, action=action, changes=fields))
        if len(batch) >= batch_size:
            written += len(ObjectChange.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(ObjectChange.objects.bulk_create(batch))
    return written


def history_of(obj: models.Model):
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
