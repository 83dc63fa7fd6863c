"""goals/{id}/tree/ is bounded: ?depth=, ?limit= and ?offset= shape it, a subtree past MAX_NODES is cut at whole
levels with markers, bad values are 400 naming the parameter, and ?format=ndjson streams all of it."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.goals.api import tree
from apps.goals.models import Layer, ReflectionRead
from tests.factories import GoalFactory


def ids(nodes: list[dict]) -> list[int]:
    return [node["id"] for node in nodes]


def lines(response) -> list[dict]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def wide(cast, n: int):
    """n more operational goals under the cast's translational goal."""
    return [
        GoalFactory(layer=Layer.OPERATIONAL, parent=cast.trans, unit=cast.team, owner=cast.manager, title=f"W{i:03}")
        for i in range(n)
    ]


def test_without_parameters_a_small_subtree_is_answered_whole_and_unmarked(as_role, cast):
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/").json()
    trans = next(child for child in body["children"] if child["id"] == cast.trans.pk)
    assert ids(trans["children"][0]["children"]) == [cast.personal.pk]
    assert "truncated" not in body and "children_next" not in trans


def test_depth_zero_is_the_goal_alone_with_its_children_counted(as_role, cast):
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/?depth=0").json()
    assert body["children"] == [] and body["truncated"] is True
    # The rest is asked without depth=0 (which would answer the goal alone again).
    assert body["children_count"] == 2 and body["children_next"] == f"/api/v1/goals/{cast.intent.pk}/tree/"


def test_depth_one_stops_below_the_children_and_says_where(as_role, cast):
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/?depth=1").json()
    assert set(ids(body["children"])) == {cast.trans.pk, cast.other_trans.pk}
    trans = next(child for child in body["children"] if child["id"] == cast.trans.pk)
    assert trans["children"] == [] and trans["children_count"] == 1
    assert trans["children_next"] == f"/api/v1/goals/{cast.trans.pk}/tree/?depth=1"
    assert "children_count" not in body  # its own children are all here


def test_depth_counts_a_personal_goal_one_below_its_parent(as_role, cast):
    body = as_role("admin").get(f"/api/v1/goals/{cast.trans.pk}/tree/?depth=2").json()
    assert ids(body["children"][0]["children"]) == [cast.personal.pk]
    body = as_role("admin").get(f"/api/v1/goals/{cast.trans.pk}/tree/?depth=1").json()
    assert body["children"][0]["children"] == [] and body["children"][0]["children_count"] == 1


def test_limit_pages_a_wide_level_with_a_next_link(as_role, cast):
    wide(cast, 5)  # 6 children of trans with the cast's own oper
    client = as_role("admin")
    first = client.get(f"/api/v1/goals/{cast.trans.pk}/tree/?limit=4").json()
    assert len(first["children"]) == 4 and first["children_count"] == 6 and first["truncated"] is True
    assert first["children_next"] == f"/api/v1/goals/{cast.trans.pk}/tree/?limit=4&offset=4"
    rest = client.get(first["children_next"]).json()
    assert len(rest["children"]) == 2 and "children_next" not in rest
    assert set(ids(first["children"])) | set(ids(rest["children"])) == set(
        ids(client.get(f"/api/v1/goals/{cast.trans.pk}/tree/").json()["children"])
    )


def test_limit_applies_to_every_level(as_role, cast):
    wide(cast, 3)
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/?limit=1").json()
    assert len(body["children"]) == 1 and body["children_count"] == 2
    trans = body["children"][0]
    assert len(trans["children"]) <= 1


def test_a_subtree_past_the_cap_is_cut_at_whole_levels(as_role, cast, monkeypatch):
    monkeypatch.setattr(tree, "MAX_NODES", 5)
    wide(cast, 4)  # intent, 2 translational, 5 operational, 1 personal…
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/").json()
    assert body["truncated"] is True
    assert all(child["children"] == [] for child in body["children"])  # the third level did not fit: left out
    trans = next(child for child in body["children"] if child["id"] == cast.trans.pk)
    assert trans["children_count"] == 5 and trans["children_next"] == f"/api/v1/goals/{cast.trans.pk}/tree/"


def test_a_first_level_past_the_cap_is_answered_in_part_with_the_offset_of_the_rest(as_role, cast, monkeypatch):
    monkeypatch.setattr(tree, "MAX_NODES", 3)
    wide(cast, 5)
    body = as_role("admin").get(f"/api/v1/goals/{cast.trans.pk}/tree/").json()
    assert len(body["children"]) == 2 and body["children_count"] == 6  # the cap counts the root too
    assert body["children_next"] == f"/api/v1/goals/{cast.trans.pk}/tree/?offset=2"


