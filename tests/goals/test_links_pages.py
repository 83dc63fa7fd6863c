"""Links on the pages: the goal page's sections, adding one with the picker, removing one, the strategy map."""

import pytest
from django.urls import reverse

from apps.goals import links
from apps.goals.models import GoalLink, Layer
from tests.factories import GoalFactory
from tests.goals.test_pages import Pages, detail

CONTRIBUTES, SUPPORTS = GoalLink.Kind.CONTRIBUTES, GoalLink.Kind.SUPPORTS


@pytest.fixture
def page(client, cast):
    return Pages(client, cast)


@pytest.fixture
def cast(db):
    from tests.cast import build_cast

    return build_cast()


@pytest.fixture
def second_intent(cast):
    return GoalFactory(
        title="Delight customers", layer=Layer.INTENT, cycle=cast.year, unit=cast.company, owner=cast.leader
    )


def make(source, target, kind=CONTRIBUTES, weight=1.0):
    return links.link_create(actor=None, source=source, target=target, kind=kind, weight=weight)


def links_section(response) -> str:
    return response.content.decode().split('id="links"')[1].split("</section>")[0]


def test_goal_page_shows_what_the_goal_also_contributes_to_with_its_weight(page, cast, second_intent):
    make(cast.trans, second_intent, weight=2)
    section = links_section(page("manager", detail(cast.trans)))
    assert "Also contributes to" in section
    assert "Delight customers" in section and "weight 2" in section
    assert detail(second_intent) in section


def test_goal_page_shows_what_the_goal_also_supports(page, cast, second_intent):
    make(cast.trans, second_intent, kind=SUPPORTS)
    section = links_section(page("manager", detail(cast.trans)))
    assert "Also supports" in section and "Also contributes to" not in section


def test_target_page_shows_contributions_from_other_goals(page, cast, second_intent):
    make(cast.trans, second_intent)
    section = links_section(page("leader", detail(second_intent)))
    assert "Contributions from other goals" in section and "Grow APAC" in section


def test_goal_page_leaves_out_links_to_goals_the_viewer_may_not_see(page, cast):
    make(cast.personal, cast.other_trans, kind=SUPPORTS)  # the employee's personal goal
    section = links_section(page("other_employee", detail(cast.other_trans)))
    assert "Close my first deal" not in section


def test_goal_page_offers_the_link_form_only_to_who_may_change_the_goal(page, cast):
    assert reverse("goals:link-add", args=[cast.trans.pk]) in links_section(page("manager", detail(cast.trans)))
    assert reverse("goals:link-add", args=[cast.trans.pk]) not in links_section(page("employee", detail(cast.trans)))


def test_manager_adds_a_contributes_link_through_the_form(page, cast, second_intent):
    url = reverse("goals:link-add", args=[cast.trans.pk])
    assert "Delight customers" in page("manager", url + "?kind=contributes").content.decode()
    response = page("manager", url, {"kind": CONTRIBUTES, "parent": second_intent.pk, "weight": "1.5"})
    assert response.status_code == 302
    link = GoalLink.objects.get()
    assert (link.source_id, link.target_id, link.kind, link.weight) == (
        cast.trans.pk,
        second_intent.pk,
        CONTRIBUTES,
        1.5,
    )


def test_a_refused_link_shows_the_rule_next_to_the_goal_field(page, cast):
    url = reverse("goals:link-add", args=[cast.trans.pk])
    response = page("manager", url, {"kind": CONTRIBUTES, "parent": cast.intent.pk, "weight": "1"})
    assert response.status_code == 200
    assert "its own ancestors" in response.content.decode()
    assert not GoalLink.objects.exists()


def test_a_negative_weight_is_a_form_error(page, cast, second_intent):
    url = reverse("goals:link-add", args=[cast.trans.pk])
    response = page("manager", url, {"kind": CONTRIBUTES, "parent": second_intent.pk, "weight": "-1"})
    assert response.status_code == 200 and not GoalLink.objects.exists()


def test_employee_may_not_link_a_team_goal(page, cast):
    assert page("employee", reverse("goals:link-add", args=[cast.trans.pk])).status_code == 403


def test_remove_asks_first_then_removes(page, cast, second_intent):
    link = make(cast.trans, second_intent)
    url = reverse("goals:link-remove", args=[link.pk])
    confirm = page("manager", url).content.decode()
    assert "Remove the link?" in confirm and "no longer counts" in confirm
    assert GoalLink.objects.filter(pk=link.pk).exists()
    assert page("manager", url, {"next": detail(cast.trans)}).status_code == 302
    assert not GoalLink.objects.filter(pk=link.pk).exists()


def test_employee_may_not_remove_a_link_of_a_team_goal(page, cast, second_intent):
    link = make(cast.trans, second_intent)
    assert page("employee", reverse("goals:link-remove", args=[link.pk]), {}).status_code == 403
    assert GoalLink.objects.filter(pk=link.pk).exists()


def test_a_link_of_goals_the_viewer_may_not_see_is_not_found(page, cast):
    link = make(cast.other_personal, cast.trans, kind=SUPPORTS)
    assert page("manager", reverse("goals:link-remove", args=[link.pk])).status_code == 404


def test_the_picker_finds_goals_to_link_to(page, cast, second_intent):
    url = reverse("goals:parent-options") + f"?for=link&goal={cast.trans.pk}&parent_q=delight"
    assert "Delight customers" in page("manager", url).content.decode()


def test_the_map_shows_a_goals_links_on_its_row(page, cast, second_intent):
    make(cast.trans, second_intent)
    children = reverse("goals:map-children", args=[cast.intent.pk])
    text = page("employee", children, HTTP_HX_REQUEST="true").content.decode()
    assert "also contributes to" in text and "Delight customers" in text


def test_the_map_reads_every_rows_links_in_one_query(page, cast, second_intent, django_assert_max_num_queries):
    for n in range(12):
        goal = GoalFactory(
            layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.team, owner=cast.manager, title=f"T{n}"
        )
        make(goal, second_intent, kind=SUPPORTS)
    children = reverse("goals:map-children", args=[cast.intent.pk])
    page.login("employee")
    with django_assert_max_num_queries(10):  # as tests/goals/test_pages.py pins the map's children
        text = page("employee", children, HTTP_HX_REQUEST="true").content.decode()
    assert text.count("also supports") == 12


def test_the_goal_page_costs_the_same_whatever_its_links(page, cast, second_intent, django_assert_max_num_queries):
    for n in range(8):
        goal = GoalFactory(
            layer=Layer.TRANSLATIONAL, parent=cast.intent, unit=cast.team, owner=cast.manager, title=f"T{n}"
        )
        make(goal, second_intent)
        make(GoalFactory(layer=Layer.PERSONAL, parent=goal, owner=cast.employee, unit=cast.team), second_intent)
    page.login("leader")
    with django_assert_max_num_queries(15 + 1 + 1 + 1):  # as tests/goals/test_pages.py pins the goal page
        text = page("leader", detail(second_intent)).content.decode()
    assert text.count("contributes, weight 1") == 16
