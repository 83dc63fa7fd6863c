"""The cycle-close pages and the goal page's review panel: wiring, roles, errors next to the field."""

import pytest

from apps.cycles.models import Cycle
from apps.goals.models import Goal
from apps.reviews import services
from apps.reviews.models import Review

pytestmark = pytest.mark.django_db


def _get(client, person, url):
    client.force_login(person)
    return client.get(url)


def _review(goal, **fields):
    goal = Goal.objects.get(pk=goal.pk)
    return services.review_save(actor=goal.owner, goal=goal, relevance=Review.Relevance.SUPPORTED, **fields)


def test_the_page_shows_my_goals_with_the_score_prefilled_from_progress(client, cast, quarters):
    Goal.objects.filter(pk=quarters["trans"].pk).update(progress=0.35)
    page = _get(client, cast.leader, f"/cycles/{quarters['q1'].pk}/review/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Open Jakarta" in text and 'value="35.0"' in text
    assert "Hire a lead" in text  # missing, listed in the cycle's close for a leader


def test_the_owner_saves_a_review_from_the_page(client, cast, quarters):
    client.force_login(cast.leader)
    goal = quarters["trans"]
    prefix = f"goal-{goal.pk}"
    response = client.post(
        f"/cycles/{quarters['q1'].pk}/review/goals/{goal.pk}/",
        {f"{prefix}-score": "60", f"{prefix}-relevance": "partly", f"{prefix}-reflection": "Slow start."},
    )
    assert response.status_code == 302
    review = Review.objects.get(goal=goal)
    assert (review.score, review.relevance, review.reflection) == (0.6, "partly", "Slow start.")


def test_a_bad_score_is_shown_next_to_the_field(client, cast, quarters):
    client.force_login(cast.leader)
    goal = quarters["trans"]
    prefix = f"goal-{goal.pk}"
    response = client.post(
        f"/cycles/{quarters['q1'].pk}/review/goals/{goal.pk}/", {f"{prefix}-score": "150", f"{prefix}-relevance": "x"}
    )
    assert response.status_code == 400
    assert 'class="error" role="alert"' in response.content.decode()
    assert not Review.objects.exists()


def test_someone_who_may_not_change_the_goal_cannot_review_it_from_the_page(client, cast, quarters):
    client.force_login(cast.other_employee)
    goal = quarters["trans"]
    prefix = f"goal-{goal.pk}"
    response = client.post(
        f"/cycles/{quarters['q1'].pk}/review/goals/{goal.pk}/",
        {f"{prefix}-score": "50", f"{prefix}-relevance": "partly"},
    )
    assert response.status_code == 403


def test_the_manager_sees_and_signs_off_a_reports_review(client, cast):
    review = _review(cast.oper, reflection="Learned a lot.")
    page = _get(client, cast.manager, f"/cycles/{cast.year.pk}/review/")
    assert "Learned a lot." in page.content.decode()
    response = client.post(f"/reviews/{review.pk}/sign-off/")
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).signed_off_by_id == cast.manager.pk


def test_the_owner_finds_nothing_to_sign_off_on_their_own_review(client, cast):
    _review(cast.oper)
    page = _get(client, cast.employee, f"/cycles/{cast.year.pk}/review/")
    assert "No review waits for your sign-off." in page.content.decode()


def test_only_closers_see_the_close_section(client, cast, quarters):
    assert "Close cycle" not in _get(client, cast.employee, f"/cycles/{quarters['q1'].pk}/review/").content.decode()
    assert "Close cycle" in _get(client, cast.hr, f"/cycles/{quarters['q1'].pk}/review/").content.decode()


def test_closing_with_goals_missing_says_which(client, cast, quarters):
    client.force_login(cast.leader)
    response = client.post(f"/cycles/{quarters['q1'].pk}/close/")
    assert response.status_code == 400
    assert "2 goals are neither reviewed nor carried over" in response.content.decode()
    assert Cycle.objects.get(pk=quarters["q1"].pk).status == Cycle.Status.ACTIVE


def test_an_employee_cannot_close_a_cycle(client, cast, quarters):
    client.force_login(cast.employee)
    assert client.post(f"/cycles/{quarters['q1'].pk}/close/").status_code == 403


def test_carrying_over_from_the_page_then_closing(client, cast, quarters):
    client.force_login(cast.leader)
    trans = quarters["trans"]
    url = f"/cycles/{quarters['q1'].pk}/review/"
    response = client.post(
        f"/goals/{trans.pk}/carry-over/", {f"carry-{trans.pk}-cycle": quarters["q2"].pk, "next": url}
    )
    assert response.status_code == 302 and response.url == url
    assert client.post(f"/cycles/{quarters['q1'].pk}/close/").status_code == 302
    assert Cycle.objects.get(pk=quarters["q1"].pk).status == Cycle.Status.CLOSED


