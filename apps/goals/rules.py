"""The cascade rules from DESIGN.md, in one place.

Services call these before any write; forms and the admin call them to show errors next
to the field. Every violation raises a ValidationError naming the field and the rule.
"""

from django.core.exceptions import ValidationError

from apps.core.validation import FieldsPermissionDenied, check_choice, check_fraction, check_weight
from apps.cycles.models import Cycle
from apps.cycles.selectors import cycle_subtree_ids

from .models import PRIVATE_FIELDS, Goal, GoalStatus, Layer, Motivation, ProgressSource

# Which layers may sit directly under which.
ALLOWED_PARENT_LAYERS: dict[str, tuple[str, ...]] = {
    Layer.INTENT: (),
    Layer.TRANSLATIONAL: (Layer.INTENT, Layer.TRANSLATIONAL),
    Layer.OPERATIONAL: (Layer.TRANSLATIONAL, Layer.OPERATIONAL),
    Layer.PERSONAL: (Layer.INTENT, Layer.TRANSLATIONAL, Layer.OPERATIONAL),
}


def _label(layer: str) -> str:
    return Layer(layer).label.lower()


def check_layer(layer: str) -> None:
    check_choice(layer, Layer, "layer")


def check_placement(*, layer: str, parent: Goal | None, cycle: Cycle, goal: Goal | None = None) -> None:
    """A goal of `layer` in `cycle` may sit under `parent` (None for a root). `goal` is set for a move."""
    check_layer(layer)
    if parent is None:
        if layer in (Layer.TRANSLATIONAL, Layer.OPERATIONAL):
            raise ValidationError(
                {"parent": f"A {_label(layer)} always has a parent: link it to the goal it contributes to."}
            )
        return
    if layer == Layer.INTENT:
        raise ValidationError({"parent": "A strategic intent is a root of the cascade: it cannot have a parent."})
    if goal is not None and goal.pk is not None and _is_self_or_descendant(parent, goal):
        raise ValidationError({"parent": "A goal cannot be moved under itself or one of its descendants."})
    if parent.layer not in ALLOWED_PARENT_LAYERS[layer]:
        allowed = " or ".join(_label(name) for name in ALLOWED_PARENT_LAYERS[layer])
        message = (
            f"Layers never go upward: a {_label(layer)} sits under a {allowed}, not under a {_label(parent.layer)}."
        )
        raise ValidationError({"parent": message})
    if parent.archived_at is not None:
        raise ValidationError({"parent": "The parent goal is archived: link to a goal that is still in use."})
    if not parent.cycle.contains(cycle):
        message = f"A goal's cycle must be its parent's cycle ({parent.cycle}) or a cycle inside it; {cycle} is not."
        raise ValidationError({"cycle": message})


def _is_self_or_descendant(candidate: Goal, goal: Goal) -> bool:
    if candidate.pk == goal.pk:
        return True
    if Layer.PERSONAL in (goal.layer, candidate.layer):
        return False  # personal goals are leaves and have no descendants
    return candidate.tree_id == goal.tree_id and goal.lft <= candidate.lft and candidate.rght <= goal.rght


def check_children_fit_cycle(goal: Goal, cycle: Cycle) -> None:
    """Changing a goal's cycle must keep every child's cycle equal to it or inside it."""
    child_cycles = Cycle.objects.filter(goals__parent=goal, goals__archived_at__isnull=True).distinct()
    for child_cycle in child_cycles.select_related("parent__parent"):
        if not cycle.contains(child_cycle):
            raise ValidationError(
                {"cycle": f"A child goal runs in {child_cycle}, which is not inside {cycle}: move that child first."}
            )


def check_goals_fit_moved_cycle(cycle: Cycle) -> None:
    """A goal's parent must run in the goal's cycle or one containing it: moving a cycle into another must keep
    that. Registered with apps.cycles.hooks (see GoalsConfig.ready)."""
    inside = cycle_subtree_ids([cycle.pk])
    above = set(cycle.parent.lineage_ids()) if cycle.parent_id else set()
    stranded = (
        Goal.objects.filter(cycle_id__in=inside, parent__isnull=False, archived_at__isnull=True)
        .exclude(parent__cycle_id__in=inside | above)
        .select_related("parent__cycle")
        .first()
    )
    if stranded is not None:
        raise ValidationError(
            {
                "parent": f"The goal {stranded.title!r} sits under a goal of {stranded.parent.cycle}, which would no "
                "longer contain this cycle: move that goal first."
            }
        )


def check_private_write(*, actor, layer: str, owner_id: int, fields: dict, creating: bool = False) -> None:
    """Only the owner writes a personal goal's why, identity and motivation: anyone else's write of them (any
    value, an empty or an unchanged one too — a guess must not be confirmable) is refused, naming each field.
    On creation, empty values are no write. The system (actor None: imports, jobs) is not a person and may."""
    if layer != Layer.PERSONAL or actor is None or actor.pk == owner_id:
        return
    blank = (None, "") if creating else (None,)
    written = [name for name in PRIVATE_FIELDS if name in fields and fields[name] not in blank]
    if written:
        message = "Only the goal's owner writes their own reflection (why, identity, motivation)."
        raise FieldsPermissionDenied({name: message for name in written})


def check_attributes(
    *, layer: str, weight=None, manual_progress=None, status=None, progress_source=None, identity="", motivation=""
) -> None:
    """Field-level rules that do not depend on the tree."""
    if weight is not None:
        check_weight(weight)
    if manual_progress is not None:
        check_fraction(manual_progress, "manual_progress")
    if status is not None:
        check_choice(status, GoalStatus, "status")
    if progress_source is not None:
        check_choice(progress_source, ProgressSource, "progress_source")
    if motivation:
        check_choice(motivation, Motivation, "motivation")
    if layer != Layer.PERSONAL and identity:
        raise ValidationError({"identity": "Only a personal goal carries the identity its owner builds through it."})
    if layer != Layer.PERSONAL and motivation:
        raise ValidationError({"motivation": "Only a personal goal says where its motivation comes from."})
