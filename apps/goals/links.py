"""Links between goals beside the cascade parent (DESIGN.md "Link"): the one place for their rules and writes.

`contributes` counts the source's progress in the target's rollup with the link's weight; `supports` is shown only.
The graph of parent edges (child → parent) and links (source → target) stays acyclic, whatever the kind, so the
rollup can always go bottom-up and a goal never counts in its own progress. Creating a link takes a lock, so two
links created at once cannot close a loop between them.

Who may: whoever may change the source goal and may see the target (apps.goals.permissions.can_change_link); a
caller who may not gets PermissionDenied. Bad input raises ValidationError naming the field and the rule.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q

from apps.core.history import diff, record_change, snapshot
from apps.core.locks import advisory_xact_lock
from apps.core.models import ObjectChange
from apps.core.validation import check_choice, check_known_fields, check_weight
from apps.org.models import Person

from . import permissions, signals
from .dirty import mark_dirty
from .models import Goal, GoalLink, GoalStatus
from .selectors import goal_ancestors, goal_subtree, links_for_goals, links_visible_to, upward_sql

__all__ = ["link_create", "link_delete", "link_update", "links_for_goals", "links_visible_to"]

LOCK_NAME = "goals.links"
HISTORY_FIELDS = ("source", "target", "kind", "weight")
EDITABLE_FIELDS = ("kind", "weight")


def _require_may_change(actor: Person | None, source: Goal, target: Goal) -> None:
    if actor is not None and not permissions.can_change_link(actor, source=source, target=target):
        raise PermissionDenied("Only someone who may change the source goal (and see the target) links it.")


def _reaches_upward(start: Goal, goal: Goal) -> bool:
    """Whether going up from `start` through parents and links of any kind reaches `goal` (one query)."""
    sql = f"SELECT 1 FROM ({upward_sql(1, link_kinds=None)}) reached WHERE reached.id = %s LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [start.pk, goal.pk])
        return cursor.fetchone() is not None


def check_link(*, source: Goal, target: Goal, kind: str, weight) -> float:
    """The rules of a new link from `source` to `target`, each naming its field. Returns the weight as a float."""
    check_choice(kind, GoalLink.Kind, "kind")
    weight = check_weight(weight)
    if source.pk == target.pk:
        raise ValidationError({"target": "A goal cannot be linked to itself."})
    if source.archived_at is not None:
        raise ValidationError({"source": "This goal is archived: restore it before linking it."})
    if target.archived_at is not None:
        raise ValidationError({"target": "The goal to link to is archived: link to a goal that is still in use."})
    if goal_ancestors(source).filter(pk=target.pk).exists():
        raise ValidationError(
            {"target": "A goal cannot be linked to one of its own ancestors: it already counts there."}
        )
    if goal_subtree(source, include_archived=True).filter(pk=target.pk).exists():
        raise ValidationError({"target": "A goal cannot be linked to one of its own descendants: that is a loop."})
    existing = GoalLink.objects.filter(source=source, target=target).exists()
    if existing:
        raise ValidationError({"target": "These goals are linked already: change that link instead."})
    if GoalLink.objects.filter(source=target, target=source).exists():
        raise ValidationError({"target": "The goal to link to is linked to this one already: a link back is a loop."})
    if _reaches_upward(target, source):
        raise ValidationError(
            {"target": "This link would close a loop: the goal to link to already leads up to this one."}
        )
    if not target.cycle.contains(source.cycle):
        raise ValidationError(
            {
                "target": f"A linked goal's cycle must be the cycle of the goal it links to ({target.cycle}) or a "
                f"cycle inside it; {source.cycle} is not."
            }
        )
    return weight


def check_move(*, goal: Goal, parent: Goal | None) -> None:
    """A move of `goal` under `parent` must keep the links' rules: no loop through links (the new parent already
    leads up to the goal through one), and no link between the moved subtree and its new ancestors (the parent and
    those above it). apps.goals.services.goal_move calls it once the tree has moved the goal (after the tree's own
    checks on fresh rows), inside its transaction: refusing rolls the move back."""
    if parent is None or goal.pk is None:
        return
    if _reaches_upward(parent, goal):
        raise ValidationError(
            {"parent": "This move would close a loop: the new parent already leads up to this goal through a link."}
        )
    moved, parent = (Goal.objects.get(pk=node.pk) for node in (goal, parent))  # the tree renumbered them
    subtree = goal_subtree(moved, include_archived=True).values("pk")
    line = (goal_ancestors(parent) | Goal.objects.filter(pk=parent.pk)).values("pk")
    joined = GoalLink.objects.filter(
        Q(source__in=subtree, target__in=line) | Q(source__in=line, target__in=subtree)
    ).select_related("source", "target")
    link = joined.first()
    if link is not None:
        raise ValidationError(
            {
                "parent": f"“{link.source.title}” is linked to “{link.target.title}”, which this move would make one "
                "of its ancestors: remove that link first."
            }
        )


def check_cycle_change(*, goal: Goal, cycle) -> None:
    """A goal's new cycle must keep its links' rule: every goal it links to runs in that cycle or one containing it,
    and every goal linked to it in that cycle or one inside it. apps.goals.services.goal_update calls it. One query."""
    for link in GoalLink.objects.filter(Q(source=goal) | Q(target=goal)).select_related(
        "source__cycle", "target__cycle"
    ):
        if link.source_id == goal.pk and not link.target.cycle.contains(cycle):
            message = (
                f"This goal is linked to {link.target.title!r}, of {link.target.cycle}, which does not contain {cycle}."
            )
            raise ValidationError({"cycle": message + " Remove that link first."})
        if link.target_id == goal.pk and not cycle.contains(link.source.cycle):
            message = (
                f"{link.source.title!r}, of {link.source.cycle}, is linked to this goal; {cycle} does not contain it."
            )
            raise ValidationError({"cycle": message + " Remove that link first."})


def counted_contributions_exist(goal: Goal) -> bool:
    """Whether a `contributes` link into `goal` counts in its rollup (its source neither archived nor cancelled)."""
    counted = goal.links_in.filter(kind=GoalLink.Kind.CONTRIBUTES, source__archived_at__isnull=True)
    return counted.exclude(source__status=GoalStatus.CANCELLED).exists()


def _describe(link: GoalLink | None) -> str | None:
    if link is None:
        return None
    return f"{link.kind} from goal #{link.source_id}, weight {link.weight:g}"


def _tell(*, target: Goal, actor: Person | None, before: GoalLink | None, after: GoalLink | None) -> None:
    """Tell the apps above (notifications: the target's owner) that a link into `target` changed, inside the writer's
    transaction (apps.goals.signals.goal_changed, "updated" with a `links` change)."""
    changes = {"links": [_describe(before), _describe(after)]}
    signals.goal_changed.send(sender=Goal, goal=target, actor=actor, action="updated", changes=changes)


@transaction.atomic
def link_create(*, actor: Person | None, source: Goal, target: Goal, kind: str, weight: float = 1.0) -> GoalLink:
    """Link `source` to `target` (`contributes` or `supports`), checked against the rules."""
    _require_may_change(actor, source, target)
    advisory_xact_lock(LOCK_NAME)  # one link write at a time: two links at once could close a loop together
    source, target = (Goal.objects.select_related("cycle").get(pk=goal.pk) for goal in (source, target))
    weight = check_link(source=source, target=target, kind=kind, weight=weight)
    link = GoalLink.objects.create(
        source=source, target=target, kind=kind, weight=weight, created_by=actor if getattr(actor, "pk", None) else None
    )
    changes = diff({}, snapshot(link, HISTORY_FIELDS))
    record_change(actor=actor, obj=link, action=ObjectChange.Action.CREATE, changes=changes)
    mark_dirty([target.pk])
    _tell(target=target, actor=actor, before=None, after=link)
    return link


@transaction.atomic
def link_update(*, actor: Person | None, link: GoalLink, **fields) -> GoalLink:
    """Change a link's kind or weight (its two goals are fixed: remove it and link again instead)."""
    _require_may_change(actor, link.source, link.target)
    if "source" in fields or "target" in fields:
        name = "source" if "source" in fields else "target"
        raise ValidationError({name: "A link's goals are fixed: remove it and create another one."})
    check_known_fields(fields, EDITABLE_FIELDS)
    if "kind" in fields:
        check_choice(fields["kind"], GoalLink.Kind, "kind")
    if "weight" in fields:
        fields["weight"] = check_weight(fields["weight"])
    old = GoalLink(source_id=link.source_id, kind=link.kind, weight=link.weight)
    before = snapshot(link, fields)
    for name, value in fields.items():
        setattr(link, name, value)
    changes = diff(before, snapshot(link, fields))
    if not changes:
        return link
    link.save(update_fields=[*fields, "updated"])
    record_change(actor=actor, obj=link, action=ObjectChange.Action.UPDATE, changes=changes)
    mark_dirty([link.target_id])
    _tell(target=link.target, actor=actor, before=old, after=link)
    return link


@transaction.atomic
def link_delete(*, actor: Person | None, link: GoalLink) -> None:
    """Remove a link. The change log keeps it: an "archive" entry with its fields' last values (old → None)."""
    _require_may_change(actor, link.source, link.target)
    last = snapshot(link, HISTORY_FIELDS)
    pk = link.pk
    link.delete()
    link.pk = pk  # the change log names the removed link by its id
    record_change(
        actor=actor,
        obj=link,
        action=ObjectChange.Action.ARCHIVE,
        changes={name: [value, None] for name, value in last.items()},
    )
    mark_dirty([link.target_id])
    _tell(target=link.target, actor=actor, before=link, after=None)