def test_carry_over_into_an_earlier_cycle_is_shown_next_to_the_field(client, cast, quarters):
    client.force_login(cast.leader)
    trans = quarters["trans"]
    Cycle.objects.filter(pk=quarters["q2"].pk).update(status=Cycle.Status.CLOSED)
    response = client.post(f"/goals/{trans.pk}/carry-over/", {f"carry-{trans.pk}-cycle": quarters["q2"].pk})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_carry_over_page_is_refused_to_someone_who_may_not_change_the_goal(client, cast, quarters):
    assert _get(client, cast.employee, f"/goals/{quarters['trans'].pk}/carry-over/").status_code == 403


def test_pages_of_unknown_things_are_not_found(client, cast):
    client.force_login(cast.admin)
    for url in ("/cycles/999999/review/", "/goals/999999/carry-over/", "/cycles/99999999999999999999/review/"):
        assert client.get(url).status_code == 404


# --- The goal page's panel -----------------------------------------------------------------------


def test_the_goal_page_shows_the_review_to_the_chain_with_the_reflection(client, cast):
    _review(cast.oper, reflection="My own words.")
    text = _get(client, cast.manager, f"/goals/{cast.oper.pk}/").content.decode()
    assert "Reviewed: score" in text and "My own words." in text


def test_the_goal_page_hides_the_reflection_from_a_peer(client, cast):
    _review(cast.oper, reflection="My own words.")
    text = _get(client, cast.other_employee, f"/goals/{cast.oper.pk}/").content.decode()
    assert "Reviewed: score" in text and "My own words." not in text


def test_the_goal_page_shows_hr_no_review(client, cast):
    _review(cast.oper)
    assert "Reviewed: score" not in _get(client, cast.hr, f"/goals/{cast.oper.pk}/").content.decode()


def test_the_goal_page_links_to_writing_the_review_and_carrying_over(client, cast, quarters):
    text = _get(client, cast.leader, f"/goals/{quarters['trans'].pk}/").content.decode()
    assert "Write the review of this goal" in text and f"/goals/{quarters['trans'].pk}/carry-over/" in text


def test_the_goal_page_says_where_a_goal_was_carried_to_and_from(client, cast, quarters):
    from apps.goals.carryover import goal_carry_over

    copy = goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    assert "Carried over to" in _get(client, cast.leader, f"/goals/{quarters['trans'].pk}/").content.decode()
    assert "Continued from" in _get(client, cast.leader, f"/goals/{copy.pk}/").content.decode()


def _review_page_queries(client, cast, quarters, django_assert_max_num_queries, goals: int) -> None:
    from apps.goals.models import Layer
    from tests.factories import GoalFactory

    for n in range(goals):
        mine = GoalFactory(
            title=f"Mine {n}", layer=Layer.OPERATIONAL, parent=quarters["trans"], unit=cast.sales, owner=cast.leader
        )
        GoalFactory(title=f"Theirs {n}", layer=Layer.OPERATIONAL, parent=mine, unit=cast.team, owner=cast.manager)
        _review(GoalFactory(title=f"Done {n}", layer=Layer.PERSONAL, parent=mine, unit=cast.team, owner=cast.employee))
    client.force_login(cast.leader)
    # session, person, cycle, later cycles, my goals, the chain (2), to sign off, progress, missing, notifications
    with django_assert_max_num_queries(11):
        page = client.get(f"/cycles/{quarters['q1'].pk}/review/")
    assert page.status_code == 200


@pytest.mark.parametrize("goals", [1, 12])
def test_the_review_page_costs_the_same_whatever_its_goals(
    client, cast, quarters, django_assert_max_num_queries, goals
):
    _review_page_queries(client, cast, quarters, django_assert_max_num_queries, goals)


def test_without_a_later_cycle_the_page_says_so_once_instead_of_an_empty_choice(client, cast, quarters):
    page = _get(client, cast.leader, f"/cycles/{quarters['q2'].pk}/review/").content.decode()
    assert 'id="no-later-cycle"' in page and "Choose the next cycle" not in page
    page = _get(client, cast.leader, f"/cycles/{quarters['q1'].pk}/review/").content.decode()
    assert 'id="no-later-cycle"' not in page and "Choose the next cycle" in page
