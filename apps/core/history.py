"""Writing the change log. Services call these; nothing else writes ObjectChange."""

from collections.abc import Callable, Iterable
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


# --- Words that are their owner's alone ----------------------------------------------------------------
# An app registers the fields of a model whose old and new values only the object's owner reads in the change
# log (apps.goals: a personal goal's why, identity and motivation), with a function from an object's id to its
# owner's id (None: the fields are not private on that object). core cannot import the apps above it.
_PRIVATE: dict[str, tuple[tuple[str, ...], Callable[[int], int | None]]] = {}
REDACTED = "(private: only its owner reads it)"


def register_private_fields(model: type[models.Model], fields: Iterable[str], owner_of: Callable[[int], int | None]):
    _PRIVATE[model._meta.label_lower] = (tuple(fields), owner_of)


def changes_visible_to(change: ObjectChange, viewer) -> dict:
    """The change's `{field: [old, new]}`, with private words replaced unless `viewer` owns the object."""
    private = _PRIVATE.get(f"{change.content_type.app_label}.{change.content_type.model}")
    if private is None or not set(private[0]) & set(change.changes):
        return change.changes
    fields, owner_of = private
    if owner_of(change.object_id) in (None, getattr(viewer, "pk", None)):
        return change.changes
    return {name: [REDACTED, REDACTED] if name in fields else pair for name, pair in change.changes.items()}