def test_hidden_goals_are_not_counted_in_the_markers(as_role, cast):
    body = as_role("employee").get(f"/api/v1/goals/{cast.other_trans.pk}/tree/?depth=0").json()
    assert "children_count" not in body or body["children_count"] == 1  # the published oper only
    assert as_role("employee").get(f"/api/v1/goals/{cast.other_trans.pk}/tree/?depth=1").json()["children"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("depth=-1", "depth"),
        ("depth=abc", "depth"),
        ("depth=1000000", "depth"),
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("limit=99999999999999999999", "limit"),
        ("offset=-3", "offset"),
        ("format=xml", "format"),
    ],
)
def test_bad_values_are_400_naming_the_parameter(as_role, cast, query, field):
    response = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_personal_goal_is_its_own_tree(as_role, cast):
    body = as_role("employee").get(f"/api/v1/goals/{cast.personal.pk}/tree/?depth=3").json()
    assert body["id"] == cast.personal.pk and body["children"] == [] and "truncated" not in body


# --- The stream ------------------------------------------------------------------------------


def test_the_stream_has_every_goal_with_the_fields_of_goals_id_parents_first(as_role, cast):
    client = as_role("admin")
    response = client.get(f"/api/v1/goals/{cast.intent.pk}/tree/?format=ndjson")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    goals = lines(response)
    seen: set[int] = set()
    for goal in goals:
        assert goal["id"] == cast.intent.pk or goal["parent"] in seen
        seen.add(goal["id"])
        assert goal == client.get(f"/api/v1/goals/{goal['id']}/").json()
    assert len(goals) == 6  # intent, trans, other_trans, oper, personal, other_personal


def test_the_stream_keeps_the_privacy_rule_and_records_reads(as_role, cast):
    hr = {goal["id"]: goal for goal in lines(as_role("hr").get(f"/api/v1/goals/{cast.intent.pk}/tree/?format=ndjson"))}
    assert hr[cast.personal.pk]["why"] is None
    assert cast.other_personal.pk in hr  # HR sees published personal goals, not their reflection
    manager = lines(as_role("manager").get(f"/api/v1/goals/{cast.intent.pk}/tree/?format=ndjson"))
    assert next(goal for goal in manager if goal["id"] == cast.personal.pk)["why"]
    assert ReflectionRead.objects.filter(goal_id=cast.personal.pk, reader=cast.manager).exists()
    employee = lines(as_role("other_employee").get(f"/api/v1/goals/{cast.intent.pk}/tree/?format=ndjson"))
    assert cast.personal.pk not in ids(employee)


def test_the_stream_accepts_the_ndjson_media_type(as_role, cast):
    response = as_role("admin").get(f"/api/v1/goals/{cast.trans.pk}/tree/", HTTP_ACCEPT="application/x-ndjson")
    assert response.status_code == 200 and len(lines(response)) == 3


@pytest.mark.parametrize("query", ["format=ndjson&depth=-1", "format=ndjson&limit=0"])
def test_an_error_asked_for_as_ndjson_is_json_like_every_error(as_role, cast, query):
    response = as_role("admin").get(f"/api/v1/goals/{cast.trans.pk}/tree/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert set(response.json()) <= {"depth", "limit"}


def test_a_goal_one_cannot_see_asked_for_as_ndjson_is_a_json_404(as_role, cast):
    response = as_role("other_employee").get(f"/api/v1/goals/{cast.personal.pk}/tree/?format=ndjson")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


# --- Query counts: they do not grow with the goals ------------------------------------------------


def streamed_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(queries)


def test_the_stream_runs_a_fixed_number_of_queries(as_role, cast):
    url = f"/api/v1/goals/{cast.intent.pk}/tree/?format=ndjson"
    few = streamed_queries(as_role("admin"), url)
    wide(cast, 30)
    # The goal, the rows (one cursor), the reads of the private reflections shown (one INSERT per chunk).
    assert streamed_queries(as_role("admin"), url) == few <= 3


@pytest.mark.parametrize("query", ["depth=1", "depth=2&limit=3", "limit=2&offset=2"])
def test_shaped_trees_run_a_fixed_number_of_queries(as_role, cast, query):
    url = f"/api/v1/goals/{cast.intent.pk}/tree/?{query}"

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_role("admin").get(url).status_code == 200
        return len(queries)

    few = counted()
    wide(cast, 30)
    # The goal, the rows (cascade, personal goals), the counts at the cut; the reads shown (one INSERT).
    assert counted() == few <= 4 + 1
