"""reports/xmatrix/ and reports/calibration/ over HTTP: their shapes, bad input, who sees what, and a query count that
does not grow with the report."""

import re
from datetime import date

import pytest

from apps.goals.models import GoalLink, Layer
from apps.org.models import Person
from apps.reviews.models import Review
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory

XMATRIX = "/api/v1/reports/xmatrix/"
CALIBRATION = "/api/v1/reports/calibration/"


def _xmatrix(client, **params) -> dict:
    response = client.get(XMATRIX, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_xmatrix_answers_intents_and_goals_with_their_ties(cast, as_role):
    body = _xmatrix(as_role("admin"), cycle=cast.year.pk)
    assert set(body) == {"cycle", "cycle_ids", "intents", "goals"}
    assert body["cycle"] == cast.year.pk
    assert {"id", "title", "owner"} <= set(body["intents"][0])
    goals = {goal["id"]: goal for goal in body["goals"]}
    assert set(goals) == {cast.trans.pk, cast.other_trans.pk}
    trans = goals[cast.trans.pk]
    assert {"id", "title", "owner", "unit", "parent", "metrics", "ties"} <= set(trans)
    assert trans["owner"] == cast.manager.pk and trans["parent"] == cast.intent.pk
    assert trans["ties"] == [{"intent": cast.intent.pk, "strength": "strong", "via": None}]


def test_a_goals_metrics_carry_values_and_display_units(cast, as_role):
    metric = MetricFactory(goal=cast.trans, name="APAC share", start=8, target=20, current=11, display_unit="%")
    trans = next(g for g in _xmatrix(as_role("admin"), cycle=cast.year.pk)["goals"] if g["id"] == cast.trans.pk)
    assert trans["metrics"] == [
        {
            "id": metric.pk,
            "name": "APAC share",
            "current": 11.0,
            "target": 20.0,
            "unit": metric.unit,
            "display_unit": "%",
            "progress": pytest.approx(0.25),
        }
    ]


def test_links_to_intents_are_medium_and_weak_ties(cast, as_role):
    GoalLink.objects.create(source=cast.trans, target=cast.draft_intent, kind=GoalLink.Kind.CONTRIBUTES)
    GoalLink.objects.create(source=cast.other_trans, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)
    goals = {g["id"]: g for g in _xmatrix(as_role("admin"), cycle=cast.year.pk)["goals"]}
    assert {"intent": cast.draft_intent.pk, "strength": "medium", "via": None} in goals[cast.trans.pk]["ties"]
    assert {"intent": cast.draft_intent.pk, "strength": "weak", "via": None} in goals[cast.other_trans.pk]["ties"]


def test_an_employee_does_not_see_a_draft_intent(cast, as_role):
    GoalLink.objects.create(source=cast.trans, target=cast.draft_intent, kind=GoalLink.Kind.CONTRIBUTES)
    body = _xmatrix(as_role("employee"), cycle=cast.year.pk)
    assert [intent["id"] for intent in body["intents"]] == [cast.intent.pk]
    ties = [tie["intent"] for goal in body["goals"] for tie in goal["ties"]]
    assert cast.draft_intent.pk not in ties


def test_a_leader_sees_the_draft_intent(cast, as_role):
    body = _xmatrix(as_role("leader"), cycle=cast.year.pk)
    assert {intent["id"] for intent in body["intents"]} == {cast.intent.pk, cast.draft_intent.pk}


def test_without_a_cycle_the_active_cycles_are_covered(cast, as_role):
    body = _xmatrix(as_role("employee"))
    assert body["cycle"] is None
    assert cast.year.pk in body["cycle_ids"]
    assert {g["id"] for g in body["goals"]} == {cast.trans.pk, cast.other_trans.pk}


@pytest.mark.parametrize("role", ["admin", "leader", "manager", "employee", "other_employee", "hr"])
def test_everyone_signed_in_reads_the_xmatrix(cast, as_role, role):
    body = _xmatrix(as_role(role), cycle=cast.year.pk)
    assert cast.intent.pk in [intent["id"] for intent in body["intents"]]


@pytest.mark.parametrize("bad", ["abc", "0", "-3", "99999999", "1.5", "9" * 40])
def test_a_bad_cycle_is_a_400_naming_cycle(cast, as_role, bad):
    response = as_role("employee").get(XMATRIX, {"cycle": bad})
    assert response.status_code == 400
    assert "cycle" in response.json()


def test_the_xmatrix_needs_credentials(cast, client_for):
    assert client_for().get(XMATRIX).status_code == 401


def _more_translational_goals(cast, count: int) -> None:
    for n in range(count):
        goal = GoalFactory(
            title=f"More {n}", layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.team, owner=cast.manager
        )
        MetricFactory(goal=goal)
        GoalLink.objects.create(source=goal, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)


def _xmatrix_queries(cast, as_role, django_assert_max_num_queries, limit: int) -> int:
    client = as_role("manager")
    with django_assert_max_num_queries(limit) as context:
        body = _xmatrix(client, cycle=cast.year.pk)
    return len(context.captured_queries), len(body["goals"])


def test_the_xmatrix_query_count_does_not_grow_with_the_goals(cast, as_role, django_assert_max_num_queries):
    few, rows_few = _xmatrix_queries(cast, as_role, django_assert_max_num_queries, 12)
    _more_translational_goals(cast, 15)
    many, rows_many = _xmatrix_queries(cast, as_role, django_assert_max_num_queries, 12)
    assert rows_many == rows_few + 15
    assert many == few


# --- Calibration -----------------------------------------------------------------------------------


def _reviewed_team(manager: Person, cycle, scores: list[float]) -> list[Review]:
    """One person per score under `manager`, each with a reviewed goal of `cycle`."""
    reviews = []
    for score in scores:
        person = PersonFactory(unit=manager.unit, manager=manager)
        goal = GoalFactory(layer=Layer.PERSONAL, cycle=cycle, unit=manager.unit, owner=person)
        reviews.append(
            Review.objects.create(
                goal=goal, score=score, relevance=Review.Relevance.SUPPORTED, author=person, reflection="Mine alone."
            )
        )
    return reviews


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("hr", 200), ("leader", 403), ("manager", 403), ("employee", 403), ("other_employee", 403)],
)
def test_calibration_is_for_hr_and_admins(cast, as_role, role, status):
    assert as_role(role).get(CALIBRATION).status_code == status


