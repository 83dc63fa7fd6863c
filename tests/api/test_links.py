"""links/ over the API: the contract's fields, the rules as 400s naming the field, who may, what is not found."""

import pytest

from apps.goals import links
from apps.goals.models import GoalLink, Layer
from tests.factories import GoalFactory

URL = "/api/v1/links/"
CONTRIBUTES, SUPPORTS = GoalLink.Kind.CONTRIBUTES, GoalLink.Kind.SUPPORTS


def detail(link) -> str:
    return f"{URL}{link.pk}/"


@pytest.fixture
def second_intent(cast):
    return GoalFactory(
        title="Delight customers", layer=Layer.INTENT, cycle=cast.year, unit=cast.company, owner=cast.leader
    )


def make(source, target, kind=CONTRIBUTES, weight=1.0):
    return links.link_create(actor=None, source=source, target=target, kind=kind, weight=weight)


def test_manager_links_their_team_goal_to_a_second_intent(cast, client_for, second_intent):
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": second_intent.pk, "kind": CONTRIBUTES, "weight": 2}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "source", "target", "kind", "weight"}
    assert (body["source"], body["target"], body["kind"], body["weight"]) == (
        cast.trans.pk,
        second_intent.pk,
        CONTRIBUTES,
        2.0,
    )


def test_the_weight_defaults_to_one(cast, client_for, second_intent):
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": second_intent.pk, "kind": SUPPORTS}, format="json"
    )
    assert response.json()["weight"] == 1.0


def test_a_link_to_an_ancestor_is_a_400_naming_the_target(cast, client_for):
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": cast.intent.pk, "kind": CONTRIBUTES}, format="json"
    )
    assert response.status_code == 400
    assert "ancestors" in response.json()["target"][0]


def test_a_loop_is_a_400_naming_the_target(cast, client_for, second_intent):
    make(cast.other_trans, cast.trans, kind=SUPPORTS)
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": cast.other_trans.pk, "kind": CONTRIBUTES}, format="json"
    )
    assert response.status_code == 400
    assert "loop" in response.json()["target"][0]


@pytest.mark.parametrize("weight", ["-1", '"abc"', "1e400", "null", "[1]"])
def test_a_bad_weight_is_a_400_naming_the_weight(cast, client_for, second_intent, weight):
    body = f'{{"source": {cast.trans.pk}, "target": {second_intent.pk}, "kind": "contributes", "weight": {weight}}}'
    response = client_for(cast.manager).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "weight" in response.json()
    assert not GoalLink.objects.exists()


def test_an_unknown_kind_is_a_400_naming_the_kind(cast, client_for, second_intent):
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": second_intent.pk, "kind": "blocks"}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()


@pytest.mark.parametrize("target", [0, 10**30, "x", 999_999])
def test_a_target_that_names_nothing_is_a_400(cast, client_for, target):
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": target, "kind": SUPPORTS}, format="json"
    )
    assert response.status_code == 400
    assert "target" in response.json()


def test_a_goal_the_caller_may_not_see_does_not_exist(cast, client_for):
    # The manager does not see another team's personal goal: the same answer as for no goal at all.
    response = client_for(cast.manager).post(
        URL, {"source": cast.trans.pk, "target": cast.other_personal.pk, "kind": SUPPORTS}, format="json"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["target"][0]


def test_employee_cannot_link_a_team_goal(cast, client_for, second_intent):
    response = client_for(cast.employee).post(
        URL, {"source": cast.trans.pk, "target": second_intent.pk, "kind": CONTRIBUTES}, format="json"
    )
    assert response.status_code == 403
    assert not GoalLink.objects.exists()


def test_anonymous_gets_a_401(cast, client_for):
    assert client_for().get(URL).status_code == 401


def test_list_shows_only_links_whose_both_goals_the_caller_sees(cast, client_for, second_intent):
    seen = make(cast.trans, second_intent)
    make(cast.personal, cast.other_trans, kind=SUPPORTS)  # the employee's personal goal
    response = client_for(cast.other_employee).get(URL)
    assert [row["id"] for row in response.json()["results"]] == [seen.pk]


def test_list_filters_by_source_target_and_kind(cast, client_for, second_intent):
    first = make(cast.trans, second_intent)
    second = make(cast.other_trans, second_intent, kind=SUPPORTS)
    client = client_for(cast.leader)

    def ids(**params):
        return [row["id"] for row in client.get(URL, params).json()["results"]]

    assert ids(source=cast.trans.pk) == [first.pk]
    assert ids(target=second_intent.pk) == [first.pk, second.pk]
    assert ids(kind=SUPPORTS) == [second.pk]
    assert client.get(URL, {"source": "x"}).status_code == 400


def test_list_costs_the_same_queries_whatever_its_length(
    cast, client_for, second_intent, django_assert_max_num_queries
):
    for goal in (cast.trans, cast.other_trans, cast.oper, cast.personal, cast.other_personal):
        make(goal, second_intent)
    client = client_for(cast.manager)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(response.json()["results"]) == 4  # not the other team's personal goal


def test_retrieve_a_link_of_goals_the_caller_may_not_see_is_a_404(cast, client_for):
    hidden = make(cast.other_personal, cast.trans, kind=SUPPORTS)
    assert client_for(cast.manager).get(detail(hidden)).status_code == 404
    assert client_for(cast.other_employee).get(detail(hidden)).status_code == 200


def test_patch_changes_kind_and_weight(cast, client_for, second_intent):
    link = make(cast.trans, second_intent)
    response = client_for(cast.manager).patch(detail(link), {"kind": SUPPORTS, "weight": 0.5}, format="json")
    assert response.status_code == 200
    assert (response.json()["kind"], response.json()["weight"]) == (SUPPORTS, 0.5)


def test_patch_cannot_change_the_goals(cast, client_for, second_intent):
    link = make(cast.trans, second_intent)
    response = client_for(cast.manager).patch(detail(link), {"target": cast.other_trans.pk}, format="json")
    assert response.status_code == 400
    assert "target" in response.json()
    assert GoalLink.objects.get(pk=link.pk).target_id == second_intent.pk


def test_patch_with_a_bad_weight_is_a_400(cast, client_for, second_intent):
    link = make(cast.trans, second_intent)
    response = client_for(cast.manager).patch(detail(link), {"weight": -3}, format="json")
    assert response.status_code == 400
    assert "weight" in response.json()


def test_employee_cannot_patch_a_link_of_a_team_goal(cast, client_for, second_intent):
    link = make(cast.trans, second_intent)
    assert client_for(cast.employee).patch(detail(link), {"weight": 3}, format="json").status_code == 403


def test_delete_removes_the_link(cast, client_for, second_intent):
    link = make(cast.trans, second_intent)
    assert client_for(cast.manager).delete(detail(link)).status_code == 204
    assert not GoalLink.objects.filter(pk=link.pk).exists()


def test_employee_cannot_delete_a_link_of_a_team_goal(cast, client_for, second_intent):
    link = make(cast.trans, second_intent)
    assert client_for(cast.employee).delete(detail(link)).status_code == 403
    assert GoalLink.objects.filter(pk=link.pk).exists()
