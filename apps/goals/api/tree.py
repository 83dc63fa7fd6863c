"""goals/{id}/tree/: a goal and what is under it, bounded.

The contract says "the goal and all its descendants": a subtree of up to MAX_NODES visible goals is answered whole,
exactly as before. A larger one would be megabytes (63 MB and 15 s for an intent at 100,000 people), so it is cut at
whole levels, breadth first, and says so: the root carries `truncated: true`, and every goal whose `children` are not
all there carries `children_count` (how many it has) and `children_next` (the URL that answers them). `?depth=` and
`?limit=` ask for fewer levels or fewer children per goal; `?offset=` pages the root's children. The whole subtree
of any size streams as NDJSON (`?format=ndjson`), one goal a line, parents first.

Every answer reads by index, never the whole subtree: the cascade range by (tree_id, lft) and the personal goals
hanging off it by parent (two queries); a root whose cascade alone passes MAX_NODES first counts its levels (one
grouped query) to read only the levels that fit; when something was cut, one grouped count for the goals at the cut.
A level past the limit or the offset is paged in Python over these bounded rows. Rows are rendered by
apps.goals.api.representation with the privacy rule of goals/{id}/.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from .. import permissions
from ..models import Goal, Layer
from ..selectors import goal_subtree
from .representation import COLUMNS, render_rows

MAX_NODES = 250  # ~200 KB of JSON
MAX_DEPTH = 100
MAX_LIMIT = 1000
STREAM_CHUNK = 2000


class NDJSONRenderer(BaseRenderer):
    """`?format=ndjson` of tree/: the view streams the goals itself (and answers an error as JSON: GoalViewSet's
    handle_exception), so nothing but a stray payload is rendered here, as one line."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return json.dumps(data, cls=JSONEncoder, ensure_ascii=False).encode() + b"\n"


def ndjson_lines(nodes: Iterator[dict]) -> Iterator[bytes]:
    for node in nodes:
        yield json.dumps(node, cls=JSONEncoder, ensure_ascii=False).encode() + b"\n"


class TreeQuerySerializer(serializers.Serializer):
    depth = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_DEPTH,
        help_text="Levels below the goal to include (0: the goal alone). Default: all of them, as long as the answer "
        f"holds at most {MAX_NODES} goals; a larger subtree is cut at whole levels and says so (`truncated`).",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text="At most this many children per goal; a goal with more carries `children_count` and "
        "`children_next`. Default: no limit.",
    )
    offset = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=10**7,
        default=0,
        help_text="Skip this many of the goal's own children (the page `children_next` points at).",
    )


@dataclass
class TreeQuery:
    depth: int | None = None
    limit: int | None = None
    offset: int = 0

    def params(self, **changes) -> dict:
        """The query of a `children_next` link: the same shape, from another offset (no depth=0, which would answer
        the goal alone again; no offset=0)."""
        values = {"depth": self.depth, "limit": self.limit, **changes}
        return {name: value for name, value in values.items() if value}


def visible_subtree(root: Goal, viewer) -> QuerySet[Goal]:
    """The root (even archived) and its descendants in use that the caller may see."""
    return permissions.visible_goals(viewer, goal_subtree(root) | Goal.objects.filter(pk=root.pk))


PERSONAL_LAST = Case(When(layer=Layer.PERSONAL, then=Value(1)), default=Value(0), output_field=IntegerField())


