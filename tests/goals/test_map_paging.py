"""The strategy map is bounded: one level per request, 50 siblings at a time, the personal goals linked to nothing
behind one node, and the unit filter a search. Each rule here holds whatever the size of the organisation."""

import re

import pytest
from django.urls import reverse

from apps.goals.map_levels import PAGE_SIZE
from apps.goals.models import Layer
from tests.cast import build_cast
from tests.factories import GoalFactory, UnitFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cast(db):
    return build_cast()


def signed_in(client, person):
    client.force_login(person)
    return client


def children_of(goal, n: int, layer=Layer.OPERATIONAL, **fields):
    return [GoalFactory(layer=layer, parent=goal, title=f"Child {i:03}", **fields) for i in range(n)]


def nodes(html: str) -> int:
    return html.count('class="node"')


def test_a_level_shows_50_goals_then_a_show_more_link(client, cast):
    children_of(cast.trans, PAGE_SIZE + 5, unit=cast.team, owner=cast.manager)
    url = reverse("goals:map-children", args=[cast.trans.pk])
    first = signed_in(client, cast.leader).get(url, **HTMX).content.decode()
    assert nodes(first) == PAGE_SIZE and "Child 049" in first and "Child 050" not in first
    assert f'hx-get="{url}?offset={PAGE_SIZE}"' in first and "Show more" in first
    rest = client.get(f"{url}?offset={PAGE_SIZE}", **HTMX).content.decode()
    assert nodes(rest) == 6 and "Child 050" in rest and "Show more" not in rest  # 5 + the cast's own oper
    assert "<ul" not in rest  # the rows that follow, to replace the "Show more" item in its list


