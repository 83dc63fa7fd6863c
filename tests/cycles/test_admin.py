"""Closing a cycle in the Django admin runs the same close check as the services."""

import pytest

from apps.cycles.models import Cycle
from apps.goals.carryover import goal_carry_over
from apps.reviews import services
from apps.reviews.models import Review


def _close(client, cast, cycle):
    client.force_login(cast.admin)
    data = {"name": cycle.name, "start": cycle.start, "end": cycle.end, "parent": cycle.parent_id, "status": "closed"}
    return client.post(f"/admin/cycles/cycle/{cycle.pk}/change/", data)


@pytest.mark.django_db
def test_the_admin_does_not_close_a_cycle_with_goals_missing_a_review(client, cast, quarters):
    response = _close(client, cast, quarters["q1"])
    assert response.status_code == 200 and "neither reviewed nor carried over" in response.content.decode()
    assert Cycle.objects.get(pk=quarters["q1"].pk).status == Cycle.Status.ACTIVE


@pytest.mark.django_db
def test_the_admin_closes_a_cycle_whose_goals_are_reviewed_or_carried(client, cast, quarters):
    services.review_save(actor=cast.employee, goal=quarters["done"], relevance=Review.Relevance.SUPPORTED)
    goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    assert _close(client, cast, quarters["q1"]).status_code == 302
    assert Cycle.objects.get(pk=quarters["q1"].pk).status == Cycle.Status.CLOSED
