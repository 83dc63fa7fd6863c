"""Links between goals (apps.goals.links): one test per rule, who may, and what is recorded."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.history import history_of
from apps.core.models import ObjectChange
from apps.goals import links, services
from apps.goals.models import Goal, GoalLink, Layer
from apps.goals.selectors import links_for_goals, links_visible_to
from tests.cast import build_cast
from tests.factories import CycleFactory, GoalFactory, cascade

CONTRIBUTES, SUPPORTS = GoalLink.Kind.CONTRIBUTES, GoalLink.Kind.SUPPORTS


@pytest.fixture
def two_intents(db):
    """Two intents with a translational goal each: a and b may be linked either way."""
    a_intent, a = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL))
    b_intent, b = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL), cycle=a.cycle)
    return a_intent, a, b_intent, b


def link(source, target, kind=CONTRIBUTES, weight=1.0, actor=None):
    return links.link_create(actor=actor, source=source, target=target, kind=kind, weight=weight)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_a_link_is_created_with_its_kind_and_weight(two_intents):
    _, a, b_intent, _ = two_intents
    created = link(a, b_intent, weight=2.5)
    assert (created.source_id, created.target_id, created.kind, created.weight) == (a.pk, b_intent.pk, CONTRIBUTES, 2.5)


def test_a_goal_cannot_be_linked_to_itself(two_intents):
    _, a, _, _ = two_intents
    with pytest.raises(ValidationError) as exc:
        link(a, a)
    assert "itself" in errors_of(exc)["target"][0]


def test_a_goal_cannot_be_linked_to_its_ancestor(two_intents):
    a_intent, a, _, _ = two_intents
    with pytest.raises(ValidationError) as exc:
        link(a, a_intent)
    assert "ancestors" in errors_of(exc)["target"][0]


def test_a_personal_goal_cannot_be_linked_to_its_ancestor(db):
    intent, _, oper, personal = cascade()
    with pytest.raises(ValidationError) as exc:
        link(personal, intent)
    assert "ancestors" in errors_of(exc)["target"][0]
    with pytest.raises(ValidationError):
        link(personal, oper)


def test_a_goal_cannot_be_linked_to_its_descendant(db):
    intent, trans, _, personal = cascade()
    with pytest.raises(ValidationError) as exc:
        link(trans, personal, kind=SUPPORTS)
    assert "descendants" in errors_of(exc)["target"][0]
    with pytest.raises(ValidationError):
        link(intent, trans)


def test_a_pair_is_linked_once(two_intents):
    _, a, _, b = two_intents
    link(a, b)
    with pytest.raises(ValidationError) as exc:
        link(a, b, kind=SUPPORTS)
    assert "already" in errors_of(exc)["target"][0]


def test_the_reverse_pair_is_refused_as_a_loop(two_intents):
    _, a, _, b = two_intents
    link(a, b, kind=SUPPORTS)
    with pytest.raises(ValidationError) as exc:
        link(b, a)
    assert "loop" in errors_of(exc)["target"][0]


def test_a_link_cannot_close_a_loop_through_other_links(two_intents):
    _, a, _, b = two_intents
    _, c = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL), cycle=a.cycle)
    link(a, b)
    link(b, c, kind=SUPPORTS)
    with pytest.raises(ValidationError) as exc:
        link(c, a)
    assert "loop" in errors_of(exc)["target"][0]


def test_a_link_cannot_close_a_loop_through_a_parent_and_a_link(two_intents):
    # b → a personal goal under a would make b feed a (through the parent), and a already feeds b.
    _, a, _, b = two_intents
    below_a = GoalFactory(layer=Layer.PERSONAL, parent=a)
    link(a, b)
    with pytest.raises(ValidationError) as exc:
        link(b, below_a, kind=SUPPORTS)
    assert "loop" in errors_of(exc)["target"][0]


@pytest.mark.parametrize("weight", [-1, float("nan"), float("inf"), "1", None, True])
def test_a_link_weight_is_a_finite_number_of_zero_or_more(two_intents, weight):
    _, a, _, b = two_intents
    with pytest.raises(ValidationError) as exc:
        link(a, b, weight=weight)
    assert "weight" in errors_of(exc)
    assert not GoalLink.objects.exists()


def test_a_link_kind_is_a_known_choice(two_intents):
    _, a, _, b = two_intents
    with pytest.raises(ValidationError) as exc:
        link(a, b, kind="blocks")
    assert "kind" in errors_of(exc)


def test_an_archived_source_cannot_be_linked(two_intents):
    _, a, _, b = two_intents
    services.goal_archive(actor=None, goal=a)
    with pytest.raises(ValidationError) as exc:
        link(a, b)
    assert "archived" in errors_of(exc)["source"][0]


def test_an_archived_target_cannot_be_linked_to(two_intents):
    _, a, _, b = two_intents
    services.goal_archive(actor=None, goal=b)
    with pytest.raises(ValidationError) as exc:
        link(a, b)
    assert "archived" in errors_of(exc)["target"][0]


def test_the_targets_cycle_must_contain_the_sources_cycle(two_intents):
    _, a, _, _ = two_intents
    other_year = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    (elsewhere,) = cascade(depth_layers=(Layer.INTENT,), cycle=other_year)
    with pytest.raises(ValidationError) as exc:
        link(a, elsewhere)
    assert "cycle" in errors_of(exc)["target"][0]


def test_a_goal_of_a_quarter_may_contribute_to_a_goal_of_its_year(db):
    year = CycleFactory(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    quarter = CycleFactory(name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=year)
    (annual,) = cascade(depth_layers=(Layer.INTENT,), cycle=year)
    (quarterly,) = cascade(depth_layers=(Layer.INTENT,), cycle=quarter)
    assert link(quarterly, annual).target_id == annual.pk


def test_update_changes_kind_and_weight(two_intents):
    _, a, _, b = two_intents
    changed = links.link_update(actor=None, link=link(a, b), kind=SUPPORTS, weight=3)
    assert (changed.kind, changed.weight) == (SUPPORTS, 3.0)


def test_update_cannot_change_a_links_goals(two_intents):
    a_intent, a, _, b = two_intents
    with pytest.raises(ValidationError) as exc:
        links.link_update(actor=None, link=link(a, b), target=a_intent)
    assert "target" in errors_of(exc)


def test_update_checks_the_weight(two_intents):
    _, a, _, b = two_intents
    with pytest.raises(ValidationError) as exc:
        links.link_update(actor=None, link=link(a, b), weight=-2)
    assert "weight" in errors_of(exc)


def test_every_change_to_a_link_is_recorded(two_intents):
    _, a, _, b = two_intents
    created = link(a, b)
    links.link_update(actor=None, link=created, weight=2)
    links.link_delete(actor=None, link=created)
    assert not GoalLink.objects.exists()
    entries = list(history_of(created).order_by("id"))
    assert [entry.action for entry in entries] == [
        ObjectChange.Action.CREATE,
        ObjectChange.Action.UPDATE,
        ObjectChange.Action.ARCHIVE,
    ]
    assert entries[0].changes["target"] == [None, b.pk]
    assert entries[1].changes == {"weight": [1.0, 2.0]}
    assert entries[2].changes["kind"] == [CONTRIBUTES, None]


# --- Who may ------------------------------------------------------------------------------------------------


@pytest.fixture
def cast(db):
    return build_cast()


def test_manager_links_their_team_goal_to_another_intent(cast):
    (other_intent,) = cascade(depth_layers=(Layer.INTENT,), cycle=cast.year, owner=cast.leader)
    created = link(cast.trans, other_intent, actor=cast.manager)
    assert created.created_by_id == cast.manager.pk


def test_employee_cannot_link_a_team_goal_they_may_not_change(cast):
    with pytest.raises(PermissionDenied):
        link(cast.trans, cast.other_trans, actor=cast.employee)


def test_nobody_links_to_a_goal_they_may_not_see(cast):
    # The manager may change their team goal but does not see another team's personal goal.
    with pytest.raises(PermissionDenied):
        link(cast.trans, cast.other_personal, actor=cast.manager, kind=SUPPORTS)
    assert not GoalLink.objects.exists()


def test_employee_cannot_remove_a_link_from_a_goal_they_may_not_change(cast):
    created = link(cast.trans, cast.other_trans, actor=cast.manager)
    with pytest.raises(PermissionDenied):
        links.link_delete(actor=cast.employee, link=created)
    assert GoalLink.objects.filter(pk=created.pk).exists()


def test_links_visible_to_leaves_out_links_to_goals_the_person_may_not_see(cast):
    visible = link(cast.trans, cast.other_trans)
    hidden = link(cast.personal, cast.other_trans, kind=SUPPORTS)  # the employee's personal goal
    assert set(links_visible_to(cast.other_employee)) == {visible}
    assert set(links_visible_to(cast.manager)) == {visible, hidden}


def test_links_for_goals_finds_links_by_either_end_in_one_query(cast, django_assert_num_queries):
    out = link(cast.trans, cast.other_trans)
    into = link(cast.personal, cast.other_trans, kind=SUPPORTS)
    with django_assert_num_queries(1):
        found = links_for_goals([cast.other_trans.pk])
        assert [(found_link.source.title, found_link.target.title) for found_link in found] == [
            (out.source.title, out.target.title),
            (into.source.title, into.target.title),
        ]


def test_a_move_cannot_close_a_loop_through_a_link(two_intents):
    # a contributes to b: b moved under a would feed a (its parent), which feeds b.
    _, a, _, b = two_intents
    link(a, b)
    with pytest.raises(ValidationError) as exc:
        services.goal_move(actor=None, goal=b, parent=a)
    assert "loop" in errors_of(exc)["parent"][0]


def test_a_move_that_closes_no_loop_is_left_to_the_cascade_rules(two_intents):
    a_intent, a, _, b = two_intents
    link(a, b)
    moved = services.goal_move(actor=None, goal=b, parent=a_intent)
    assert moved.parent_id == a_intent.pk


def test_a_goals_cycle_cannot_leave_the_cycle_of_the_goal_it_contributes_to(db):
    year = CycleFactory(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    next_year = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    (annual,) = cascade(depth_layers=(Layer.INTENT,), cycle=year)
    (source,) = cascade(depth_layers=(Layer.INTENT,), cycle=year)
    link(source, annual)
    with pytest.raises(ValidationError) as exc:
        services.goal_update(actor=None, goal=source, cycle=next_year)
    assert "linked to" in errors_of(exc)["cycle"][0]


def test_a_linked_to_goals_cycle_must_keep_containing_its_sources(db):
    year = CycleFactory(name="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    quarter = CycleFactory(name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=year)
    (target,) = cascade(depth_layers=(Layer.INTENT,), cycle=year)
    (source,) = cascade(depth_layers=(Layer.INTENT,), cycle=year)
    link(source, target)
    with pytest.raises(ValidationError) as exc:
        services.goal_update(actor=None, goal=target, cycle=quarter)
    assert "is linked to this goal" in errors_of(exc)["cycle"][0]
    assert services.goal_update(actor=None, goal=source, cycle=quarter).cycle_id == quarter.pk


def test_a_move_cannot_put_a_goal_under_a_goal_it_is_linked_to(two_intents):
    a_intent, a, _, b = two_intents
    link(a, b)
    with pytest.raises(ValidationError) as exc:
        services.goal_move(actor=None, goal=a, parent=b)
    assert "ancestors" in errors_of(exc)["parent"][0]
    assert Goal.objects.get(pk=a.pk).parent_id == a_intent.pk


def test_a_move_cannot_put_a_linked_goal_under_what_links_to_it_below_the_moved_goal(two_intents):
    # b links to a personal goal under a; moving a under b would make b its ancestor.
    _, a, _, b = two_intents
    below_a = GoalFactory(layer=Layer.PERSONAL, parent=a)
    link(below_a, b, kind=SUPPORTS)
    with pytest.raises(ValidationError) as exc:
        services.goal_move(actor=None, goal=a, parent=b)
    assert "ancestors" in errors_of(exc)["parent"][0]
