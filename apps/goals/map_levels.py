"""The strategy map, one level at a time: what each request of the map reads, bounded whatever the organisation's size.

The first view is the intents with their direct children; every further level is asked for by the browser (or, without
JavaScript, opened as a page). A level shows at most PAGE_SIZE goals and says whether more follow; the personal goals
linked to nothing sit behind one node that counts them. Every function here is a fixed number of queries.
"""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from . import permissions, selectors
from .models import Goal, Layer

PAGE_SIZE = 50
ROW_RELATED = ("cycle", "owner", "unit")
ORDER = ("layer", "title", "pk")


@dataclass
class Level:
    """One page of a level of the map: its goals and, when more follow, the offset the next page starts at."""

    nodes: list[Goal]
    offset: int = 0
    next_offset: int | None = None
    # Where its list sits in the page and where its next page is asked for (set by the view).
    list_id: str = ""
    url: str = ""


def with_child_counts(queryset: QuerySet[Goal], viewer) -> QuerySet[Goal]:
    """Each goal with how many children in use the viewer may see (in the same query). A correlated subquery, not a
    join with GROUP BY: PostgreSQL then counts for the page's rows only, after ORDER BY … LIMIT, not for every goal
    of a 40,000-goal level before picking 50."""
    children = (
        permissions.visible_goals(viewer)
        .filter(parent=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(child_count=Coalesce(Subquery(children), 0))


def page_of(queryset: QuerySet[Goal], viewer, offset: int, order: tuple[str, ...] = ORDER) -> Level:
    """PAGE_SIZE goals of `queryset` from `offset`, with their child counts and links (two queries: one more row is
    read to know whether another page follows)."""
    rows = _counted(queryset, viewer, offset, order)
    more = len(rows) > PAGE_SIZE
    nodes = selectors.attach_outgoing_links(rows[:PAGE_SIZE], viewer)
    return Level(nodes, offset, offset + PAGE_SIZE if more else None)


def in_use(visible: QuerySet[Goal], cycle_ids: list[int]) -> QuerySet[Goal]:
    return visible.filter(cycle_id__in=cycle_ids, archived_at__isnull=True)


def intents(visible: QuerySet[Goal], cycle_ids: list[int], viewer, offset: int = 0) -> Level:
    return page_of(in_use(visible, cycle_ids).filter(layer=Layer.INTENT, parent__isnull=True), viewer, offset)


def children(goal: Goal, visible: QuerySet[Goal], viewer, offset: int = 0) -> Level:
    return page_of(visible.filter(parent=goal, archived_at__isnull=True), viewer, offset)


def unlinked_personal(visible: QuerySet[Goal], cycle_ids: list[int], viewer) -> QuerySet[Goal]:
    """Personal goals linked to nothing: counted as unaligned, never hidden, but shown only when asked for. Also
    filtered by owner alone (permissions.visible_personal_goals_q), so PostgreSQL reads them through the index on
    the owner: the viewer's own and their chain's, not the 40,000 of a cycle at 100,000 people."""
    personal = permissions.visible_personal_goals_q(viewer)
    return in_use(visible, cycle_ids).filter(personal, layer=Layer.PERSONAL, parent__isnull=True)


def unlinked(visible: QuerySet[Goal], cycle_ids: list[int], viewer, offset: int = 0) -> Level:
    """Oldest first: in the order of the primary key, which PostgreSQL walks and stops after a page, where sorting
    40,000 personal goals by title to show 50 took 200 ms."""
    return page_of(unlinked_personal(visible, cycle_ids, viewer), viewer, offset, order=("pk",))


def first_view(visible: QuerySet[Goal], cycle_ids: list[int], viewer) -> tuple[Level, int]:
    """The intents, each given `open_level`: its first page of children (already open); and the number of personal goals
    linked to nothing. Four queries whatever the number of intents: the first PAGE_SIZE children of each intent are
    picked by a window function inside the query that reads them with their counts; one more reads all links."""
    rows = _counted(in_use(visible, cycle_ids).filter(layer=Layer.INTENT, parent__isnull=True), viewer, 0)
    roots = Level(rows[:PAGE_SIZE], 0, PAGE_SIZE if len(rows) > PAGE_SIZE else None)
    by_id = {intent.pk: intent for intent in roots.nodes}
    for intent in roots.nodes:
        intent.open_level = Level([], 0, PAGE_SIZE if intent.child_count > PAGE_SIZE else None)
    children = []
    if by_id:
        ranked = (
            visible.filter(parent_id__in=by_id, archived_at__isnull=True)
            .annotate(rank=Window(RowNumber(), partition_by=F("parent_id"), order_by=[F(name).asc() for name in ORDER]))
            .filter(rank__lte=PAGE_SIZE)
            .values("pk")
        )
        children = list(
            with_child_counts(Goal.objects.filter(pk__in=ranked), viewer).select_related(*ROW_RELATED).order_by(*ORDER)
        )
        for child in children:
            by_id[child.parent_id].open_level.nodes.append(child)
    selectors.attach_outgoing_links([*roots.nodes, *children], viewer)
    return roots, unlinked_personal(visible, cycle_ids, viewer).count()


def _counted(queryset: QuerySet[Goal], viewer, offset: int, order: tuple[str, ...] = ORDER) -> list[Goal]:
    """PAGE_SIZE + 1 goals of `queryset` from `offset` with their child counts (one query)."""
    counted = with_child_counts(queryset, viewer).select_related(*ROW_RELATED).order_by(*order)
    return list(counted[offset : offset + PAGE_SIZE + 1])
