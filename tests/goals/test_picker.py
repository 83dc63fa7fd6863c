"""The parent picker: a <select> while the candidates are few, a search box with at most 20 matches (htmx, or its
Find button without JavaScript) above that; the same candidate rules and visibility either way."""

import pytest
from django.urls import reverse

from apps.goals import picker
from apps.goals.models import Goal, Layer
from tests.cast import build_cast
from tests.factories import GoalFactory

OPTIONS = reverse("goals:parent-options")


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def many(cast, monkeypatch):
    """Past the threshold (lowered to 3): 25 operational goals of the APAC team, all titled 'Widget …'."""
    monkeypatch.setattr(picker, "PICKER_THRESHOLD", 3)
    for n in range(25):
        GoalFactory(
            title=f"Widget {n:02}", layer=Layer.OPERATIONAL, parent=cast.trans, unit=cast.team, owner=cast.manager
        )
    return cast


def radios(html: str) -> int:
    return html.count('type="radio" name="parent" value="') - html.count('type="radio" name="parent" value=""')


def test_the_endpoint_answers_at_most_20_matches(client, many):
    client.force_login(many.employee)
    html = client.get(OPTIONS, {"for": "personal", "parent_q": "widget"}).content.decode()
    assert radios(html) == 20 and "The first 20 matches" in html


def test_the_endpoint_matches_every_word_of_the_title(client, many):
    client.force_login(many.employee)
    html = client.get(OPTIONS, {"for": "personal", "parent_q": "widget 07"}).content.decode()
    assert radios(html) == 1 and "Double revenue › Grow APAC › Widget 07" in html


def test_personal_candidates_are_published_goals_of_the_units_above_only(client, cast):
    client.force_login(cast.employee)
    html = client.get(OPTIONS, {"for": "personal", "parent_q": ""}).content.decode()
    assert "Grow APAC" in html and "Hire three" in html and "Double revenue" in html
    for hidden in ("Cut costs", "Enter a new market", "Close my first deal", "Automate a report"):
        assert hidden not in html


def test_the_picked_goal_stays_checked_and_first_while_one_searches_on(client, many):
    client.force_login(many.employee)
    html = client.get(OPTIONS, {"for": "personal", "parent_q": "widget", "parent": many.oper.pk}).content.decode()
    assert html.index(f'value="{many.oper.pk}" checked') < html.index("Widget 00")


def test_a_picked_goal_that_is_no_candidate_is_not_shown(client, cast):
    client.force_login(cast.employee)
    html = client.get(OPTIONS, {"for": "personal", "parent": cast.other_trans.pk}).content.decode()
    assert "Cut costs" not in html


def test_move_options_need_a_goal_the_viewer_may_change(client, cast):
    client.force_login(cast.employee)
    assert client.get(OPTIONS, {"for": "move", "goal": cast.other_personal.pk}).status_code == 404
    assert client.get(OPTIONS, {"for": "move", "goal": cast.trans.pk}).status_code == 403
    html = client.get(OPTIONS, {"for": "move", "goal": cast.personal.pk}).content.decode()
    assert "Hire three" in html and "Cut costs" in html and "Learn Mandarin" not in html
    assert "— Not linked —" in html


def test_the_endpoint_refuses_an_unknown_picker(client, cast):
    client.force_login(cast.employee)
    for params in ({}, {"for": "nope"}, {"for": "move"}, {"for": "move", "goal": "x"}):
        assert client.get(OPTIONS, params).status_code == 400


def test_the_endpoint_survives_odd_input(client, cast):
    client.force_login(cast.employee)
    for q in ("a\x00b", "x" * 5000, "%_\\"):
        assert client.get(OPTIONS, {"for": "personal", "parent_q": q, "parent": "nope"}).status_code == 200


def test_the_endpoint_costs_the_same_whatever_the_matches(client, many, django_assert_max_num_queries):
    client.force_login(many.employee)
    client.get(OPTIONS, {"for": "personal"})
    # session + user, the viewer's unit, reports and led units, matches, the picked goal, chains
    with django_assert_max_num_queries(8):
        client.get(OPTIONS, {"for": "personal", "parent_q": "widget", "parent": many.oper.pk})


def test_few_candidates_keep_the_select(client, cast):
    client.force_login(cast.employee)
    html = client.get(reverse("goals:personal-new")).content.decode()
    assert '<select name="parent"' in html and "Double revenue › Grow APAC" in html


def test_many_candidates_become_a_labelled_search_box(client, many):
    client.force_login(many.employee)
    html = client.get(reverse("goals:personal-new")).content.decode()
    assert '<select name="parent"' not in html
    assert 'type="search" id="id_parent" name="parent_q"' in html and 'aria-autocomplete="list"' in html
    assert 'aria-controls="id_parent_options"' in html and '<label for="id_parent">Contributes to' in html
    assert radios(html) == 20


def test_the_find_button_shows_matches_without_javascript_and_saves_nothing(client, many):
    client.force_login(many.employee)
    data = {"title": "Ship the widget", "parent_q": "widget 1", "parent_find": "1", "why": "mine"}
    response = client.post(reverse("goals:personal-new"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Goal.objects.filter(title="Ship the widget").exists()
    # "widget 1" matches Widget 01, 10–19 and 21
    assert radios(html) == 12 and 'value="Ship the widget"' in html and 'class="error"' not in html


def test_a_goal_picked_from_the_search_box_is_linked(client, many):
    client.force_login(many.employee)
    widget = Goal.objects.get(title="Widget 24")
    response = client.post(reverse("goals:personal-new"), {"title": "Ship it", "parent": widget.pk})
    assert response.status_code == 302
    assert Goal.objects.get(title="Ship it").parent == widget


def test_the_search_box_refuses_a_goal_that_is_no_candidate(client, many):
    client.force_login(many.employee)
    response = client.post(reverse("goals:personal-new"), {"title": "Sneaky", "parent": many.other_trans.pk})
    assert response.status_code == 200 and not Goal.objects.filter(title="Sneaky").exists()


def test_the_move_form_becomes_a_search_box_too(client, many):
    client.force_login(many.employee)
    html = client.get(reverse("goals:move", args=[many.personal.pk])).content.decode()
    assert f"for=move&amp;goal={many.personal.pk}" in html and f'value="{many.oper.pk}" checked' in html
    widget = Goal.objects.get(title="Widget 03")
    response = client.post(reverse("goals:move", args=[many.personal.pk]), {"parent": widget.pk})
    assert response.status_code == 302
    many.personal.refresh_from_db()
    assert many.personal.parent == widget