def fitting_depth(root: Goal) -> int | None:
    """For a root whose cascade alone (its nested-set range: no query) holds more than MAX_NODES goals, the deepest
    level whose levels above fit in MAX_NODES (one grouped count over the range, by index); None for a smaller one."""
    if root.layer == Layer.PERSONAL or (root.rght - root.lft + 1) // 2 <= MAX_NODES:
        return None
    levels = (
        Goal.objects.filter(tree_id=root.tree_id, lft__gte=root.lft, lft__lte=root.rght, archived_at__isnull=True)
        .order_by()
        .values("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    total, depth = 0, 0
    for level, n in sorted(levels):
        total += n
        if total > MAX_NODES:
            break
        depth = level - root.level
    return max(depth, 1)


def tree_rows(root: Goal, viewer, depth: int | None) -> list[dict]:
    """The visible rows of the subtree down to `depth` levels, breadth first, parents before children (the cascade
    in nested-set order, then personal goals), as plain values. Two index reads: the cascade range by (tree_id, lft)
    and the personal goals hanging off it by parent."""
    visible = permissions.visible_goals(viewer)
    if root.layer == Layer.PERSONAL:
        rows = list(visible.filter(pk=root.pk).values(*COLUMNS))
        return [{**row, "depth": 0} for row in rows]
    in_range = Q(tree_id=root.tree_id, lft__gte=root.lft, lft__lte=root.rght)
    cascade = visible.filter(in_range & (Q(archived_at__isnull=True) | Q(pk=root.pk)))
    if depth is not None:
        cascade = cascade.filter(level__lte=root.level + depth)
    rows = [{**row, "depth": row["level"] - root.level} for row in cascade.values(*COLUMNS, "level")]
    parents = {row["id"]: row["depth"] for row in rows if depth is None or row["depth"] < depth}
    personal = visible.filter(layer=Layer.PERSONAL, parent_id__in=list(parents), archived_at__isnull=True)
    rows += [{**row, "depth": parents[row["parent_id"]] + 1} for row in personal.values(*COLUMNS)]
    rows.sort(key=lambda row: (row["depth"], row["layer"] == Layer.PERSONAL, row["lft"], row["id"]))
    return rows


def paged(root: Goal, rows: list[dict], query: TreeQuery) -> tuple[list[dict], dict[int, int]]:
    """The rows left after ?offset= (on the root's children) and ?limit= (on everyone's), a goal left out taking its
    goals with it; and how many children each parent has among the rows read."""
    kept, kept_ids, seen, totals = [], {root.pk}, defaultdict(int), defaultdict(int)
    for row in rows:
        if row["id"] == root.pk:
            kept.append(row)
            continue
        parent = row["parent_id"]
        if parent not in kept_ids:
            continue  # under a goal left out (hidden, or past a limit)
        totals[parent] += 1
        seen[parent] += 1
        start = query.offset if parent == root.pk else 0
        if seen[parent] <= start or (query.limit and seen[parent] > start + query.limit):
            continue
        kept.append(row)
        kept_ids.add(row["id"])
    return kept, totals


def nested_tree(root: Goal, viewer, query: TreeQuery, today: date, reads: set[int]) -> dict:
    """The root with its descendants nested under `children`, cut as the module says, with the markers of each cut."""
    fitting = fitting_depth(root)
    depth = query.depth if fitting is None else min(fitting, query.depth if query.depth is not None else fitting)
    rows, totals = paged(root, tree_rows(root, viewer, depth), query)
    deepest = max(row["depth"] for row in rows)
    cut_by_depth = depth is not None and deepest == depth
    capped = len(rows) > MAX_NODES
    if capped:
        cut = rows[MAX_NODES]["depth"]  # the first level that does not fit: left out, unless it is the first
        rows = rows[:MAX_NODES] if cut == 1 else [row for row in rows if row["depth"] < cut]
        deepest = max(row["depth"] for row in rows)
    index = _nest(root, render_rows(rows, viewer, today, reads))
    frontier = {row["id"] for row in rows if row["depth"] == deepest and row["id"] in index}
    unsure = frontier if (capped or cut_by_depth) else set()
    known = {pk: n for pk, n in totals.items() if pk in index and pk not in unsure}
    cut_any = False
    for pk, total in {**known, **_child_counts(unsure, viewer)}.items():
        node = index[pk]
        start = query.offset if pk == root.pk else 0
        if start + len(node["children"]) < total:
            node["children_count"] = total
            node["children_next"] = _url(pk, query.params(offset=start + len(node["children"])))
            cut_any = True
    if cut_any:
        index[root.pk]["truncated"] = True
    return index[root.pk]


def _nest(root: Goal, rendered: list[tuple[dict, dict]]) -> dict[int, dict]:
    index: dict[int, dict] = {}
    for node, row in rendered:
        node["children"] = []
        parent_node = index.get(row["parent_id"]) if row["id"] != root.pk else None
        if row["id"] == root.pk or parent_node is not None:
            # A goal whose parent is hidden from the caller is left out with everything under it.
            index[row["id"]] = node
            if parent_node is not None:
                parent_node["children"].append(node)
    return index


def _child_counts(goal_ids: set[int], viewer) -> dict[int, int]:
    """How many children in use the caller may see, for each of these goals (one grouped query)."""
    if not goal_ids:
        return {}
    children = permissions.visible_goals(viewer).filter(parent_id__in=goal_ids, archived_at__isnull=True)
    return dict(children.order_by().values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n"))


def _url(pk: int, params: dict) -> str:
    url = reverse("goal-tree", args=[pk])
    return f"{url}?{urlencode(params)}" if params else url


def stream_subtree(root: Goal, viewer, today: date, record_reads) -> Iterator[dict]:
    """Every goal of the subtree the caller may see, parents before children, read from a server-side cursor in
    chunks (bounded memory whatever the size); `record_reads(ids)` is called once at the end with the personal
    goals whose private reflection was shown (one INSERT, whatever the size)."""
    rows = (
        visible_subtree(root, viewer)
        .annotate(personal_last=PERSONAL_LAST)
        .order_by("personal_last", "lft", "id")
        .values(*COLUMNS)
        .iterator(chunk_size=STREAM_CHUNK)
    )
    emitted: set[int] = set()
    reads: set[int] = set()
    chunk: list[dict] = []
    for row in rows:
        # As in the nested tree, a goal whose parent is hidden is left out with everything under it.
        if row["id"] == root.pk or row["parent_id"] in emitted:
            emitted.add(row["id"])
            chunk.append(row)
        if len(chunk) == STREAM_CHUNK:
            yield from (node for node, _row in render_rows(chunk, viewer, today, reads))
            chunk = []
    yield from (node for node, _row in render_rows(chunk, viewer, today, reads))
    if reads:
        record_reads(reads)