def test_the_first_view_opens_the_intents_with_their_children_and_no_deeper(client, cast):
    html = signed_in(client, cast.employee).get(reverse("goals:map")).content.decode()
    assert "Grow APAC" in html  # a child of the intent, shown at once
    assert "Close one deal" not in html and cast.oper.title not in html  # two levels down: on demand
    intent_toggle = re.search(rf'<a class="toggle"[^>]*data-toggle="children-{cast.intent.pk}"[^>]*>', html).group(0)
    assert 'aria-expanded="true"' in intent_toggle and "hx-get" not in intent_toggle
    trans_toggle = re.search(rf'<a class="toggle"[^>]*data-toggle="children-{cast.trans.pk}"[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in trans_toggle and "hx-get" in trans_toggle
    assert f'aria-controls="children-{cast.trans.pk}"' in trans_toggle


def test_the_first_view_shows_50_children_of_an_intent_and_offers_the_rest(client, cast):
    children = children_of(cast.intent, PAGE_SIZE + 10, layer=Layer.TRANSLATIONAL, unit=cast.team, owner=cast.manager)
    html = signed_in(client, cast.leader).get(reverse("goals:map")).content.decode()
    shown = [child for child in children if f'id="node-{child.pk}"' in html]
    assert len(shown) == PAGE_SIZE and "Grow APAC" not in html  # the cast's own goals sort after "Child …"
    assert f"{reverse('goals:map-children', args=[cast.intent.pk])}?offset={PAGE_SIZE}" in html


def test_personal_goals_linked_to_nothing_sit_behind_one_node(client, cast):
    for i in range(PAGE_SIZE + 3):
        GoalFactory(
            layer=Layer.PERSONAL,
            parent=None,
            cycle=cast.year,
            unit=cast.team,
            owner=cast.employee,
            title=f"Solo {i:03}",
        )
    html = signed_in(client, cast.employee).get(reverse("goals:map")).content.decode()
    assert "Solo " not in html
    # The employee's own 53 and their draft stand-alone goal.
    assert "54 personal goals not linked to the strategy" in html
    url = reverse("goals:map-unlinked", args=[cast.year.pk])
    level = client.get(url, **HTMX).content.decode()
    assert nodes(level) == PAGE_SIZE and f'hx-get="{url}?offset={PAGE_SIZE}"' in level
    assert nodes(client.get(f"{url}?offset={PAGE_SIZE}", **HTMX).content.decode()) == 4


def test_the_unlinked_node_counts_only_what_the_viewer_may_see(client, cast):
    GoalFactory(layer=Layer.PERSONAL, parent=None, cycle=cast.year, unit=cast.team, owner=cast.employee, title="Solo")
    html = signed_in(client, cast.other_employee).get(reverse("goals:map")).content.decode()
    assert "not linked to the strategy" not in html
    level = client.get(reverse("goals:map-unlinked", args=[cast.year.pk]), **HTMX).content.decode()
    assert "Solo" not in level


def test_without_javascript_a_branch_opens_as_a_page_of_its_own(client, cast):
    response = signed_in(client, cast.employee).get(reverse("goals:map-children", args=[cast.trans.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>Under “Grow APAC”</h1>" in html
    assert f'href="{reverse("goals:map-children", args=[cast.intent.pk])}"' in html  # the line above it
    assert cast.oper.title in html
    assert "HX-Request" in response["Vary"]


def test_a_hidden_goals_branch_is_not_found(client, cast):
    url = reverse("goals:map-children", args=[cast.other_personal.pk])
    assert signed_in(client, cast.employee).get(url, **HTMX).status_code == 404


def test_a_bad_offset_reads_as_the_first_page(client, cast):
    url = reverse("goals:map-children", args=[cast.intent.pk]) + "?offset=abc"
    assert "Grow APAC" in signed_in(client, cast.leader).get(url, **HTMX).content.decode()


def test_the_unit_filter_is_a_search_not_a_list_of_every_unit(client, cast):
    for i in range(30):
        UnitFactory(parent=cast.ops, name=f"Squad {i:02}")
    html = signed_in(client, cast.leader).get(reverse("goals:map")).content.decode()
    assert '<select name="unit"' not in html and 'name="unit_q"' in html
    assert html.count('name="unit"') <= 21  # "All units" and at most 20 matches
    assert "Squad 29" not in html


def test_the_unit_search_answers_at_most_20_matches_in_one_query(client, cast, django_assert_max_num_queries):
    for i in range(30):
        UnitFactory(parent=cast.ops, name=f"Squad {i:02}")
    signed_in(client, cast.employee)
    with django_assert_max_num_queries(4):  # the session, the person, the matches (and a chosen unit)
        html = client.get(reverse("goals:map-units") + "?unit_q=squad 2").content.decode()
    assert html.count('name="unit"') == 13  # "All units" and Squad 02, 12, 20-29
    assert "Squad 20" in html and "Squad 13" not in html


def test_a_unit_typed_without_javascript_filters_when_one_unit_matches(client, cast):
    html = signed_in(client, cast.leader).get(reverse("goals:map") + "?unit_q=operations").content.decode()
    assert "Cut costs" in html and "Grow APAC" not in html
    assert f'value="{cast.ops.pk}" checked' in html


def test_a_unit_chosen_by_id_still_filters(client, cast):
    html = signed_in(client, cast.leader).get(reverse("goals:map") + f"?unit={cast.team.pk}").content.decode()
    assert "Grow APAC" in html and "Cut costs" not in html


# --- Query counts: they do not grow with the goals of the level ----------------------------------


@pytest.mark.parametrize("n", [3, PAGE_SIZE + 20])
def test_a_level_costs_the_same_whatever_its_width(client, cast, django_assert_max_num_queries, n):
    children_of(cast.trans, n, unit=cast.team, owner=cast.manager)
    url = reverse("goals:map-children", args=[cast.trans.pk])
    signed_in(client, cast.manager)
    for query in ("", f"?offset={PAGE_SIZE}"):
        with django_assert_max_num_queries(10):
            assert client.get(url + query, **HTMX).status_code == 200


@pytest.mark.parametrize("n", [2, PAGE_SIZE + 20])
def test_the_unlinked_level_costs_the_same_whatever_its_width(client, cast, django_assert_max_num_queries, n):
    for _ in range(n):
        GoalFactory(layer=Layer.PERSONAL, parent=None, cycle=cast.year, unit=cast.team, owner=cast.employee)
    signed_in(client, cast.manager)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("goals:map-unlinked", args=[cast.year.pk]), **HTMX).status_code == 200


def test_the_first_view_costs_the_same_with_many_intents_and_children(client, cast, django_assert_max_num_queries):
    for _ in range(5):
        intent = GoalFactory(layer=Layer.INTENT, cycle=cast.year, unit=cast.company, owner=cast.leader)
        children_of(intent, 12, layer=Layer.TRANSLATIONAL, cycle=cast.year, unit=cast.team, owner=cast.manager)
    signed_in(client, cast.employee)
    with django_assert_max_num_queries(13):  # as tests/goals/test_pages.py pins the map
        html = client.get(reverse("goals:map")).content.decode()
    assert nodes(html) >= 5 * 13


def test_the_filtered_list_pages_by_100_without_counting_every_match(client, cast, django_assert_max_num_queries):
    children_of(cast.trans, 105, unit=cast.team, owner=cast.manager)
    url = reverse("goals:map") + f"?cycle={cast.year.pk}&unit={cast.team.pk}"
    html = signed_in(client, cast.leader).get(url).content.decode()
    assert "Goals 1 to 100 that match (more follow)" in html and "offset=100" in html
    rest = client.get(url + "&offset=100").content.decode()
    assert "Goals 101 to 109 that match" in rest and "more follow" not in rest


def test_the_health_filter_reads_only_the_page_of_goals_whole(client, cast):
    from apps.goals.models import Goal

    Goal.objects.filter(pk__in=[cast.trans.pk, cast.oper.pk]).update(status="missed")  # missed is off track
    url = reverse("goals:map") + f"?cycle={cast.year.pk}&unit={cast.team.pk}&health=off_track"
    html = signed_in(client, cast.leader).get(url).content.decode()
    assert "2 goals match" in html and "Grow APAC" in html and cast.oper.title in html