def test_calibration_needs_credentials(cast, client_for):
    assert client_for().get(CALIBRATION).status_code == 401


def test_calibration_answers_its_shape(cast, as_role):
    _reviewed_team(cast.manager, cast.year, [0.5, 0.6, 0.7, 0.8, 0.9])
    body = as_role("hr").get(CALIBRATION, {"cycle": cast.year.pk}).json()
    assert set(body) == {
        "cycle",
        "cycle_ids",
        "min_people",
        "shown",
        "organisation",
        "managers",
        "not_shown",
        "people_without_manager",
    }
    assert body["organisation"]["people"] == 5 and body["organisation"]["mean"] == pytest.approx(0.7)
    assert [bucket["count"] for bucket in body["organisation"]["histogram"]] == [0, 0, 1, 2, 2]
    [manager] = body["managers"]
    assert set(manager) == {"manager", "name", "people", "reviews", "mean", "difference", "flag", "histogram"}
    assert manager["manager"] == cast.manager.pk and manager["flag"] is None


def _keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in _keys(value)}
    if isinstance(node, list):
        return {key for value in node for key in _keys(value)}
    return set()


def test_calibration_never_gives_an_individual_figure(cast, as_role):
    reviews = _reviewed_team(cast.manager, cast.year, [0.11, 0.23, 0.37, 0.41, 0.59])
    response = as_role("admin").get(CALIBRATION, {"cycle": cast.year.pk})
    text = response.content.decode()
    for review in reviews:
        assert not re.search(rf"(?<![\d.]){review.score}(?!\d)", text)
    assert "Mine alone." not in text
    assert not _keys(response.json()) & {"score", "reflection", "goal", "goals", "owner", "person", "people_ids"}


def test_calibration_with_a_bad_cycle_is_a_400_naming_cycle(cast, as_role):
    response = as_role("hr").get(CALIBRATION, {"cycle": "x"})
    assert response.status_code == 400
    assert "cycle" in response.json()


def test_calibration_query_count_does_not_grow_with_the_reviews(cast, as_role, django_assert_max_num_queries):
    year = CycleFactory(name="Calibrated", start=date(2027, 1, 1), end=date(2027, 12, 31))
    _reviewed_team(cast.manager, year, [0.5] * 5)
    with django_assert_max_num_queries(8) as few:
        as_role("hr").get(CALIBRATION, {"cycle": year.pk})
    _reviewed_team(cast.leader, year, [0.7] * 12)
    with django_assert_max_num_queries(8) as many:
        body = as_role("hr").get(CALIBRATION, {"cycle": year.pk}).json()
    assert len(body["managers"]) == 2
    assert len(many.captured_queries) == len(few.captured_queries)
