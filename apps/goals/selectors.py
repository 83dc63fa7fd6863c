"""Reads of the cascade. Subtrees and lines of ancestors are single range queries."""

from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import permissions
from .models import CheckIn, Goal, GoalLink, GoalStatus, Layer, ProgressSource, ReflectionRead
from .progress import carries_no_weight, counts_for_parent, health, is_stale


def subtree_q(goal: Goal) -> Q:
    """The goal and everything under it: its cascade range plus the personal goals hanging off that range."""
    if goal.layer == Layer.PERSONAL:
        return Q(pk=goal.pk)
    in_range = Q(tree_id=goal.tree_id, lft__gte=goal.lft, rght__lte=goal.rght)
    personal = Q(
        layer=Layer.PERSONAL, parent__tree_id=goal.tree_id, parent__lft__gte=goal.lft, parent__rght__lte=goal.rght
    )
    return in_range | personal


def goal_subtree(goal: Goal, *, include_archived: bool = False) -> QuerySet[Goal]:
    qs = Goal.objects.filter(subtree_q(goal))
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def goal_ancestors(goal: Goal) -> QuerySet[Goal]:
    """The line of sight from the root intent down to the goal's parent (one query, root first)."""
    anchor = goal.parent if goal.layer == Layer.PERSONAL else goal
    if anchor is None:
        return Goal.objects.none()
    q = Q(tree_id=anchor.tree_id, lft__lte=anchor.lft, rght__gte=anchor.rght)
    if anchor.pk == goal.pk:
        q &= ~Q(pk=goal.pk)
    return Goal.objects.filter(q).order_by("lft")


def goal_health(goal: Goal, today: date | None = None) -> str | None:
    """Health now; needs goal.cycle (select_related it for lists)."""
    return health(
        progress=goal.progress,
        status=goal.status,
        cycle_start=goal.cycle.start,
        cycle_end=goal.cycle.end,
        today=today or timezone.localdate(),
        last_activity=goal.last_activity_at,
        created=goal.created,
        override=goal.health_override,
        stale_after_days=settings.STALE_AFTER_DAYS,
    )


def goals_owned_by(person) -> list[Goal]:
    """The person's goals that are in use, with what a list row shows (one query)."""
    return list(
        Goal.objects.filter(owner=person, archived_at__isnull=True)
        .select_related("cycle", "unit", "parent")
        .order_by("cycle__start", "layer", "title")
    )


def published_intents() -> list[Goal]:
    """Strategic intents that are published (not drafts) and in use, newest cycle first (one query)."""
    return list(
        Goal.objects.filter(layer=Layer.INTENT, archived_at__isnull=True)
        .exclude(status=GoalStatus.DRAFT)
        .select_related("cycle", "owner", "unit")
        .order_by("-cycle__start", "title")
    )


def paths_for(goals: list[Goal]) -> list[Goal]:
    """Every cascade goal on the way up from `goals` (one query, whatever their number)."""
    q = Q(pk__in=[])
    for goal in goals:
        anchor = goal.parent if goal.layer == Layer.PERSONAL else goal
        if anchor is not None:
            q |= Q(tree_id=anchor.tree_id, lft__lte=anchor.lft, rght__gte=anchor.rght)
    return list(Goal.objects.filter(q).order_by("tree_id", "lft")) if goals else []


def line_of_sight(goal: Goal, paths: list[Goal]) -> list[Goal]:
    """The goal's ancestors, root intent first, picked from `paths` (see paths_for) without a query."""
    anchor = goal.parent if goal.layer == Layer.PERSONAL else goal
    if anchor is None:
        return []
    return [
        g
        for g in paths
        if g.tree_id == anchor.tree_id and g.lft <= anchor.lft and g.rght >= anchor.rght and g.pk != goal.pk
    ]


def chain_labels(goals: list[Goal]) -> dict[int, str]:
    """Each goal's line up to its intent as "Intent › Translational › …" (one query for all of them)."""
    paths = paths_for(goals)
    return {goal.pk: " › ".join(step.title for step in line_of_sight(goal, paths)) for goal in goals}


