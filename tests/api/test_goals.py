"""goals/: writes go through the services (rules, history, rollup), errors name the field and the rule."""

from datetime import date

import pytest

from apps.core.models import ObjectChange
from apps.goals.models import Goal, GoalStatus, Layer
from apps.goals.services import checkin_record
from tests.factories import CycleFactory, GoalFactory, MetricFactory

URL = "/api/v1/goals/"


def detail(goal) -> str:
    return f"{URL}{goal.pk}/"


def new_goal(cast, **overrides) -> dict:
    data = {
        "title": "Open a Singapore office",
        "layer": Layer.OPERATIONAL,
        "parent": cast.trans.pk,
        "cycle": cast.year.pk,
        "unit": cast.team.pk,
        "owner": cast.employee.pk,
    }
    return {**data, **overrides}


def assert_rejected(response, field: str, words: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert words in " ".join(body[field]), body


# --- Create ----------------------------------------------------------------------------


def test_manager_creates_an_operational_goal_through_the_service(as_role, cast):
    response = as_role("manager").post(URL, new_goal(cast), format="json")
    assert response.status_code == 201, response.content
    goal = Goal.objects.get(pk=response.json()["id"])
    assert goal.parent == cast.trans and goal.tree_id == cast.intent.tree_id  # placed in the tree by tree.py
    assert ObjectChange.objects.filter(object_id=goal.pk, action="create", actor=cast.manager).exists()


def test_create_defaults_owner_to_the_caller_and_unit_to_the_owners(as_role, cast):
    data = {"title": "Read two books", "layer": Layer.PERSONAL, "cycle": cast.year.pk}
    response = as_role("employee").post(URL, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == cast.employee.pk and body["unit"] == cast.team.pk and body["status"] == "draft"
    assert body["why"] == "" and body["identity"] == "" and body["motivation"] == ""


def test_create_triggers_the_rollup(as_role, cast, commit):
    data = {"title": "Mine", "layer": Layer.PERSONAL, "parent": cast.oper.pk, "cycle": cast.year.pk}
    data |= {"progress_source": "manual", "manual_progress": 0.5, "status": "active"}
    with commit():
        response = as_role("employee").post(URL, data, format="json")
    assert response.status_code == 201
    cast.oper.refresh_from_db()
    assert cast.oper.rollup_progress == pytest.approx(0.25)  # mean of the cast's personal goal (0) and this one


def test_layer_that_goes_upward_is_refused_naming_the_rule(as_role, cast):
    response = as_role("admin").post(URL, new_goal(cast, layer=Layer.TRANSLATIONAL, parent=cast.oper.pk), format="json")
    assert_rejected(response, "parent", "Layers never go upward")


def test_cycle_outside_the_parents_is_refused_naming_the_rule(as_role, cast):
    other_year = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    response = as_role("admin").post(URL, new_goal(cast, cycle=other_year.pk), format="json")
    assert_rejected(response, "cycle", "cycle must be its parent's cycle")


def test_weight_below_zero_is_refused(as_role, cast):
    assert_rejected(as_role("admin").post(URL, new_goal(cast, weight=-1), format="json"), "weight", "greater than")


def test_intent_with_a_parent_is_refused(as_role, cast):
    response = as_role("admin").post(URL, new_goal(cast, layer=Layer.INTENT, parent=cast.intent.pk), format="json")
    assert_rejected(response, "parent", "root of the cascade")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("parent", 987654321, "does not exist"),
        ("parent", 2**70, "does not exist"),
        ("parent", "abc", "Incorrect type"),
        ("parent", True, "Incorrect type"),
        ("cycle", 987654321, "does not exist"),
        ("owner", [1], "Incorrect type"),
        ("weight", "NaN", "valid number"),
        ("weight", "Infinity", "valid number"),
        ("weight", 1e300, "less than or equal"),
        ("manual_progress", 2, "less than or equal"),
        ("layer", "strategy", "not a valid choice"),
        ("title", "", "may not be blank"),
        ("title", "x" * 301, "no more than 300"),
        ("title", "a\x00b", "Null characters"),
        ("motivation", "greed", "not a valid choice"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(as_role, cast, field, value, words):
    response = as_role("admin").post(URL, new_goal(cast, **{field: value}), format="json")
    assert_rejected(response, field, words)


def test_a_parent_the_caller_cannot_see_does_not_exist(as_role, cast):
    data = new_goal(cast, layer=Layer.TRANSLATIONAL, parent=cast.draft_intent.pk)
    assert_rejected(as_role("manager").post(URL, data, format="json"), "parent", "does not exist")


def test_identity_on_a_cascade_goal_is_refused(as_role, cast):
    response = as_role("admin").post(URL, new_goal(cast, identity="A hero"), format="json")
    assert_rejected(response, "identity", "Only a personal goal")


def test_malformed_json_is_a_400(as_role):
    response = as_role("admin").post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_json_nan_is_a_400(as_role, cast):
    body = f'{{"title": "t", "layer": "intent", "cycle": {cast.year.pk}, "weight": NaN}}'
    assert as_role("admin").post(URL, body, content_type="application/json").status_code == 400


def test_a_list_body_is_a_400(as_role):
    response = as_role("admin").post(URL, [1, 2], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_employee_cannot_create_a_personal_goal_for_someone_else(as_role, cast):
    data = {"title": "Yours", "layer": Layer.PERSONAL, "cycle": cast.year.pk, "owner": cast.other_employee.pk}
    assert as_role("employee").post(URL, data, format="json").status_code == 403


# --- Update ----------------------------------------------------------------------------


def test_patch_changes_fields_and_keeps_history(as_role, cast):
    response = as_role("manager").patch(detail(cast.oper), {"title": "Hire four", "weight": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Hire four"
    change = ObjectChange.objects.filter(object_id=cast.oper.pk, action="update").latest("time")
    assert change.changes["title"] == ["Hire three", "Hire four"]


def test_layer_is_fixed(as_role, cast):
    response = as_role("admin").patch(detail(cast.oper), {"layer": Layer.TRANSLATIONAL}, format="json")
    assert_rejected(response, "layer", "fixed when it is created")


def test_parent_changes_only_through_move(as_role, cast):
    response = as_role("admin").patch(detail(cast.oper), {"parent": cast.other_trans.pk}, format="json")
    assert_rejected(response, "parent", "Use move")


def test_put_of_what_was_read_changes_nothing(as_role, cast):
    client = as_role("manager")
    body = client.get(detail(cast.oper)).json()
    response = client.put(detail(cast.oper), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == client.get(detail(cast.oper)).json()


def test_put_of_a_goal_under_a_parent_the_caller_cannot_see(as_role, cast):
    hidden = GoalFactory(layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.team, status=GoalStatus.DRAFT)
    goal = GoalFactory(layer=Layer.OPERATIONAL, parent=hidden, unit=cast.team, owner=cast.employee)
    client = as_role("manager")
    body = client.get(detail(goal)).json()
    assert client.put(detail(goal), {**body, "title": "Renamed"}, format="json").status_code == 200
    assert_rejected(move(client, cast.oper, hidden), "parent", "does not exist")


def test_a_private_field_read_as_null_and_written_back_is_kept(as_role, cast):
    """The leader may change a personal goal of the Sales subtree whose owner is not in their chain."""
    outsider = GoalFactory(
        layer=Layer.PERSONAL, parent=cast.oper, unit=cast.team, owner=cast.other_employee, why="mine"
    )
    client = as_role("leader")
    body = client.get(detail(outsider)).json()
    assert body["why"] is None
    assert client.put(detail(outsider), body, format="json").status_code == 200
    outsider.refresh_from_db()
    assert outsider.why == "mine"
    assert client.patch(detail(outsider), {"why": "overwritten"}, format="json").status_code == 403


def test_giving_a_goal_to_a_unit_outside_ones_scope_is_403(as_role, cast):
    response = as_role("manager").patch(detail(cast.oper), {"unit": cast.ops_team.pk}, format="json")
    assert response.status_code == 403


def test_employee_cannot_give_their_personal_goal_away(as_role, cast):
    response = as_role("employee").patch(detail(cast.personal), {"owner": cast.other_employee.pk}, format="json")
    assert response.status_code == 403


def test_invalid_input_from_someone_who_may_not_change_is_403_not_400(as_role, cast):
    assert as_role("employee").patch(detail(cast.oper), {"weight": -5}, format="json").status_code == 403


# --- Move, archive, restore ------------------------------------------------------------------


def move(client, goal, parent):
    return client.post(f"{detail(goal)}move/", {"parent": parent.pk if parent else None}, format="json")


def test_move_under_another_parent(as_role, cast):
    response = move(as_role("admin"), cast.oper, cast.other_trans)
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == cast.other_trans.pk
    assert ObjectChange.objects.filter(object_id=cast.oper.pk, action="move").exists()


def test_move_under_own_descendant_is_refused_naming_the_rule(as_role, cast):
    assert_rejected(move(as_role("admin"), cast.trans, cast.oper), "parent", "under itself or one of its descendants")


def test_move_under_a_personal_goal_is_refused(as_role, cast):
    assert_rejected(move(as_role("admin"), cast.draft_personal, cast.personal), "parent", "Layers never go upward")


def test_move_detaches_a_personal_goal(as_role, cast):
    response = move(as_role("employee"), cast.personal, None)
    assert response.status_code == 200 and response.json()["parent"] is None


def test_move_needs_a_parent_field(as_role, cast):
    assert_rejected(as_role("admin").post(f"{detail(cast.oper)}move/", {}, format="json"), "parent", "required")


def test_delete_archives_and_keeps_the_goal_readable(as_role, cast):
    client = as_role("employee")
    assert client.delete(detail(cast.personal)).status_code == 204
    goal = Goal.objects.get(pk=cast.personal.pk)
    assert goal.archived_at is not None
    assert client.get(detail(goal)).json()["archived_at"] is not None
    assert goal.pk not in [g["id"] for g in client.get(URL).json()["results"]]
    assert goal.pk in [g["id"] for g in client.get(URL, {"archived": "true"}).json()["results"]]
    assert client.delete(detail(goal)).status_code == 204  # already archived: nothing to do


def test_archiving_a_goal_with_children_is_refused(as_role, cast):
    response = as_role("admin").delete(detail(cast.trans))
    assert_rejected(response, "non_field_errors", "archive or move them first")


def test_an_archived_goal_cannot_be_changed_until_restored(as_role, cast):
    client = as_role("employee")
    client.delete(detail(cast.personal))
    assert_rejected(client.patch(detail(cast.personal), {"title": "x"}, format="json"), "non_field_errors", "archived")
    response = client.post(f"{detail(cast.personal)}restore/")
    assert response.status_code == 200 and response.json()["archived_at"] is None
    assert client.patch(detail(cast.personal), {"title": "x"}, format="json").status_code == 200


# --- Reads: tree, ancestors, filters, private fields ------------------------------------------


def test_tree_nests_descendants_and_leaves_out_what_the_caller_cannot_see(as_role, cast):
    tree = as_role("employee").get(f"{detail(cast.intent)}tree/").json()
    assert [child["title"] for child in tree["children"]] == ["Grow APAC", "Cut costs"]
    grow = tree["children"][0]
    assert grow["children"][0]["title"] == "Hire three"
    assert [g["title"] for g in grow["children"][0]["children"]] == ["Close my first deal"]
    assert tree["children"][1]["children"] == []  # other_employee's personal goal is not the employee's to see


def test_tree_prunes_the_branch_under_a_hidden_goal(as_role, cast):
    hidden = GoalFactory(layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.ops, status=GoalStatus.DRAFT)
    GoalFactory(layer=Layer.OPERATIONAL, parent=hidden, unit=cast.ops)
    tree = as_role("employee").get(f"{detail(cast.intent)}tree/").json()
    assert hidden.pk not in [child["id"] for child in tree["children"]]
    assert len(tree["children"]) == 2


def test_ancestors_is_the_line_of_sight_root_first(as_role, cast):
    response = as_role("employee").get(f"{detail(cast.personal)}ancestors/")
    assert [g["id"] for g in response.json()] == [cast.intent.pk, cast.trans.pk, cast.oper.pk, cast.personal.pk]
    assert [g["id"] for g in as_role("admin").get(f"{detail(cast.intent)}ancestors/").json()] == [cast.intent.pk]


def test_private_fields_are_null_for_those_outside_the_chain(as_role, cast):
    assert as_role("manager").get(detail(cast.personal)).json()["why"] == "To prove I can run a sale end to end."
    assert as_role("admin").get(detail(cast.personal)).json()["motivation"] == "own"
    hr_view = as_role("hr").get(detail(cast.personal)).json()
    assert (hr_view["why"], hr_view["identity"], hr_view["motivation"]) == (None, None, None)
    listed = {g["id"]: g for g in as_role("hr").get(URL).json()["results"]}
    assert listed[cast.personal.pk]["why"] is None
    assert listed[cast.intent.pk]["why"] == ""  # public on the cascade layers


ALL_GOALS = {"intent", "draft_intent", "trans", "other_trans", "oper", "personal", "draft_personal", "other_personal"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"layer": "translational"}, {"trans", "other_trans"}),
        ({"parent": "intent"}, {"trans", "other_trans"}),
        ({"owner": "employee"}, {"oper", "personal", "draft_personal"}),
        ({"unit": "team"}, {"trans", "oper", "personal", "draft_personal"}),
        ({"status": "draft"}, {"draft_intent", "draft_personal"}),
        ({"search": "apac"}, {"trans"}),
        ({"cycle": "year"}, ALL_GOALS),
        ({"archived": "false"}, ALL_GOALS),
        ({"archived": "true"}, set()),
    ],
)
def test_filters(as_role, cast, params, expected):
    ids = {
        name: getattr(cast, value).pk for name, value in params.items() if name in ("parent", "owner", "unit", "cycle")
    }
    response = as_role("admin").get(URL, {**params, **ids})
    assert response.status_code == 200
    by_id = {cast.goal(name).pk: name for name in cast.goal_names}
    assert {by_id[g["id"]] for g in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cycle": "abc"}, "cycle"),
        ({"parent": str(2**70)}, "parent"),
        ({"layer": "x"}, "layer"),
        ({"ordering": "secret"}, "ordering"),
        ({"owner": "0"}, "owner"),
        ({"search": "a\x00"}, "search"),
    ],
)
def test_bad_filters_are_400_naming_the_filter(as_role, params, field):
    response = as_role("admin").get(URL, params)
    assert response.status_code == 400 and field in response.json()


def test_ordering_and_pagination(as_role, cast):
    client = as_role("admin")
    page = client.get(URL, {"ordering": "-title", "page_size": 3}).json()
    titles = sorted((cast.goal(n).title for n in cast.goal_names), reverse=True)
    assert [g["title"] for g in page["results"]] == titles[:3]
    assert page["count"] == 8 and page["next"] and page["previous"] is None
    assert client.get(URL, {"page": 99}).status_code == 404


def test_page_size_is_capped(as_role, cast):
    for _ in range(3):
        GoalFactory(layer=Layer.PERSONAL, cycle=cast.year, unit=cast.team, owner=cast.employee)
    assert len(as_role("admin").get(URL, {"page_size": 100000}).json()["results"]) == 11


def test_health_and_progress_are_computed_and_read_only(as_role, cast, commit):
    with commit():
        metric = MetricFactory(goal=cast.trans, start=0, target=10, current=5)
        checkin_record(actor=cast.trans.owner, metric=metric, value=5, confidence=6)  # started: it has a health
    client = as_role("admin")
    response = client.patch(detail(cast.trans), {"progress": 1, "health": "off_track"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["progress"] == 0.5 and body["measured_progress"] == 0.5
    assert body["health"] in ("on_track", "at_risk", "off_track")


def test_a_new_goal_has_no_health_until_it_starts(as_role, cast):
    """DESIGN.md: a new goal is not started — no colour, no alarm — until its first check-in."""
    body = as_role("admin").get(detail(cast.trans)).json()
    assert body["status"] == "active" and body["progress"] == 0
    assert body["health"] is None and body["last_activity_at"] is None
