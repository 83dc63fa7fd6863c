"""Comments on goals: who may post them, how @mentions are read and who is told, and the goal page's list and form."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.history import history_of
from apps.core.models import ObjectChange
from apps.core.validation import MAX_TEXT_LENGTH
from apps.goals import services
from apps.goals.comments import MAX_MENTIONS, comment_post, mentioned_names
from apps.goals.models import GoalComment
from apps.goals.signals import comment_posted
from tests.cast import ROLES, VISIBLE, build_cast
from tests.factories import PersonFactory


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def told():
    """Every comment_posted signal, as (comment, [usernames mentioned]), through a real receiver."""
    sent = []

    def receiver(sender, comment, mentioned, **kwargs):
        sent.append((comment, [person.username for person in mentioned]))

    comment_posted.connect(receiver, dispatch_uid="test-comments-receiver")
    yield sent
    comment_posted.disconnect(dispatch_uid="test-comments-receiver")


# --- Reading mentions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("@ann please look", ["ann"]),
        ("thanks (@ann), @bob.", ["ann", "bob"]),
        ("@ann's idea", ["ann"]),
        ("write to ann@example.com or @bob", ["bob"]),
        ("@Ann and @ann and @ANN", ["Ann"]),
        ("@jean-luc.picard, hi", ["jean-luc.picard"]),
        ("an @ alone, @@double and a.@dot", []),
        ("", []),
    ],
)
def test_mentions_are_read_as_usernames_standing_on_their_own(body, names):
    assert mentioned_names(body) == names


# --- Posting ------------------------------------------------------------------------------------------------------


def test_employee_comments_on_a_goal_and_it_is_in_the_change_log(cast):
    comment = comment_post(actor=cast.employee, goal=cast.trans, body="  Good progress!  ")
    assert (comment.goal, comment.author, comment.body) == (cast.trans, cast.employee, "Good progress!")
    change = history_of(comment).get()
    assert change.action == ObjectChange.Action.CREATE and change.actor == cast.employee
    assert change.changes["body"] == [None, "Good progress!"] and change.changes["goal"] == [None, cast.trans.pk]


def test_a_mention_is_stored_and_the_signal_tells_that_person(cast, told):
    comment = comment_post(actor=cast.employee, goal=cast.trans, body="@manager can you review?")
    assert list(comment.mentions.all()) == [cast.manager]
    assert told == [(comment, ["manager"])]


def test_mentions_ignore_letter_case_and_are_told_once(cast, told):
    comment_post(actor=cast.employee, goal=cast.trans, body="@Manager, @MANAGER and @manager again")
    assert told[0][1] == ["manager"]


def test_the_author_is_not_told_of_their_own_mention(cast, told):
    comment_post(actor=cast.employee, goal=cast.trans, body="Note to self @employee, and @leader")
    assert told[0][1] == ["leader"]


def test_unknown_names_and_email_addresses_mention_nobody(cast, told):
    comment = comment_post(actor=cast.employee, goal=cast.trans, body="@nobody-here, mail hr@example.com")
    assert list(comment.mentions.all()) == [] and told[0][1] == []


def test_a_person_who_may_not_see_the_goal_is_neither_stored_nor_told(cast, told):
    # other_employee cannot see the employee's personal goal; the manager (their chain) can.
    comment = comment_post(actor=cast.employee, goal=cast.personal, body="@other_employee @manager look")
    assert list(comment.mentions.all()) == [cast.manager]
    assert told[0][1] == ["manager"]


def test_nobody_is_told_of_a_draft_they_may_not_see(cast, told):
    comment_post(actor=cast.employee, goal=cast.draft_personal, body="@manager @leader")
    assert told[0][1] == ["leader"]  # a draft: its owner, leaders and admins only


def test_an_inactive_person_is_not_mentioned(cast, told):
    PersonFactory(username="gone", unit=cast.team, is_active=False)
    comment_post(actor=cast.employee, goal=cast.trans, body="@gone")
    assert told[0][1] == []


def test_the_exact_username_wins_over_one_differing_only_in_case(cast, told):
    PersonFactory(username="Manager", unit=cast.team)
    comment_post(actor=cast.employee, goal=cast.trans, body="@Manager")
    assert told[0][1] == ["Manager"]


def test_a_name_two_people_share_without_case_mentions_neither(cast, told):
    PersonFactory(username="Sam", unit=cast.team)
    PersonFactory(username="SAM", unit=cast.team)
    comment_post(actor=cast.employee, goal=cast.trans, body="@sam")
    assert told[0][1] == []


def test_a_receiver_that_fails_takes_the_comment_with_it(cast):
    def broken(sender, **kwargs):
        raise RuntimeError("notifications are down")

    comment_posted.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            comment_post(actor=cast.employee, goal=cast.trans, body="@manager")
    finally:
        comment_posted.disconnect(dispatch_uid="test-broken")
    assert not GoalComment.objects.exists()


# --- What is refused ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n ", None])
def test_an_empty_comment_is_refused(cast, body):
    with pytest.raises(ValidationError) as exc:
        comment_post(actor=cast.employee, goal=cast.trans, body=body)
    assert exc.value.message_dict == {"body": ["A comment needs some text."]}


def test_a_comment_longer_than_free_text_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        comment_post(actor=cast.employee, goal=cast.trans, body="x" * (MAX_TEXT_LENGTH + 1))
    assert "body" in exc.value.message_dict and not GoalComment.objects.exists()


def test_a_comment_naming_too_many_people_is_refused(cast, told):
    body = " ".join(f"@name{n}" for n in range(MAX_MENTIONS + 1))
    with pytest.raises(ValidationError) as exc:
        comment_post(actor=cast.employee, goal=cast.trans, body=body)
    assert exc.value.message_dict == {"body": [f"Mention at most {MAX_MENTIONS} people in one comment."]}
    assert told == []


def test_an_archived_goal_takes_no_comment(cast, told):
    services.goal_archive(actor=cast.employee, goal=cast.personal)
    cast.personal.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        comment_post(actor=cast.employee, goal=cast.personal, body="hello")
    assert "archived" in exc.value.message_dict["goal"][0]
    assert told == [] and not GoalComment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["trans", "personal", "other_personal", "draft_intent"])
def test_whoever_may_see_a_goal_may_comment_on_it(cast, role, name):
    goal, actor = cast.goal(name), cast.person(role)
    if name in VISIBLE[role]:
        assert comment_post(actor=actor, goal=goal, body="hi").pk
    else:
        with pytest.raises(PermissionDenied):
            comment_post(actor=actor, goal=goal, body="hi")


# --- The goal page ------------------------------------------------------------------------------------------------


def detail(goal) -> str:
    return reverse("goals:detail", args=[goal.pk])


def post_url(goal) -> str:
    return reverse("goals:comment", args=[goal.pk])


def test_the_goal_page_lists_comments_oldest_first_with_mentions_highlighted(client, cast):
    comment_post(actor=cast.employee, goal=cast.trans, body="First, @manager")
    comment_post(actor=cast.manager, goal=cast.trans, body="Second, @other_employee and @nobody")
    client.force_login(cast.leader)
    html = client.get(detail(cast.trans)).content.decode()
    assert html.index("First, ") < html.index("Second, ")
    assert '<mark class="mention" title="Manager">@manager</mark>' in html
    assert '<mark class="mention" title="Other_Employee">@other_employee</mark>' in html
    assert "@nobody" in html and 'title="Nobody"' not in html


def test_a_name_the_goal_hides_from_is_not_highlighted_on_the_page(client, cast):
    comment_post(actor=cast.employee, goal=cast.personal, body="@other_employee look")
    client.force_login(cast.employee)
    html = client.get(detail(cast.personal)).content.decode()
    assert "@other_employee look" in html and "mention" not in html.split('id="comments"')[1].split("</ol>")[0]


def test_comment_text_is_escaped(client, cast):
    attack = '<script>alert(1)</script><img src=x onerror=alert(2)> @manager"><b>'
    comment_post(actor=cast.employee, goal=cast.trans, body=attack)
    client.force_login(cast.manager)
    html = client.get(detail(cast.trans)).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_line_breaks_in_a_comment_are_kept(client, cast):
    comment_post(actor=cast.employee, goal=cast.trans, body="one\ntwo")
    client.force_login(cast.employee)
    assert "one<br>two" in client.get(detail(cast.trans)).content.decode()


def test_posting_without_javascript_redirects_to_the_comments(client, cast, told):
    client.force_login(cast.employee)
    response = client.post(post_url(cast.trans), {"comment-body": "Nice @manager"})
    assert response.status_code == 302 and response["Location"] == detail(cast.trans) + "#comments"
    assert GoalComment.objects.get().body == "Nice @manager" and told[0][1] == ["manager"]


def test_posting_with_htmx_answers_the_list_in_place(client, cast):
    client.force_login(cast.employee)
    response = client.post(post_url(cast.trans), {"comment-body": "In place"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="comments"' in html and "In place" in html and "Comment posted." in html and "<html" not in html


def test_a_refused_comment_with_htmx_shows_the_error_next_to_the_field(client, cast):
    client.force_login(cast.employee)
    response = client.post(post_url(cast.trans), {"comment-body": "x" * (MAX_TEXT_LENGTH + 1)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "At most 10,000 characters" in response.content.decode()
    assert not GoalComment.objects.exists()


def test_a_refused_comment_without_javascript_is_a_400_page_keeping_the_text(client, cast):
    client.force_login(cast.employee)
    response = client.post(post_url(cast.trans), {"comment-body": " "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_posting_on_an_archived_goal_is_refused_with_its_reason(client, cast):
    services.goal_archive(actor=cast.employee, goal=cast.personal)
    client.force_login(cast.employee)
    response = client.post(post_url(cast.personal), {"comment-body": "hello"})
    assert response.status_code == 400 and "archived" in response.content.decode()
    assert "Post comment" not in client.get(detail(cast.personal)).content.decode()


def test_posting_on_a_goal_one_may_not_see_is_404(client, cast):
    client.force_login(cast.other_employee)
    assert client.post(post_url(cast.personal), {"comment-body": "hello"}).status_code == 404
    assert not GoalComment.objects.exists()


def test_posting_signed_out_goes_to_sign_in(client, cast):
    response = client.post(post_url(cast.trans), {"comment-body": "hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_comments_never_show_the_private_reflection(client, cast):
    comment_post(actor=cast.manager, goal=cast.personal, body="Keep going")
    client.force_login(cast.hr)
    section = client.get(detail(cast.personal)).content.decode().split('id="comments"')[1]
    assert "Keep going" in section and "To prove I can run a sale" not in section and "trusted advisor" not in section


def test_comments_add_one_fixed_query_to_the_page_whatever_their_number(client, cast):
    """tests/goals/test_pages.py pins the page itself; its latest comments are one query with their authors, and
    the people they mention one more once there are any."""
    client.force_login(cast.leader)
    client.get(detail(cast.intent))  # the session and the sign-in bookkeeping are not the page's cost
    without = len(queries_of(client, detail(cast.intent)))
    for n in range(3):
        comment_post(actor=cast.employee, goal=cast.intent, body=f"Comment {n} @manager @leader")
    few = len(queries_of(client, detail(cast.intent)))
    for n in range(30):
        comment_post(actor=cast.employee, goal=cast.intent, body=f"More {n} @manager @hr @admin")
    assert len(queries_of(client, detail(cast.intent))) == few == without + 1


def queries_of(client, url: str) -> list[dict]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return queries.captured_queries


# --- The admin ----------------------------------------------------------------------------------------------------


def test_the_admin_shows_comments_read_only(client, cast):
    comment = comment_post(actor=cast.employee, goal=cast.trans, body="Seen in the admin")
    client.force_login(cast.admin)
    assert client.get(reverse("admin:goals_goalcomment_changelist")).status_code == 200
    page = client.get(reverse("admin:goals_goalcomment_change", args=[comment.pk]))
    assert page.status_code == 200 and "Seen in the admin" in page.content.decode()
    assert client.get(reverse("admin:goals_goalcomment_add")).status_code == 403
    delete = client.post(reverse("admin:goals_goalcomment_delete", args=[comment.pk]), {"post": "yes"})
    assert delete.status_code == 403 and GoalComment.objects.filter(pk=comment.pk).exists()
