"""The REST API contract of DESIGN.md, resource by resource and field by field.

Clients are written against it and it changes only by adding: each test here names what
DESIGN.md promises. A failure means the API broke a client, not that this file needs updating.
"""

from datetime import datetime

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from apps.goals.models import GoalStatus, Layer, ProgressSource

CONTRACT = {
    "units": {"id", "name", "kind", "parent", "lead"},
    "people": {"id", "username", "name", "email", "unit", "manager", "role"},
    "cycles": {"id", "name", "start", "end", "parent", "status"},
    "goals": {
        "id",
        "title",
        "description",
        "why",
        "layer",
        "parent",
        "cycle",
        "unit",
        "owner",
        "weight",
        "status",
        "progress_source",
        "manual_progress",
        "progress",
        "measured_progress",
        "rollup_progress",
        "health",
        "created",
        "updated",
    },
    "metrics": {"id", "goal", "name", "unit", "start", "target", "current", "weight", "progress"},
}
PERSONAL_GOAL_FIELDS = {"identity", "motivation"}
GOAL_FILTERS = {"cycle", "layer", "unit", "owner", "parent", "status", "search"}
REFERENCES = {"parent", "unit", "cycle", "goal", "owner", "manager", "lead"}
PROGRESS_FIELDS = ("progress", "measured_progress", "rollup_progress")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def first_of(client, resource: str) -> dict:
    response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body), "lists are paginated"
    return body["results"][0]


@pytest.mark.parametrize("resource", sorted(CONTRACT))
def test_list_and_detail_carry_every_field_of_the_contract(as_role, cast, resource):
    client = as_role("admin")
    row = first_of(client, resource)
    assert CONTRACT[resource] <= set(row)
    detail = client.get(f"/api/v1/{resource}/{row['id']}/").json()
    assert CONTRACT[resource] <= set(detail)
    assert isinstance(detail["id"], int)
    references = REFERENCES - {"unit"} if resource == "metrics" else REFERENCES  # a metric's unit is %, number…
    for name in references & set(detail):
        assert detail[name] is None or isinstance(detail[name], int), name


@pytest.mark.parametrize("resource", sorted(CONTRACT))
def test_the_schema_documents_every_field_of_the_contract(schema, resource):
    component = {"units": "Unit", "people": "Person", "cycles": "Cycle", "goals": "Goal", "metrics": "Metric"}[resource]
    properties = schema["components"]["schemas"][component]["properties"]
    assert CONTRACT[resource] <= set(properties)
    for name in CONTRACT[resource]:
        assert properties[name].get("description"), f"{component}.{name} is undocumented"


def test_personal_goals_carry_identity_and_motivation(as_role, cast):
    body = as_role("employee").get(f"/api/v1/goals/{cast.personal.pk}/").json()
    assert body["identity"] == "A trusted advisor" and body["motivation"] == "own"
    assert PERSONAL_GOAL_FIELDS <= set(as_role("employee").get(f"/api/v1/goals/{cast.trans.pk}/").json())


def test_goal_enumerations(schema):
    components = schema["components"]["schemas"]
    assert set(components["GoalStatusEnum"]["enum"]) == {"draft", "active", "achieved", "missed", "cancelled"}
    assert set(components["LayerEnum"]["enum"]) == {"intent", "translational", "operational", "personal"}
    assert set(components["ProgressSourceEnum"]["enum"]) == {"auto", "metrics", "children", "manual"}
    assert set(GoalStatus.values) == set(components["GoalStatusEnum"]["enum"])
    assert set(Layer.values) == set(components["LayerEnum"]["enum"])
    assert set(ProgressSource.values) == set(components["ProgressSourceEnum"]["enum"])