def team_goal_candidates(person, visible: QuerySet[Goal]) -> QuerySet[Goal]:
    """Goals a personal goal of `person` may link to: published cascade goals of their unit and the units above it."""
    from apps.org.models import Unit

    units = Unit.objects.none()
    if person.unit_id:
        unit = person.unit
        units = Unit.objects.filter(tree_id=unit.tree_id, lft__lte=unit.lft, rght__gte=unit.rght)
    return (
        visible.filter(unit__in=units, archived_at__isnull=True)
        .exclude(layer=Layer.PERSONAL)
        .exclude(status__in=(GoalStatus.DRAFT, GoalStatus.CANCELLED))
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def children_of(goal: Goal, visible: QuerySet[Goal]) -> QuerySet[Goal]:
    """The goal's children in use that the viewer may see, with what a row shows (one query)."""
    return (
        visible.filter(parent=goal, archived_at__isnull=True)
        .select_related("cycle", "owner", "unit")
        .order_by("layer", "title")
    )


def needs_checkin(goal: Goal, today: date | None = None) -> bool:
    """A running goal of the person's own with no check-in on it within STALE_AFTER_DAYS (needs goal.cycle).

    Its own check-ins count here, not the activity below it: the owner is asked about their own goal."""
    if goal.status != GoalStatus.ACTIVE or goal.archived_at is not None:
        return False
    return is_stale(
        goal.last_checkin_at or goal.created, today or timezone.localdate(), settings.STALE_AFTER_DAYS, goal.cycle.start
    )


def progress_source_used(goal: Goal, *, has_metrics: bool, contributions: list[float] = ()) -> str:
    """The source the goal's progress comes from now: its own setting, or for "auto" its metrics if it has any in
    use, else its counted goals under it (not cancelled, not archived) and contributing goals (`contributions`: the
    weights of the `contributes` links into it that count, see counted_contributions), else what is entered by hand."""
    if goal.progress_source != ProgressSource.AUTO:
        return goal.progress_source
    if has_metrics:
        return ProgressSource.METRICS
    counted = bool(contributions)
    counted = counted or goal.children.filter(archived_at__isnull=True).exclude(status=GoalStatus.CANCELLED).exists()
    return ProgressSource.CHILDREN if counted else ProgressSource.MANUAL


def weightless_inputs(goal: Goal, metric_weights: list[float], contributions: list[float] = ()) -> list[str]:
    """Which of the goal's inputs exist but weigh nothing in all, so that no figure comes from them: "children"
    (counted ones: not cancelled, not archived, and the `contributions` of contributing goals, their links' weights)
    and "metrics" (in use, their weights given). One query."""
    children = list(
        goal.children.filter(archived_at__isnull=True)
        .exclude(status=GoalStatus.CANCELLED)
        .values_list("weight", flat=True)
    )
    children += list(contributions)
    weightless = []
    if children and carries_no_weight(children):
        weightless.append("children")
    if metric_weights and carries_no_weight(metric_weights):
        weightless.append("metrics")
    return weightless


def reflection_readers(goal: Goal) -> QuerySet[ReflectionRead]:
    """Who read the goal's private reflection, newest first (for its owner's eyes only)."""
    return ReflectionRead.objects.filter(goal=goal).select_related("reader").order_by("-read_at", "-id")


def visible_reflections(viewer, person, limit: int = 10) -> list[CheckIn]:
    """The latest check-in reflections on `person`'s goals that `viewer` may read (for a 1:1's agenda), newest
    first: none unless `viewer` is `person` or in their manager chain (not HR, not admins as such)."""
    if not permissions.in_owner_chain(viewer, person.pk, person.unit_id):
        return []
    checkins = CheckIn.objects.filter(goal__owner=person).exclude(reflection="")
    checkins = checkins.filter(permissions.visible_goals_q(viewer, prefix="goal__"))
    return list(checkins.select_related("goal", "metric", "author").order_by("-created", "-id")[:limit])


# --- Links (DESIGN.md "Link") ---------------------------------------------------------------


def upward_sql(count: int, *, link_kinds: tuple[str, ...] | None) -> str:
    """SQL for the ids of `count` goals (placeholders) and of every goal above them, going up through `parent` and
    through links from source to target (`link_kinds`: those kinds only; None: every kind). Params: the ids, then
    the kinds. Each step is index lookups (a goal by id, its links by source), so the cost follows what is reached,
    never the size of the tables: a two-row multiplier gives each goal reached its parent (n = 0) and its links'
    targets (n = 1) from one reference to the recursive table, as SQLite and PostgreSQL both require."""
    goals, links = Goal._meta.db_table, GoalLink._meta.db_table
    placeholders = ", ".join(["%s"] * count)
    kinds = ""
    if link_kinds is not None:
        kinds = f" AND l.kind IN ({', '.join(['%s'] * len(link_kinds))})"
    step = "CASE WHEN k.n = 0 THEN g.parent_id ELSE l.target_id END"
    return (
        f"WITH RECURSIVE up(id) AS (SELECT id FROM {goals} WHERE id IN ({placeholders}) "
        f"UNION SELECT {step} FROM up JOIN {goals} g ON g.id = up.id "
        f"CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 AS n) k "
        f"LEFT JOIN {links} l ON k.n = 1 AND l.source_id = g.id{kinds} "
        f"WHERE {step} IS NOT NULL) SELECT id FROM up"
    )


def links_for_goals(goal_ids, *, kinds: tuple[str, ...] | None = None) -> list[GoalLink]:
    """Every link whose source or target is one of `goal_ids` (one query, both goals and their owners loaded), in
    source then id order.
    Not filtered by who may see what: callers pass goals the viewer may see and keep links whose other end they may
    see too (`links_visible_to`), or use it where everything is visible."""
    ids = list(goal_ids)
    if not ids:
        return []
    qs = GoalLink.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    return list(qs.select_related("source__owner", "target__owner").order_by("source_id", "id"))


def links_visible_to(person, queryset: QuerySet[GoalLink] | None = None) -> QuerySet[GoalLink]:
    """Links both of whose goals `person` may see."""
    queryset = GoalLink.objects.all() if queryset is None else queryset
    return queryset.filter(permissions.visible_links_q(person))


def counted_contributions(goal: Goal, links: list[GoalLink]) -> list[float]:
    """The weights of the `contributes` links into `goal` among `links` (sources loaded) that its rollup counts: from
    sources neither cancelled nor archived (as apps.goals.rollup counts them)."""
    return [
        link.weight
        for link in links
        if link.target_id == goal.pk
        and link.kind == GoalLink.Kind.CONTRIBUTES
        and counts_for_parent(link.source.status, link.source.archived_at is not None)
    ]


def link_target_candidates(person, goal: Goal) -> QuerySet[Goal]:
    """Goals `goal` could be linked to by `person`: visible, in use, in its cycle or one containing it, not itself
    and not linked from it already (the other rules — ancestors, loops — are apps.goals.links' to tell)."""
    linked = GoalLink.objects.filter(source=goal).values("target_id")
    return (
        permissions.visible_goals(person)
        .filter(archived_at__isnull=True, cycle_id__in=goal.cycle.lineage_ids())
        .exclude(pk=goal.pk)
        .exclude(pk__in=linked)
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def attach_outgoing_links(goals: list[Goal], viewer) -> list[Goal]:
    """Give each goal `outgoing_links`: its links to goals `viewer` may see, targets loaded (one query for all)."""
    by_id = {goal.pk: goal for goal in goals}
    for goal in goals:
        goal.outgoing_links = []
    if not by_id:
        return goals
    rows = GoalLink.objects.filter(source_id__in=by_id).select_related("target__owner").order_by("source_id", "id")
    for link in rows:
        if permissions.can_view_goal(viewer, link.target):
            by_id[link.source_id].outgoing_links.append(link)
    return goals
