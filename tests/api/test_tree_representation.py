"""tree/ renders goals from plain rows for speed; each node must equal what goals/{id}/ answers."""

import pytest

from apps.goals.models import Goal
from apps.goals.services import checkin_record, goal_archive, goal_update
from tests.cast import ROLES


def flatten(node: dict) -> list[dict]:
    children = node.pop("children")
    return [node, *(n for child in children for n in flatten(child))]


@pytest.mark.parametrize("role", ROLES)
def test_every_tree_node_equals_the_goal_as_read_alone(as_role, cast, commit, role):
    with commit():
        checkin_record(actor=cast.employee, metric=cast.personal_metric, value=400, confidence=6, health="at_risk")
        goal_update(actor=None, goal=Goal.objects.get(pk=cast.other_trans.pk), weight=2.5)
    client = as_role(role)
    response = client.get(f"/api/v1/goals/{cast.intent.pk}/tree/")
    assert response.status_code == 200
    nodes = flatten(response.json())
    assert len(nodes) >= 3
    for node in nodes:
        assert node == client.get(f"/api/v1/goals/{node['id']}/").json(), node["title"]


def test_an_archived_root_still_answers_with_its_tree(as_role, cast):
    goal_archive(actor=None, goal=Goal.objects.get(pk=cast.draft_personal.pk))
    response = as_role("employee").get(f"/api/v1/goals/{cast.draft_personal.pk}/tree/")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None and response.json()["children"] == []