def test_goal_filters_are_documented(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/goals/"]["get"]["parameters"]}
    assert GOAL_FILTERS <= parameters


def test_progress_is_a_number_in_0_1_or_null_and_read_only(as_role, cast, schema):
    body = as_role("admin").get(f"/api/v1/goals/{cast.oper.pk}/").json()
    for name in PROGRESS_FIELDS:
        assert body[name] is None or 0 <= body[name] <= 1
    properties = schema["components"]["schemas"]["GoalRequest"]["properties"]
    assert not set(PROGRESS_FIELDS) & set(properties)
    assert "manual_progress" in properties


def test_times_are_iso_8601(as_role, cast):
    body = as_role("admin").get(f"/api/v1/goals/{cast.oper.pk}/").json()
    datetime.fromisoformat(body["created"].replace("Z", "+00:00"))
    datetime.fromisoformat(body["updated"].replace("Z", "+00:00"))


def test_people_password_is_write_only_on_create(schema):
    components = schema["components"]["schemas"]
    assert "password" in components["PersonRequest"]["properties"]
    assert "password" not in components["Person"]["properties"]


def test_tree_nests_under_children(as_role, cast, schema):
    body = as_role("admin").get(f"/api/v1/goals/{cast.intent.pk}/tree/").json()
    assert CONTRACT["goals"] <= set(body) and isinstance(body["children"], list)
    assert body["children"][0]["children"][0]["id"] == cast.oper.pk
    assert "children" in schema["components"]["schemas"]["GoalTree"]["properties"]


def test_ancestors_is_the_path_from_the_root_intent(as_role, cast):
    body = as_role("admin").get(f"/api/v1/goals/{cast.oper.pk}/ancestors/").json()
    assert [goal["id"] for goal in body] == [cast.intent.pk, cast.trans.pk, cast.oper.pk]
    assert body[0]["layer"] == "intent"


def test_move_takes_a_parent_id(as_role, cast):
    response = as_role("admin").post(f"/api/v1/goals/{cast.oper.pk}/move/", {"parent": cast.other_trans.pk})
    assert response.status_code == 200 and response.json()["parent"] == cast.other_trans.pk


def test_checkins_history_and_recording(as_role, cast):
    client = as_role("employee")
    url = f"/api/v1/metrics/{cast.oper_metric.pk}/checkins/"
    response = client.post(url, {"value": 1, "confidence": 6, "note": "One hired"}, format="json")
    assert response.status_code == 201
    assert {"value", "confidence", "note"} <= set(response.json())
    history = client.get(url).json()
    assert "results" in history and history["results"][0]["note"] == "One hired"


@pytest.mark.parametrize(("fmt", "content_type"), [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")])
def test_alignment_report_downloads(as_role, cast, fmt, content_type):
    response = as_role("hr").get("/api/v1/reports/alignment/", {"format": fmt})
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    assert as_role("hr").get("/api/v1/reports/alignment/").status_code == 200


def test_token_endpoint_answers_a_token(cast, client_for):
    from tests.factories import PASSWORD

    response = client_for().post("/api/v1/auth/token/", {"username": "admin", "password": PASSWORD}, format="json")
    assert list(response.json()) == ["token"]


def test_error_shapes(as_role, cast, client_for):
    bad = as_role("admin").post("/api/v1/goals/", {"title": ""}, format="json")
    assert bad.status_code == 400 and all(isinstance(messages, list) for messages in bad.json().values())
    assert client_for().get("/api/v1/goals/").status_code == 401
    assert as_role("employee").patch(f"/api/v1/goals/{cast.intent.pk}/", {"title": "x"}).status_code == 403
    assert as_role("employee").get(f"/api/v1/goals/{cast.other_personal.pk}/").status_code == 404
    assert as_role("employee").get("/api/v1/goals/99999999/").status_code == 404
    assert as_role("employee").get("/api/v1/goals/not-an-id/").status_code == 404


def test_schema_and_docs_are_served_to_signed_in_people(cast):
    client = Client()
    client.force_login(cast.employee)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_schema_and_docs_can_be_public(cast, settings):
    from django.urls import clear_url_caches

    settings.PUBLIC_API_DOCS = True
    import importlib

    import goalcascade.urls

    importlib.reload(goalcascade.urls)
    clear_url_caches()
    try:
        assert Client().get("/api/schema/").status_code == 200
    finally:
        settings.PUBLIC_API_DOCS = False
        importlib.reload(goalcascade.urls)
        clear_url_caches()


# DESIGN.md's "next additions" that exist now: each path, and the fields its answer carries.
NEXT_ADDITIONS = {
    "/api/v1/notifications/": {"id", "kind", "text", "url", "created", "read"},
    "/api/v1/me/preferences/": {
        "timezone",
        "quiet_hours_start",
        "quiet_hours_end",
        "email_digest",
        "checkin_reminders",
    },
    "/api/v1/goals/{id}/comments/": {"body"},
    "/api/v1/goals/{id}/checkins/": set(),
    "/api/v1/checkins/batch/": set(),
    "/api/v1/notifications/{id}/read/": set(),
    "/api/v1/notifications/read-all/": set(),
    "/api/v1/one-on-ones/": {"id", "manager", "report", "cadence_days", "next_on"},
    "/api/v1/one-on-ones/{id}/meetings/": {"id", "date", "agenda", "shared_notes", "action_items"},
    "/api/v1/meetings/{id}/private-note/": {"body"},
    "/api/v1/action-items/": {"id", "meeting", "owner", "text", "due", "done"},
    "/api/v1/people/{id}/coaching-profile/": {
        "communication",
        "decisions",
        "recognition",
        "strengths",
        "feedback_note",
    },
    "/api/v1/wins/": {"id", "kind", "goal", "person", "text", "created"},
    "/api/v1/recognitions/": set(),
    "/api/v1/templates/": {"id", "title", "description", "layer", "metrics"},
    "/api/v1/links/": {"id", "source", "target", "kind", "weight"},
    "/api/v1/templates/{id}/assign/": set(),
    "/api/v1/reports/xmatrix/": set(),
    "/api/v1/reviews/": {"id", "goal", "score", "relevance", "reflection", "signed_off_by", "signed_off_at"},
    "/api/v1/reviews/{id}/sign-off/": set(),
    "/api/v1/cycles/{id}/close/": set(),
    "/api/v1/goals/{id}/carry-over/": set(),
    "/api/v1/reports/calibration/": set(),
    "/api/v1/proposals/": {
        "id",
        "title",
        "description",
        "why",
        "layer",
        "parent",
        "cycle",
        "unit",
        "proposer",
        "status",
        "comment",
        "goal",
    },
    "/api/v1/proposals/{id}/accept/": set(),
    "/api/v1/proposals/{id}/request-changes/": set(),
    "/api/v1/proposals/{id}/decline/": set(),
    "/api/v1/proposals/{id}/resubmit/": set(),
    "/api/v1/proposals/accept-many/": set(),
}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if node.get("type") == "array":
        return _resolve(schema, node["items"])
    if "results" in node.get("properties", {}):
        return _resolve(schema, node["properties"]["results"])
    return node


def _path(schema: dict, path: str) -> dict:
    """The schema's entry for `path`, whatever it calls the id parameter ({id}, {pk}…)."""
    pattern = path.replace("{id}", "{}")
    for candidate, entry in schema["paths"].items():
        parts, wanted = candidate.split("/"), pattern.split("/")
        if len(parts) == len(wanted) and all(
            w == p or (w == "{}" and p.startswith("{")) for w, p in zip(wanted, parts, strict=True)
        ):
            return entry
    raise AssertionError(f"{path} is not in the OpenAPI schema")


@pytest.mark.parametrize("path", sorted(NEXT_ADDITIONS))
def test_the_next_additions_are_in_the_schema_with_their_fields(schema, path):
    entry = _path(schema, path)
    wanted = NEXT_ADDITIONS[path]
    if not wanted:
        return
    operation = entry.get("get") or entry.get("put") or entry.get("post")
    responses = operation["responses"]
    answer = next(responses[code] for code in ("200", "201") if code in responses)
    properties = _resolve(schema, answer["content"]["application/json"]["schema"]).get("properties", {})
    assert wanted <= set(properties), sorted(wanted - set(properties))
