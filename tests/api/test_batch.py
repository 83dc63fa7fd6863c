"""POST /api/v1/checkins/batch/: the wiring of the batch service — roles, errors by item and field, bounds, queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.goals.models import CheckIn, Layer, PendingRollup
from tests.factories import GoalFactory, MetricFactory

URL = "/api/v1/checkins/batch/"


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def metric_item(metric, value=1, confidence=5, **extra) -> dict:
    return {"metric": metric.pk, "value": value, "confidence": confidence, **extra}


def test_the_owner_checks_in_on_metrics_and_a_goal_in_one_request(transactional_db, as_role, cast):
    """Committed for real (transactional_db), so the eager rollup runs before the answer is written, as it does
    in the embedded mode."""
    body = [
        metric_item(cast.oper_metric, 2, note="Two"),
        {"goal": cast.personal.pk, "health": "at_risk", "confidence": 3},
    ]
    response = post(as_role("employee"), body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert [(c["metric"], c["goal"], c["value"]) for c in answer["checkins"]] == [
        (cast.oper_metric.pk, cast.oper.pk, 2),
        (None, cast.personal.pk, None),
    ]
    figures = {goal["id"]: goal for goal in answer["goals"]}
    assert set(figures) == {cast.oper.pk, cast.personal.pk}
    # Celery runs eagerly in the tests: the rollup has already run when the answer is written.
    assert figures[cast.oper.pk]["progress"] == pytest.approx(2 / 3)
    assert figures[cast.oper.pk]["rollup_pending"] is False
    assert figures[cast.personal.pk]["health"] == "at_risk"


def test_the_answer_says_when_the_rollup_is_still_to_come(as_role, cast, settings):
    from tests.eager import set_eager

    PendingRollup.objects.all().delete()
    set_eager(False)
    try:
        from unittest import mock

        with mock.patch("apps.goals.dirty.wake"):  # no broker here: the outbox keeps the work
            response = post(as_role("employee"), [metric_item(cast.oper_metric, 3)])
    finally:
        set_eager(True)
    assert response.status_code == 201
    assert response.json()["goals"][0]["rollup_pending"] is True
    assert PendingRollup.objects.filter(goal_id=cast.oper.pk).count() == 1


def test_errors_line_up_with_the_items_and_name_the_field(as_role, cast):
    body = [
        metric_item(cast.oper_metric),
        metric_item(cast.personal_metric, "many"),
        {"goal": cast.oper.pk, "confidence": 11},
    ]
    response = post(as_role("employee"), body)
    assert response.status_code == 400
    assert response.json() == {
        "items": [{}, {"value": ["Enter a number."]}, {"confidence": ["Confidence is a whole number from 0 to 10."]}]
    }
    assert not CheckIn.objects.exists()


def test_an_item_without_metric_or_goal_is_a_non_field_error_of_that_item(as_role, cast):
    response = post(as_role("employee"), [{"confidence": 5}])
    assert response.status_code == 400
    assert "either a metric or a goal" in response.json()["items"][0]["non_field_errors"][0]


@pytest.mark.parametrize(
    ("body", "message"),
    [([], "Send at least one check-in."), ({"metric": 1}, "Send a list"), ("text", "Send a list"), (None, "a list")],
)
def test_a_body_that_is_not_a_list_of_items_is_a_400(as_role, cast, body, message):
    response = post(as_role("employee"), body)
    assert response.status_code == 400
    assert message in response.json()["non_field_errors"][0]


def test_more_than_the_limit_is_refused_naming_it(as_role, cast):
    response = post(as_role("employee"), [metric_item(cast.oper_metric)] * 201)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["At most 200 check-ins at once, not 201: send them in parts."]}


@pytest.mark.parametrize(
    "raw",
    ["[", '[{"metric": 1e999, "value": 1, "confidence": 5}]', "[" * 50 + "]" * 50, '[{"metric": {"a": [1]}}]'],
)
def test_malformed_bodies_are_400s_never_500s(as_role, cast, raw):
    response = as_role("employee").post(URL, data=raw, content_type="application/json")
    assert response.status_code == 400


def test_a_huge_value_is_a_400_naming_the_field(as_role, cast):
    response = post(as_role("employee"), [metric_item(cast.oper_metric, "1e30")])
    assert response.status_code == 400
    assert "value" in response.json()["items"][0]


def test_an_invisible_metric_is_a_404_like_a_missing_one(as_role, cast):
    body = [metric_item(cast.oper_metric), metric_item(cast.other_metric)]
    response = post(as_role("employee"), body)
    missing = post(
        as_role("employee"), [metric_item(cast.oper_metric), {**metric_item(cast.other_metric), "metric": 10**9}]
    )
    assert response.status_code == missing.status_code == 404
    assert response.json()["items"] == missing.json()["items"] == [{}, {"metric": ["Not found."]}]
    assert not CheckIn.objects.exists()


def test_a_goal_seen_but_not_ones_own_is_a_403(as_role, cast):
    response = post(as_role("employee"), [{"goal": cast.other_trans.pk, "confidence": 5}])
    assert response.status_code == 403
    assert response.json()["items"] == [{"goal": ["You may see this goal but not check in on it."]}]
    assert "detail" in response.json()


@pytest.mark.parametrize(("role", "status"), [("admin", 201), ("manager", 201), ("hr", 403), ("other_employee", 403)])
def test_who_may_check_in_on_the_team_metric(as_role, cast, role, status):
    assert post(as_role(role), [metric_item(cast.oper_metric)]).status_code == status


def test_without_credentials_it_is_a_401(client_for, cast):
    assert post(client_for(), [metric_item(cast.oper_metric)]).status_code == 401


def test_it_is_in_the_schema_with_a_list_body(as_role, cast):
    schema = as_role("admin").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/checkins/batch/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert {"201", "400", "403", "404"} <= set(operation["responses"])


# --- Query counts ------------------------------------------------------------------------------------------------

# Per item, the single service: its savepoint and release, the row locked and read, the check-in inserted, the
# metric's figures and the goal's check-in time updated.
PER_ITEM = 6
# The caller's access (the units they lead; employees: 1), the metrics and goals looked up (1 each kind present), the
# batch's savepoint and release (2), one outbox insert for all goals (1), the pending rollups and the figures (2).
# The rollup itself runs after the commit, which a test inside a transaction never reaches.
FIXED = 7


def batch_of(cast, n: int) -> list[dict]:
    items = []
    for _ in range(n):
        goal = GoalFactory(layer=Layer.PERSONAL, parent=cast.oper, unit=cast.team, owner=cast.employee)
        items.append(metric_item(MetricFactory(goal=goal), 3))
    return items


def queries_for(client, body) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = post(client, body)
    assert response.status_code == 201, response.content
    return len(queries)


def test_queries_grow_by_a_constant_per_item_at_most(as_role, cast):
    client = as_role("employee")
    one, twenty = queries_for(client, batch_of(cast, 1)), queries_for(client, batch_of(cast, 20))
    assert one <= FIXED + PER_ITEM, one
    assert twenty - one <= 19 * PER_ITEM, (one, twenty)
