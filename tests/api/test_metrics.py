"""metrics/ and metrics/{id}/checkins/: values are numbers, check-ins keep history and roll up."""

import pytest

from apps.goals.models import CheckIn, Metric

URL = "/api/v1/metrics/"


def detail(metric) -> str:
    return f"{URL}{metric.pk}/"


def checkins(metric) -> str:
    return f"{detail(metric)}checkins/"


def test_manager_adds_a_metric_to_a_team_goal(as_role, cast):
    data = {"goal": cast.trans.pk, "name": "APAC revenue", "unit": "currency", "start": 10, "target": "20.5"}
    response = as_role("manager").post(URL, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["current"] == 10 and body["target"] == 20.5 and body["progress"] == 0.0 and body["weight"] == 1.0


def test_employee_cannot_add_a_metric_to_a_goal_they_do_not_change(as_role, cast):
    data = {"goal": cast.oper.pk, "name": "x", "start": 0, "target": 1}
    assert as_role("employee").post(URL, data, format="json").status_code == 403


def test_a_goal_the_caller_cannot_see_does_not_exist(as_role, cast):
    data = {"goal": cast.other_personal.pk, "name": "x", "start": 0, "target": 1}
    response = as_role("employee").post(URL, data, format="json")
    assert response.status_code == 400 and "goal" in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", "ten"), ("target", "NaN"), ("target", "Infinity"), ("start", 1e17), ("weight", -1), ("unit", "kg")],
)
def test_bad_values_are_400_naming_the_field(as_role, cast, field, value):
    data = {"goal": cast.trans.pk, "name": "x", "start": 0, "target": 1, field: value}
    response = as_role("admin").post(URL, data, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_more_decimals_than_stored_are_rounded(as_role, cast):
    response = as_role("admin").patch(detail(cast.oper_metric), {"current": "1.23456"}, format="json")
    assert response.status_code == 200 and response.json()["current"] == 1.2346


def test_goal_of_a_metric_is_fixed(as_role, cast):
    response = as_role("admin").patch(detail(cast.oper_metric), {"goal": cast.trans.pk}, format="json")
    assert response.status_code == 400 and "goal" in response.json()


def test_checkin_records_history_moves_the_metric_and_rolls_up(as_role, cast, commit):
    with commit():
        response = as_role("employee").post(
            checkins(cast.oper_metric), {"value": 2, "confidence": 7, "note": "Two hired"}, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["value"] == 2 and body["author"] == cast.employee.pk and body["goal"] == cast.oper.pk
    metric = Metric.objects.get(pk=cast.oper_metric.pk)
    assert metric.current == 2 and metric.progress == pytest.approx(2 / 3)
    cast.intent.refresh_from_db()
    assert cast.intent.progress > 0  # rolled up the cascade
    history = as_role("manager").get(checkins(cast.oper_metric)).json()
    assert history["count"] == 1 and history["results"][0]["note"] == "Two hired"


def test_non_numeric_checkin_value_is_400_naming_value(as_role, cast):
    response = as_role("employee").post(checkins(cast.oper_metric), {"value": "lots", "confidence": 5}, format="json")
    assert response.status_code == 400 and "value" in response.json()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("confidence", [-1, 11, "high", None, 5.5])
def test_confidence_is_a_whole_number_from_0_to_10(as_role, cast, confidence):
    data = {"value": 1, "confidence": confidence}
    response = as_role("employee").post(checkins(cast.oper_metric), data, format="json")
    assert response.status_code == 400 and "confidence" in response.json()


def test_someone_who_sees_but_does_not_own_cannot_check_in(as_role, cast):
    response = as_role("other_employee").post(checkins(cast.oper_metric), {"value": 1, "confidence": 5}, format="json")
    assert response.status_code == 403


def test_checkins_on_an_invisible_metric_are_404(as_role, cast):
    assert as_role("employee").get(checkins(cast.other_metric)).status_code == 404
    assert as_role("employee").post(checkins(cast.other_metric), {"value": 1, "confidence": 1}).status_code == 404


def test_archived_metric_is_left_out_and_refuses_checkins(as_role, cast):
    client = as_role("manager")
    assert client.delete(detail(cast.oper_metric)).status_code == 204
    assert cast.oper_metric.pk not in [m["id"] for m in client.get(URL).json()["results"]]
    assert cast.oper_metric.pk in [m["id"] for m in client.get(URL, {"archived": "true"}).json()["results"]]
    response = client.post(checkins(cast.oper_metric), {"value": 1, "confidence": 5}, format="json")
    assert response.status_code == 400 and "metric" in response.json()


def test_filter_by_goal(as_role, cast):
    response = as_role("admin").get(URL, {"goal": cast.personal.pk})
    assert [m["id"] for m in response.json()["results"]] == [cast.personal_metric.pk]
