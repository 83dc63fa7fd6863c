"""goals/{id}/comments/: the comments of a goal the caller may see, posting one, its errors, and its cost."""

import pytest

from apps.core.validation import MAX_TEXT_LENGTH
from apps.goals.comments import comment_post
from apps.goals.models import GoalComment
from apps.goals.signals import comment_posted
from tests.cast import GOALS, ROLES, VISIBLE


def url(goal) -> str:
    return f"/api/v1/goals/{goal.pk}/comments/"


@pytest.fixture
def told():
    sent = []

    def receiver(sender, comment, mentioned, **kwargs):
        sent.append([person.username for person in mentioned])

    comment_posted.connect(receiver, dispatch_uid="test-api-comments-receiver")
    yield sent
    comment_posted.disconnect(dispatch_uid="test-api-comments-receiver")


def test_posting_answers_the_comment_with_its_mentions(as_role, cast, told):
    response = as_role("employee").post(url(cast.trans), {"body": "@manager and @Leader, see ann@x.com"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    comment = GoalComment.objects.get()
    assert data == {
        "id": comment.pk,
        "goal": cast.trans.pk,
        "author": cast.employee.pk,
        "author_name": str(cast.employee),
        "body": "@manager and @Leader, see ann@x.com",
        "created": data["created"],
        "mentions": sorted([cast.manager.pk, cast.leader.pk]),
    }
    assert sorted(told[0]) == ["leader", "manager"]


def test_the_list_is_paginated_oldest_first(as_role, cast):
    for n in range(3):
        comment_post(actor=cast.employee, goal=cast.trans, body=f"c{n} @manager")
    comment_post(actor=cast.employee, goal=cast.oper, body="elsewhere")
    data = as_role("manager").get(url(cast.trans)).json()
    assert data["count"] == 3 and data["next"] is None
    assert [row["body"] for row in data["results"]] == ["c0 @manager", "c1 @manager", "c2 @manager"]
    assert data["results"][0]["mentions"] == [cast.manager.pk]


def test_a_person_who_may_not_see_the_goal_is_not_in_mentions(as_role, cast, told):
    response = as_role("employee").post(url(cast.personal), {"body": "@other_employee @manager"}, format="json")
    assert response.json()["mentions"] == [cast.manager.pk] and told == [["manager"]]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": None}, "body"),
        ({"body": ["a"]}, "body"),
        ({"body": "x" * (MAX_TEXT_LENGTH + 1)}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"body": " ".join(f"@p{n}" for n in range(21))}, "body"),
        ({"body": "hello", "author": 1}, "author"),
        ({"body": "hello", "goal": 1}, "goal"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(as_role, cast, payload, field):
    response = as_role("employee").post(url(cast.trans), payload, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not GoalComment.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(as_role, cast):
    response = as_role("employee").post(url(cast.trans), ["hello"], format="json")
    assert response.status_code == 400 and not GoalComment.objects.exists()


def test_an_archived_goal_takes_no_comment(as_role, cast):
    assert as_role("employee").delete(f"/api/v1/goals/{cast.personal.pk}/").status_code == 204
    response = as_role("employee").post(url(cast.personal), {"body": "hello"}, format="json")
    assert response.status_code == 400 and "archived" in response.json()["goal"][0]
    assert as_role("employee").get(url(cast.personal)).status_code == 200  # its comments are still read


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", GOALS)
def test_whoever_sees_the_goal_reads_and_posts_comments_and_anyone_else_gets_404(as_role, cast, role, name):
    client, goal = as_role(role), cast.goal(name)
    expected_read, expected_post = (200, 201) if name in VISIBLE[role] else (404, 404)
    assert client.get(url(goal)).status_code == expected_read
    assert client.post(url(goal), {"body": "hi"}, format="json").status_code == expected_post


def test_a_hidden_goal_answers_404_before_checking_the_input(as_role, cast):
    response = as_role("other_employee").post(url(cast.personal), {"body": ""}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/goals/999999/comments/", "/api/v1/goals/99999999999999999999/comments/"])
def test_an_unknown_goal_is_404(as_role, cast, path):
    assert as_role("admin").get(path).status_code == 404


def test_without_credentials_it_is_401(client_for, cast):
    assert client_for().get(url(cast.trans)).status_code == 401
    assert client_for().post(url(cast.trans), {"body": "hi"}, format="json").status_code == 401


def test_comments_leave_out_the_private_reflection(as_role, cast):
    comment_post(actor=cast.employee, goal=cast.personal, body="Progress!")
    text = as_role("hr").get(url(cast.personal)).content.decode()
    assert "Progress!" in text and "To prove I can run a sale" not in text and "trusted advisor" not in text


# --- Cost ---------------------------------------------------------------------------------------------------------

# The goal (with its visibility), a count, a page of comments with their authors, the people they mention.
LIST_QUERIES = 4
# Anyone but an admin or a leader reads, once per request, the units they lead and the people who report to them.
VISIBILITY_QUERIES = 2


def _add_comments(cast, n: int) -> None:
    for i in range(n):
        comment_post(actor=cast.employee, goal=cast.trans, body=f"note {i} @manager @leader @hr")


@pytest.mark.parametrize("role", ["admin", "manager", "employee"])
def test_the_list_costs_a_fixed_number_of_queries(as_role, cast, role, django_assert_max_num_queries):
    pin = LIST_QUERIES + (0 if role == "admin" else VISIBILITY_QUERIES)
    _add_comments(cast, 2)
    with django_assert_max_num_queries(pin):
        assert as_role(role).get(url(cast.trans)).status_code == 200
    _add_comments(cast, 20)
    with django_assert_max_num_queries(pin):
        response = as_role(role).get(url(cast.trans))
    assert response.json()["count"] == 22


# --- A mention notifies (apps.notifications receives comment_posted) -----------------------------------------------


def test_a_mention_reaches_the_persons_notifications_and_nobody_elses(as_role, cast):
    posted = as_role("employee").post(url(cast.personal), {"body": "@manager @other_employee @employee"}, format="json")
    comment_id = posted.json()["id"]
    mine = as_role("manager").get("/api/v1/notifications/").json()["results"]
    assert [(n["kind"], n["url"].endswith(f"#comment-{comment_id}")) for n in mine] == [("mentioned", True)]
    assert as_role("other_employee").get("/api/v1/notifications/").json()["results"] == []
    assert as_role("employee").get("/api/v1/notifications/").json()["results"] == []
