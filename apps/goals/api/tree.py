"""goals/{id}/tree/: a goal and what is under it, bounded.

The contract says "the goal and all its descendants": a subtree of up to MAX_NODES visible goals is answered whole,
exactly as before. A larger one would be megabytes (63 MB and 15 s for an intent at 100,000 people), so it is cut at
whole levels, breadth first, and says so: the root carries `truncated: true`, and every goal whose `children` are not
all there carries `children_count` (how many it has) and `children_next` (the URL that answers them). `?depth=` and
`?limit=` ask for fewer levels or fewer children per goal; `?offset=` pages the root's children. The whole subtree
of any size streams as NDJSON (`?format=ndjson`), one goal a line, parents first.

Every answer is one range query for the rows plus, when something was cut, one grouped count for the goals at the
cut; rows are rendered by apps.goals.api.representation with the privacy rule of goals/{id}/.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
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
    """`?format=ndjson` of tree/: the view streams the goals itself; only an error is rendered here, as one line."""

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


def _depth(root: Goal):
    """Levels below the root: the nested-set level for the cascade, the parent's plus one for a personal goal."""
    if root.layer == Layer.PERSONAL:
        return Value(0, output_field=IntegerField())
    return Case(
        When(layer=Layer.PERSONAL, then=F("parent__level") + 1 - root.level),
        default=F("level") - root.level,
        output_field=IntegerField(),
    )


PERSONAL_LAST = Case(When(layer=Layer.PERSONAL, then=Value(1)), default=Value(0), output_field=IntegerField())


def tree_rows(root: Goal, subtree: QuerySet[Goal], query: TreeQuery) -> list[dict]:
    """At most MAX_NODES + 1 rows of the subtree, breadth first (parents before children), as plain values."""
    rows = subtree.annotate(depth=_depth(root), personal_last=PERSONAL_LAST)
    if query.depth is not None:
        rows = rows.filter(depth__lte=query.depth)
    extra = ["depth"]
    if query.limit or query.offset:
        sibling_order = [F("personal_last").asc(), F("lft").asc(), F("id").asc()]
        rows = rows.annotate(
            rank=Window(RowNumber(), partition_by=F("parent_id"), order_by=sibling_order),
            siblings=Window(Count("id"), partition_by=F("parent_id")),
            skip=Case(When(depth=1, then=Value(query.offset)), default=Value(0), output_field=IntegerField()),
        ).filter(rank__gt=F("skip"))  # the root is alone in its partition: rank 1, skip 0
        if query.limit:
            rows = rows.filter(rank__lte=F("skip") + query.limit)
        extra += ["rank", "siblings"]
    ordered = rows.order_by("depth", "personal_last", "lft", "id")
    return list(ordered.values(*COLUMNS, *extra)[: MAX_NODES + 1])


def nested_tree(root: Goal, viewer, query: TreeQuery, today: date, reads: set[int]) -> dict:
    """The root with its descendants nested under `children`, cut as the module says, with the markers of each cut."""
    rows = tree_rows(root, visible_subtree(root, viewer), query)
    capped = len(rows) > MAX_NODES
    if capped:
        cut = rows[MAX_NODES]["depth"]  # the first level that does not fit: left out, unless it is the first
        rows = rows[:MAX_NODES] if cut == 1 else [row for row in rows if row["depth"] < cut]
    index = _nest(root, render_rows(rows, viewer, today, reads))
    deepest = max(row["depth"] for row in rows)
    reached_depth = query.depth is not None and deepest == query.depth
    frontier = {row["id"] for row in rows if row["depth"] == deepest and row["id"] in index}
    unsure = frontier if (capped or reached_depth) else set()
    if capped and cut == 1 and not query.limit:
        unsure = unsure | {root.pk}
    totals = _sibling_totals(rows, index) | _child_counts(unsure, viewer)
    cut_any = False
    for pk, total in totals.items():
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


def _sibling_totals(rows: list[dict], index: dict[int, dict]) -> dict[int, int]:
    """With ?limit= or ?offset=, each row knows how many visible siblings it has: its parent's number of children."""
    return {row["parent_id"]: row["siblings"] for row in rows if "siblings" in row and row["parent_id"] in index}


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
    chunks (bounded memory whatever the size); `record_reads(ids)` is called for each chunk's private reads."""
    rows = (
        visible_subtree(root, viewer)
        .annotate(personal_last=PERSONAL_LAST)
        .order_by("personal_last", "lft", "id")
        .values(*COLUMNS)
        .iterator(chunk_size=STREAM_CHUNK)
    )
    emitted: set[int] = set()
    chunk: list[dict] = []
    for row in rows:
        # As in the nested tree, a goal whose parent is hidden is left out with everything under it.
        if row["id"] == root.pk or row["parent_id"] in emitted:
            emitted.add(row["id"])
            chunk.append(row)
        if len(chunk) == STREAM_CHUNK:
            yield from _rendered_chunk(chunk, viewer, today, record_reads)
            chunk = []
    yield from _rendered_chunk(chunk, viewer, today, record_reads)


def _rendered_chunk(chunk: list[dict], viewer, today: date, record_reads) -> Iterator[dict]:
    reads: set[int] = set()
    rendered = render_rows(chunk, viewer, today, reads)
    if reads:
        record_reads(reads)
    for node, _row in rendered:
        yield node
