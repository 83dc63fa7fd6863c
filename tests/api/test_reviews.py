"""reviews/, goals/{id}/carry-over/ and cycles/{id}/close/ over the API: wiring, roles, privacy, bad input."""

from datetime import date

import pytest

from apps.cycles.models import Cycle
from apps.goals.models import Goal, Layer
from apps.reviews import services
from apps.reviews.models import Review
from tests.cast import ROLES
from tests.factories import CycleFactory, GoalFactory, PersonFactory

URL = "/api/v1/reviews/"


def _write(cast, name="oper", owner=None, **fields):
    goal = cast.goal(name)
    fields.setdefault("relevance", Review.Relevance.PARTLY)
    return services.review_save(actor=owner or goal.owner, goal=goal, reflection=f"{name} words", **fields)


@pytest.fixture
def written(cast):
    return {name: _write(cast, name) for name in ("personal", "oper", "other_trans")}


# --- Reading -------------------------------------------------------------------------------------

SEES = {
    "admin": {"personal", "oper", "other_trans"},
    "leader": {"personal", "oper", "other_trans"},
    "manager": {"personal", "oper", "other_trans"},
    "employee": {"personal", "oper", "other_trans"},
    "other_employee": {"oper", "other_trans"},
    "hr": set(),
}
READS = {
    "admin": {"personal", "oper", "other_trans"},
    "leader": {"personal", "oper"},
    "manager": {"personal", "oper"},
    "employee": {"personal", "oper"},
    "other_employee": {"other_trans"},
    "hr": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_the_reviews_of_goals_the_caller_sees_with_reflections_only_for_readers(
    as_role, cast, written, role
):
    answer = as_role(role).get(URL)
    assert answer.status_code == 200
    by_goal = {row["goal"]: row for row in answer.json()["results"]}
    names = {name for name, review in written.items() if review.goal_id in by_goal}
    assert names == SEES[role]
    readers = {name for name in names if by_goal[written[name].goal_id]["reflection"] is not None}
    assert readers == READS[role]


def test_hr_does_not_find_a_single_review(as_role, written):
    assert as_role("hr").get(f"{URL}{written['oper'].pk}/").status_code == 404


def test_a_review_of_a_goal_the_caller_cannot_see_is_not_found(as_role, written):
    assert as_role("other_employee").get(f"{URL}{written['personal'].pk}/").status_code == 404


def test_reviews_need_credentials(client_for, written):
    assert client_for().get(URL).status_code == 401


def test_list_filters_by_goal_cycle_and_sign_off(as_role, cast, written):
    services.review_sign_off(actor=cast.manager, review=written["oper"])
    client = as_role("admin")
    assert [r["goal"] for r in client.get(f"{URL}?goal={cast.oper.pk}").json()["results"]] == [cast.oper.pk]
    assert len(client.get(f"{URL}?cycle={cast.year.pk}").json()["results"]) == 3
    assert client.get(f"{URL}?cycle=999999").json()["results"] == []
    assert [r["goal"] for r in client.get(f"{URL}?signed_off=true").json()["results"]] == [cast.oper.pk]
    assert len(client.get(f"{URL}?signed_off=false").json()["results"]) == 2


@pytest.mark.parametrize("query", ["goal=abc", "cycle=-1", "goal=99999999999999999999999"])
def test_a_bad_filter_is_a_400_naming_it(as_role, written, query):
    answer = as_role("admin").get(f"{URL}?{query}")
    assert answer.status_code == 400 and query.split("=")[0] in answer.json()


def test_the_list_runs_a_fixed_number_of_queries(as_role, cast, django_assert_max_num_queries):
    for index in range(12):
        owner = PersonFactory(username=f"reviewer{index}", unit=cast.team, manager=cast.manager)
        goal = GoalFactory(layer=Layer.PERSONAL, parent=cast.oper, owner=owner, unit=cast.team)
        services.review_save(actor=owner, goal=goal, relevance=Review.Relevance.SUPPORTED, reflection="mine")
    client = as_role("manager")
    with django_assert_max_num_queries(4):  # reports, led units, count, page
        answer = client.get(URL)
    assert len(answer.json()["results"]) == 12


# --- Writing -------------------------------------------------------------------------------------


def test_the_owner_writes_a_review_with_the_score_prefilled(as_role, cast):
    Goal.objects.filter(pk=cast.oper.pk).update(progress=0.25)
    answer = as_role("employee").post(URL, {"goal": cast.oper.pk, "relevance": "supported", "reflection": "Hm."})
    assert answer.status_code == 201
    assert (answer.json()["score"], answer.json()["reflection"]) == (0.25, "Hm.")


def test_writing_again_changes_the_one_review(as_role, cast, written):
    answer = as_role("employee").post(URL, {"goal": cast.oper.pk, "relevance": "did_not", "score": 0.1})
    assert answer.status_code == 200 and answer.json()["id"] == written["oper"].pk
    assert answer.json()["reflection"] == "oper words"
    assert Review.objects.get(pk=written["oper"].pk).relevance == "did_not"


def test_someone_who_may_not_change_the_goal_cannot_review_it(as_role, cast):
    answer = as_role("other_employee").post(URL, {"goal": cast.oper.pk, "relevance": "supported"})
    assert answer.status_code == 403 and not Review.objects.exists()


def test_a_goal_the_caller_cannot_see_is_a_400_naming_it(as_role, cast):
    answer = as_role("other_employee").post(URL, {"goal": cast.personal.pk, "relevance": "supported"})
    assert answer.status_code == 400 and "goal" in answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"score": 1.5}, "score"),
        ({"score": "high"}, "score"),
        ({"relevance": "maybe"}, "relevance"),
        ({"reflection": "x" * 10_001}, "reflection"),
        ({"goal": 2**70}, "goal"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(as_role, cast, body, field):
    answer = as_role("employee").post(URL, {"goal": cast.oper.pk, "relevance": "supported", **body}, format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert not Review.objects.exists()


@pytest.mark.parametrize("number", ["1e999", "NaN", "Infinity", "-1e999"])
def test_a_score_that_is_no_finite_number_is_a_400(as_role, cast, number):
    body = f'{{"goal": {cast.oper.pk}, "relevance": "supported", "score": {number}}}'
    answer = as_role("employee").post(URL, body, content_type="application/json")
    assert answer.status_code == 400 and not Review.objects.exists()


def test_a_draft_is_a_400_naming_the_goal(as_role, cast):
    answer = as_role("employee").post(URL, {"goal": cast.draft_personal.pk, "relevance": "supported"})
    assert answer.status_code == 400 and "goal" in answer.json()


def test_patch_changes_only_what_it_names(as_role, cast, written):
    answer = as_role("employee").patch(f"{URL}{written['oper'].pk}/", {"relevance": "supported"}, format="json")
    assert answer.status_code == 200
    review = Review.objects.get(pk=written["oper"].pk)
    assert (review.relevance, review.score, review.reflection) == ("supported", written["oper"].score, "oper words")


def test_only_the_owner_writes_the_reflection(as_role, cast, written):
    answer = as_role("manager").patch(f"{URL}{written['oper'].pk}/", {"reflection": "Mine now"}, format="json")
    assert answer.status_code == 403 and "reflection" in answer.json()


# --- Sign-off ------------------------------------------------------------------------------------


def test_the_manager_signs_off_and_withdraws(as_role, cast, written):
    client = as_role("manager")
    signed = client.post(f"{URL}{written['oper'].pk}/sign-off/")
    assert signed.status_code == 200 and signed.json()["signed_off_by"] == cast.manager.pk
    assert as_role("employee").patch(f"{URL}{written['oper'].pk}/", {"score": 1}, format="json").status_code == 400
    withdrawn = client.delete(f"{URL}{written['oper'].pk}/sign-off/")
    assert withdrawn.status_code == 200 and withdrawn.json()["signed_off_at"] is None


@pytest.mark.parametrize(("role", "code"), [("employee", 403), ("other_employee", 403), ("hr", 404)])
def test_the_owner_and_people_outside_the_chain_cannot_sign_off(as_role, written, role, code):
    assert as_role(role).post(f"{URL}{written['oper'].pk}/sign-off/").status_code == code
    assert Review.objects.get(pk=written["oper"].pk).signed_off_at is None


# --- Carry-over ----------------------------------------------------------------------------------


@pytest.fixture
def quarters(cast):
    q1 = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    q2 = CycleFactory(name="2027-Q2", start=date(2027, 4, 1), end=date(2027, 6, 30), parent=cast.year)
    trans = GoalFactory(
        title="Open Jakarta",
        layer=Layer.TRANSLATIONAL,
        parent=cast.intent,
        cycle=q1,
        unit=cast.team,
        owner=cast.manager,
    )
    GoalFactory(title="Hire a lead", layer=Layer.OPERATIONAL, parent=trans, unit=cast.team, owner=cast.employee)
    return q1, q2, trans


def test_a_goal_with_children_is_carried_over_and_answers_the_new_goal(as_role, cast, quarters):
    _, q2, trans = quarters
    answer = as_role("manager").post(f"/api/v1/goals/{trans.pk}/carry-over/", {"cycle": q2.pk})
    assert answer.status_code == 201
    copy = Goal.objects.get(pk=answer.json()["id"])
    assert (answer.json()["cycle"], answer.json()["title"], copy.carried_from_id) == (q2.pk, "Open Jakarta", trans.pk)
    assert copy.children.count() == 1


def test_a_carried_goal_says_where_it_came_from_in_goals_and_its_tree(as_role, quarters):
    _, q2, trans = quarters
    copy_id = as_role("manager").post(f"/api/v1/goals/{trans.pk}/carry-over/", {"cycle": q2.pk}).json()["id"]
    assert as_role("manager").get(f"/api/v1/goals/{copy_id}/").json()["carried_from"] == trans.pk
    tree = as_role("manager").get(f"/api/v1/goals/{copy_id}/tree/").json()
    assert tree["carried_from"] == trans.pk and tree["children"][0]["carried_from"] is not None
    assert as_role("manager").get(f"/api/v1/goals/{trans.pk}/").json()["carried_from"] is None


def test_carry_over_by_someone_who_may_not_change_the_goal_is_a_403(as_role, quarters):
    _, q2, trans = quarters
    assert as_role("employee").post(f"/api/v1/goals/{trans.pk}/carry-over/", {"cycle": q2.pk}).status_code == 403


def test_carry_over_of_a_goal_the_caller_cannot_see_is_a_404(as_role, cast, quarters):
    _, q2, _ = quarters
    answer = as_role("other_employee").post(f"/api/v1/goals/{cast.personal.pk}/carry-over/", {"cycle": q2.pk})
    assert answer.status_code == 404


@pytest.mark.parametrize("cycle", [None, "abc", 2**70, 999999, "q1"])
def test_carry_over_into_a_bad_cycle_is_a_400_naming_it(as_role, quarters, cycle):
    q1, _, trans = quarters
    body = {} if cycle is None else {"cycle": q1.pk if cycle == "q1" else cycle}
    answer = as_role("manager").post(f"/api/v1/goals/{trans.pk}/carry-over/", body, format="json")
    assert answer.status_code == 400 and "cycle" in answer.json()


def test_carry_over_of_an_unknown_goal_is_a_404(as_role, quarters):
    assert as_role("admin").post("/api/v1/goals/99999999999999999999/carry-over/", {}).status_code == 404


# --- Close ---------------------------------------------------------------------------------------


def test_a_leader_closes_a_cycle_whose_goals_are_reviewed_or_carried(as_role, cast, quarters):
    q1, q2, trans = quarters
    as_role("leader").post(f"/api/v1/goals/{trans.pk}/carry-over/", {"cycle": q2.pk})
    answer = as_role("leader").post(f"/api/v1/cycles/{q1.pk}/close/")
    assert answer.status_code == 200 and answer.json()["status"] == "closed"


def test_close_says_what_is_missing(as_role, quarters):
    q1, _, _ = quarters
    answer = as_role("admin").post(f"/api/v1/cycles/{q1.pk}/close/")
    assert answer.status_code == 400
    assert (
        "2 goals are neither reviewed nor carried over: “Open Jakarta”, “Hire a lead”"
        in (answer.json()["non_field_errors"][0])
    )
    assert Cycle.objects.get(pk=q1.pk).status == Cycle.Status.ACTIVE


@pytest.mark.parametrize(("role", "code"), [("hr", 200), ("manager", 403), ("employee", 403)])
def test_who_may_close_a_cycle(as_role, cast, role, code):
    empty = CycleFactory(name="2027-Q4", start=date(2027, 10, 1), end=date(2027, 12, 31), parent=cast.year)
    assert as_role(role).post(f"/api/v1/cycles/{empty.pk}/close/").status_code == code


def test_closing_through_patch_runs_the_same_check(as_role, quarters):
    q1, _, _ = quarters
    answer = as_role("hr").patch(f"/api/v1/cycles/{q1.pk}/", {"status": "closed"}, format="json")
    assert answer.status_code == 400 and "neither reviewed" in answer.json()["status"][0]
