"""DESIGN.md "Whose words are whose": a personal goal's why, identity and motivation are written by its owner
alone — not by the skip-level leader or the admin who may change the goal otherwise, in the API, the pages
or the Django admin."""

import pytest
from django.urls import reverse

from apps.goals.models import PRIVATE_FIELDS, Goal

WRITERS_WHO_ARE_NOT_THE_OWNER = ["admin", "leader"]  # both may change the employee's personal goal otherwise


@pytest.mark.parametrize("role", WRITERS_WHO_ARE_NOT_THE_OWNER)
@pytest.mark.parametrize(
    ("field", "value"), [("why", "Rewritten by someone else"), ("identity", ""), ("motivation", "own")]
)
def test_only_the_owner_writes_the_reflection(as_role, cast, role, field, value):
    before = Goal.objects.values(*PRIVATE_FIELDS).get(pk=cast.personal.pk)
    response = as_role(role).patch(f"/api/v1/goals/{cast.personal.pk}/", {field: value}, format="json")
    assert response.status_code == 403
    assert "owner writes their own reflection" in response.json()[field][0]
    assert Goal.objects.values(*PRIVATE_FIELDS).get(pk=cast.personal.pk) == before


@pytest.mark.parametrize("role", WRITERS_WHO_ARE_NOT_THE_OWNER)
def test_they_may_still_change_the_rest_of_the_goal(as_role, cast, role):
    response = as_role(role).patch(f"/api/v1/goals/{cast.personal.pk}/", {"weight": 2}, format="json")
    assert response.status_code == 200


def test_echoing_null_leaves_the_reflection_alone(as_role, cast):
    response = as_role("admin").patch(f"/api/v1/goals/{cast.personal.pk}/", {"why": None, "weight": 3}, format="json")
    assert response.status_code == 200


def test_the_owner_writes_it(as_role, cast):
    response = as_role("employee").patch(f"/api/v1/goals/{cast.personal.pk}/", {"why": "My own words"}, format="json")
    assert response.status_code == 200
    assert Goal.objects.get(pk=cast.personal.pk).why == "My own words"


def test_nobody_creates_a_personal_goal_with_words_in_someone_elses_mouth(as_role, cast):
    body = {
        "title": "Learn Cantonese",
        "layer": "personal",
        "cycle": cast.personal.cycle_id,
        "owner": cast.employee.pk,
        "why": "Because I said so",
    }
    response = as_role("admin").post("/api/v1/goals/", body, format="json")
    assert response.status_code == 403 and "why" in response.json()
    assert not Goal.objects.filter(title="Learn Cantonese").exists()


def test_the_edit_page_offers_the_reflection_to_its_owner_only(client, cast):
    url = reverse("goals:edit", args=[cast.personal.pk])
    client.force_login(cast.employee)
    assert 'name="why"' in client.get(url).content.decode()
    client.force_login(cast.admin)
    page = client.get(url).content.decode()
    assert 'name="why"' not in page and 'name="identity"' not in page and 'name="weight"' in page


def test_the_django_admin_shows_the_reflection_read_only_to_anyone_but_its_owner(client, cast):
    client.force_login(cast.admin)
    page = client.get(reverse("admin:goals_goal_change", args=[cast.personal.pk])).content.decode()
    assert 'name="why"' not in page and 'name="title"' in page
