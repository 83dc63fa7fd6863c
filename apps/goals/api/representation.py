"""Goals rendered straight from database rows, exactly as GoalSerializer renders them.

`goals/{id}/tree/` returns thousands of goals at once; building a model instance and running
DRF's field machinery for each costs more than the whole budget (300 ms for 5,000 goals).
This reads plain rows with `.values()` and formats them with the same field classes, the
same privacy rule and the same health function. tests/api/test_tree_representation.py holds
the two renderings equal, field by field, for every role.
"""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from rest_framework import serializers

from .. import permissions
from ..models import Goal, Layer
from ..progress import health
from .serializers import GoalSerializer

_DATETIME = serializers.DateTimeField()
COLUMNS = (
    "id",
    "title",
    "description",
    "why",
    "layer",
    "parent_id",
    "cycle_id",
    "unit_id",
    "owner_id",
    "weight",
    "status",
    "progress_source",
    "manual_progress",
    "progress",
    "measured_progress",
    "rollup_progress",
    "identity",
    "motivation",
    "last_checkin_at",
    "last_activity_at",
    "archived_at",
    "carried_from_id",
    "created",
    "updated",
    "health_override",
    "lft",
    "cycle__start",
    "cycle__end",
    "owner__unit_id",
)
REFERENCES = {
    "parent": "parent_id",
    "cycle": "cycle_id",
    "unit": "unit_id",
    "owner": "owner_id",
    "carried_from": "carried_from_id",
}
DATETIMES = ("last_checkin_at", "last_activity_at", "archived_at", "created", "updated")


def goal_rows(
    queryset: QuerySet[Goal], viewer, today: date, reflection_reads: set[int] | None = None
) -> list[tuple[dict, dict]]:
    """(rendered goal, raw row) for each goal of `queryset`, which must already be limited to what `viewer` sees.
    The ids of goals whose private reflection the rendering shows to someone not their owner go into
    `reflection_reads` (the view records them)."""
    return render_rows(queryset.values(*COLUMNS), viewer, today, reflection_reads)


def render_rows(rows, viewer, today: date, reflection_reads: set[int] | None = None) -> list[tuple[dict, dict]]:
    """goal_rows for rows already read (dicts with at least COLUMNS), e.g. a page of a tree or a chunk of a stream."""
    rendered = [(_render(row, viewer, today), row) for row in rows]
    if reflection_reads is not None:
        reflection_reads.update(
            row["id"]
            for out, row in rendered
            if permissions.reflection_read_by_other(viewer, row["layer"], row["owner_id"], out)
        )
    return rendered


def _render(row: dict, viewer, today: date) -> dict:
    out = {}
    for name in GoalSerializer.Meta.fields:
        if name in REFERENCES:
            out[name] = row[REFERENCES[name]]
        elif name in DATETIMES:
            out[name] = _DATETIME.to_representation(row[name]) if row[name] is not None else None
        elif name == "health":
            out[name] = _health(row, today)
        elif name == "alignment_gap":
            both = row["measured_progress"] is not None and row["rollup_progress"] is not None
            out[name] = row["measured_progress"] - row["rollup_progress"] if both else None
        else:
            out[name] = row[name]
    if row["layer"] == Layer.PERSONAL and not permissions.owner_privacy_lifted(
        viewer, row["owner_id"], row["owner__unit_id"]
    ):
        for name in permissions.PRIVATE_FIELDS:
            out[name] = None
    return out


def _health(row: dict, today: date) -> str | None:
    return health(
        progress=row["progress"],
        status=row["status"],
        cycle_start=row["cycle__start"],
        cycle_end=row["cycle__end"],
        today=today,
        last_activity=row["last_activity_at"],
        created=row["created"],
        override=row["health_override"],
        stale_after_days=settings.STALE_AFTER_DAYS,
    )
