"""A check-in's reflection ("what worked, what didn't"): the owner's and their manager chain's alone."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from apps.core.validation import MAX_TEXT_LENGTH
from apps.goals import services
from apps.goals.batch import checkins_record_batch
from apps.goals.selectors import visible_reflections
from tests.cast import build_cast

WORDS = "Calling early worked; the long deck did not."
# Who reads the employee's reflection on their personal goal (DESIGN.md "Whose words are whose").
READERS = {"employee": True, "manager": True, "leader": True, "other_employee": False, "hr": False, "admin": False}


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def reflected(cast):
    return services.checkin_record(
        actor=cast.employee, metric=cast.personal_metric, value=5, confidence=6, reflection=WORDS
    )


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_checkin_keeps_its_reflection(reflected):
    reflected.refresh_from_db()
    assert reflected.reflection == WORDS


def test_goal_checkin_keeps_its_reflection(cast):
    checkin = services.goal_checkin_record(actor=cast.manager, goal=cast.trans, confidence=5, reflection="Less, sooner")
    assert checkin.reflection == "Less, sooner"


def test_reflection_is_bounded(cast):
    with pytest.raises(ValidationError) as caught:
        too_long = "x" * (MAX_TEXT_LENGTH + 1)
        services.checkin_record(
            actor=cast.employee, metric=cast.personal_metric, value=5, confidence=6, reflection=too_long
        )
    assert "reflection" in caught.value.message_dict


def test_batch_items_carry_a_reflection(cast):
    items = [{"metric": cast.personal_metric.pk, "value": 3, "confidence": 5, "reflection": WORDS}]
    [checkin] = checkins_record_batch(actor=cast.employee, items=items)
    assert checkin.reflection == WORDS


@pytest.mark.parametrize(("role", "reads"), READERS.items())
def test_metric_checkins_api_shows_the_reflection_only_to_the_chain(cast, reflected, role, reads):
    answer = api(cast.person(role)).get(f"/api/v1/metrics/{cast.personal_metric.pk}/checkins/")
    if role in ("other_employee",):
        assert answer.status_code == 404  # a peer does not see the personal goal at all
        return
    assert answer.status_code == 200
    assert answer.json()["results"][0]["reflection"] == (WORDS if reads else None)


@pytest.mark.parametrize(("role", "reads"), READERS.items())
def test_goal_checkins_api_shows_the_reflection_only_to_the_chain(cast, reflected, role, reads):
    answer = api(cast.person(role)).get(f"/api/v1/goals/{cast.personal.pk}/checkins/")
    if role == "other_employee":
        assert answer.status_code == 404
        return
    assert answer.json()["results"][0]["reflection"] == (WORDS if reads else None)


def test_team_goal_reflection_is_hidden_from_peers_hr_and_admins(cast):
    services.checkin_record(actor=cast.employee, metric=cast.oper_metric, value=1, confidence=5, reflection=WORDS)
    for role, reads in {
        "employee": True,
        "manager": True,
        "leader": True,
        "other_employee": False,
        "hr": False,
        "admin": False,
    }.items():
        answer = api(cast.person(role)).get(f"/api/v1/metrics/{cast.oper_metric.pk}/checkins/")
        assert answer.json()["results"][0]["reflection"] == (WORDS if reads else None), role


def test_author_reads_the_reflection_in_the_answer_to_their_post(cast):
    body = {"value": 4, "confidence": 5, "reflection": WORDS}
    answer = api(cast.employee).post(f"/api/v1/metrics/{cast.personal_metric.pk}/checkins/", body, format="json")
    assert answer.status_code == 201
    assert answer.json()["reflection"] == WORDS


def test_batch_api_accepts_a_reflection(cast):
    body = [{"goal": cast.trans.pk, "confidence": 5, "reflection": WORDS}]
    answer = api(cast.manager).post("/api/v1/checkins/batch/", body, format="json")
    assert answer.status_code == 201
    assert answer.json()["checkins"][0]["reflection"] == WORDS


@pytest.mark.parametrize(("role", "reads"), READERS.items())
def test_goal_page_shows_the_reflection_only_to_the_chain(cast, reflected, role, reads):
    client = Client()
    client.force_login(cast.person(role))
    answer = client.get(f"/goals/{cast.personal.pk}/")
    if role == "other_employee":
        assert answer.status_code == 404
        return
    assert (WORDS in answer.content.decode()) is reads


def test_goal_page_form_records_a_reflection(cast):
    client = Client()
    client.force_login(cast.employee)
    body = {"value": "7", "confidence": "6", "note": "", "reflection": WORDS}
    client.post(f"/metrics/{cast.personal_metric.pk}/checkin/", body)
    assert cast.personal_metric.checkins.get().reflection == WORDS


def test_admin_does_not_show_the_reflection(cast, reflected):
    client = Client()
    client.force_login(cast.admin)
    answer = client.get(f"/admin/goals/checkin/{reflected.pk}/change/")
    assert answer.status_code == 200
    assert WORDS not in answer.content.decode()


@pytest.mark.parametrize(("role", "reads"), READERS.items())
def test_visible_reflections_for_a_1_1(cast, reflected, role, reads):
    found = visible_reflections(cast.person(role), cast.employee)
    assert [c.reflection for c in found] == ([WORDS] if reads else [])
