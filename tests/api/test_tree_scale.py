"""goals/{id}/tree/ on a 5,000-goal subtree: a constant number of queries, a bounded answer, and the whole of it as a
stream (its speed is measured in bench/api_tree.py, not asserted here)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.goals.api.tree import MAX_NODES
from apps.goals.models import Goal, GoalStatus, Layer

TRANSLATIONAL, OPERATIONAL_EACH, PERSONAL_EACH = 50, 20, 4  # 1 + 50 + 1,000 + 4,000 goals


def bulk_subtree(cast) -> int:
    """A big cascade under the cast's intent, loaded the way bulk imports are (insert, then rebuild)."""
    common = {"cycle": cast.year, "unit": cast.team, "owner": cast.employee, "status": GoalStatus.ACTIVE}
    tree = {"lft": 0, "rght": 0, "tree_id": 0, "level": 0}
    with Goal.objects.disable_mptt_updates():
        translational = Goal.objects.bulk_create(
            Goal(
                title=f"T{i}", layer=Layer.TRANSLATIONAL, parent=cast.intent, tree_parent=cast.intent, **common, **tree
            )
            for i in range(TRANSLATIONAL)
        )
        operational = Goal.objects.bulk_create(
            Goal(title=f"O{i}", layer=Layer.OPERATIONAL, parent=t, tree_parent=t, **common, **tree)
            for t in translational
            for i in range(OPERATIONAL_EACH)
        )
        Goal.objects.bulk_create(
            Goal(title=f"P{i}", layer=Layer.PERSONAL, parent=o, why="mine", **common, **tree)
            for o in operational
            for i in range(PERSONAL_EACH)
        )
    Goal.objects.rebuild()
    return 1 + len(translational) + len(operational) * (1 + PERSONAL_EACH)


def count_nodes(node: dict) -> int:
    return 1 + sum(count_nodes(child) for child in node["children"])


def test_tree_of_5000_goals_runs_a_constant_number_of_queries(as_role, cast):
    expected = bulk_subtree(cast) + 5  # the cast's own goals under the intent: trans, oper, personal, other_*
    # + 3: the subtree is read in two index reads (cascade, personal goals); its cascade is larger than tree.MAX_NODES,
    # so its levels are counted first (one grouped query) and the goals at the cut have their children counted (one).
    for role, pin in (("admin", 3 + 3), ("manager", 5 + 3)):  # the reads of private reflections shown: one INSERT
        client = as_role(role)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/goals/{cast.intent.pk}/tree/")
        assert response.status_code == 200
        assert len(queries) <= pin
    # Answered whole up to tree.MAX_NODES goals; this one is cut at whole levels and says so (apps.goals.api.tree).
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/").json()
    assert body["truncated"] is True and count_nodes(body) <= MAX_NODES
    assert all(child["children_next"] == f"/api/v1/goals/{child['id']}/tree/" for child in body["children"])
    # The whole of it streams, one goal a line.
    response = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/?format=ndjson")
    assert len(b"".join(response.streaming_content).splitlines()) == expected
