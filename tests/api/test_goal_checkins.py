"""goals/{id}/checkins/: a check-in on the goal itself, for goals without metrics (most intents)."""

import pytest

from apps.goals.models import CheckIn, Goal, ProgressSource


def url(goal) -> str:
    return f"/api/v1/goals/{goal.pk}/checkins/"


@pytest.fixture
def manual_intent(cast):
    Goal.objects.filter(pk=cast.intent.pk).update(progress_source=ProgressSource.MANUAL)
    return Goal.objects.get(pk=cast.intent.pk)


def test_the_owner_checks_in_progress_health_and_a_note_and_it_rolls_up(as_role, manual_intent, commit):
    with commit():
        response = as_role("leader").post(
            url(manual_intent), {"progress": 0.4, "confidence": 6, "note": "Two deals signed", "health": "at_risk"}
        )
    assert response.status_code == 201, response.json()
    goal = Goal.objects.get(pk=manual_intent.pk)
    assert (goal.manual_progress, goal.progress, goal.health_override) == (0.4, 0.4, "at_risk")
    assert goal.last_checkin_at is not None
    history = as_role("leader").get(url(manual_intent)).json()["results"]
    assert (history[0]["progress"], history[0]["note"], history[0]["metric"]) == (0.4, "Two deals signed", None)


def test_progress_comes_from_metrics_where_there_are_some(as_role, cast):
    response = as_role("employee").post(url(cast.oper), {"progress": 0.9, "confidence": 5})
    assert response.status_code == 400
    assert "metrics or the goals under it" in response.json()["progress"][0]
    assert not CheckIn.objects.filter(goal=cast.oper, metric__isnull=True).exists()


def test_a_confidence_and_note_alone_are_a_check_in_on_any_goal(as_role, cast):
    response = as_role("employee").post(url(cast.oper), {"confidence": 3, "note": "Blocked on hiring"})
    assert response.status_code == 201
    assert Goal.objects.get(pk=cast.oper.pk).last_checkin_at is not None


@pytest.mark.parametrize(("role", "status"), [("other_employee", 403), ("hr", 403), ("manager", 201)])
def test_who_may_check_in_on_the_operational_goal(as_role, cast, role, status):
    assert as_role(role).post(url(cast.oper), {"confidence": 5}).status_code == status


def test_a_goal_the_caller_cannot_see_is_not_found(as_role, cast):
    assert as_role("other_employee").post(url(cast.personal), {"confidence": 5}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"), [({"confidence": 11}, "confidence"), ({"confidence": 5, "progress": 2}, "progress")]
)
def test_bad_input_names_the_field(as_role, manual_intent, body, field):
    response = as_role("leader").post(url(manual_intent), body)
    assert response.status_code == 400 and field in response.json()
