"""DESIGN.md "Whose words are whose": a personal goal's why, identity and motivation are written by its owner
alone — not by the skip-level leader or the admin who may change the goal otherwise, in the API, the pages
or the Django admin."""

import pytest
from django.urls import reverse

from apps.goals.models import PRIVATE_FIELDS, Goal, ReflectionRead

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


# --- Every read by someone else is recorded, and its owner sees who read it -------------------------------


def readers(as_role, cast):
    response = as_role("employee").get(f"/api/v1/goals/{cast.personal.pk}/readers/")
    assert response.status_code == 200
    return [(row["reader"], row["channel"]) for row in response.json()["results"]]


def test_a_managers_read_is_listed_to_the_owner_once_an_hour(as_role, cast):
    for _ in range(3):
        as_role("manager").get(f"/api/v1/goals/{cast.personal.pk}/")
    as_role("manager").get(f"/api/v1/goals/{cast.trans.pk}/tree/")
    assert readers(as_role, cast) == [(cast.manager.pk, "api")]


def test_lists_record_every_reflection_they_show(as_role, cast):
    as_role("admin").get("/api/v1/goals/?layer=personal")
    shown = ReflectionRead.objects.filter(reader=cast.admin).values_list("goal_id", flat=True)
    with_text = Goal.objects.filter(layer="personal").exclude(why="", identity="", motivation="")
    assert set(shown) == {goal.pk for goal in with_text if goal.owner_id != cast.admin.pk}


@pytest.mark.parametrize("role", ["employee", "hr", "other_employee"])
def test_no_read_is_recorded_when_no_one_else_sees_the_reflection(as_role, cast, role):
    as_role(role).get("/api/v1/goals/")  # the owner, HR (null fields) and a peer who does not see it
    assert not ReflectionRead.objects.filter(goal=cast.personal).exists()


@pytest.mark.parametrize(("role", "status"), [("manager", 403), ("admin", 403), ("other_employee", 404)])
def test_only_the_owner_sees_who_read(as_role, cast, role, status):
    assert as_role(role).get(f"/api/v1/goals/{cast.personal.pk}/readers/").status_code == status


def test_the_goal_page_and_the_django_admin_record_their_reads(client, cast, as_role):
    client.force_login(cast.manager)
    client.get(reverse("goals:detail", args=[cast.personal.pk]))
    client.force_login(cast.admin)
    client.get(reverse("admin:goals_goal_change", args=[cast.personal.pk]))
    assert sorted(readers(as_role, cast)) == sorted([(cast.manager.pk, "page"), (cast.admin.pk, "admin")])
    client.force_login(cast.employee)
    page = client.get(reverse("goals:detail", args=[cast.personal.pk])).content.decode()
    assert "Who has read your reflection (2)" in page and "Goal page" in page and "Django admin" in page


# --- The change log keeps old words, and shows them to their owner alone ---------------------------------


def test_the_change_log_in_the_admin_hides_old_reflections_from_anyone_but_the_owner(as_role, cast, client):
    from apps.core.models import ObjectChange

    as_role("employee").patch(f"/api/v1/goals/{cast.personal.pk}/", {"why": "A secret reason"}, format="json")
    change = ObjectChange.objects.filter(object_id=cast.personal.pk, changes__has_key="why").latest("time")
    url = reverse("admin:core_objectchange_change", args=[change.pk])
    client.force_login(cast.admin)
    page = client.get(url).content.decode()
    assert "A secret reason" not in page and "only its owner reads it" in page
    cast.employee.is_staff = True  # the owner, were they to open the admin, reads their own words
    cast.employee.save()
    client.force_login(cast.employee)
    cast.employee.__class__.objects.filter(pk=cast.employee.pk).update(is_superuser=True)
    assert "A secret reason" in client.get(url).content.decode()
