"""A carried goal counts once: DESIGN.md "Progress" with carry-over (apps.goals.rollup)."""

import pytest

from apps.goals import dirty, links, rollup
from apps.goals.carryover import goal_carry_over
from apps.goals.models import Goal, GoalLink, Layer
from tests.factories import GoalFactory


def _figures(*goals):
    return {g.pk: Goal.objects.values_list("progress", "rollup_progress").get(pk=g.pk) for g in goals}


def _settle():
    dirty.drain()


def test_a_goal_carried_under_the_same_parent_counts_there_once(cast, quarters):
    _settle()
    counted_before = rollup._input_rows([cast.intent.pk])[cast.intent.pk]
    copy = goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    _settle()

    counted = {pk for pk, *_ in rollup._input_rows([cast.intent.pk])[cast.intent.pk]}
    assert copy.pk in counted and quarters["trans"].pk not in counted
    assert len(counted) == len(counted_before)


def test_the_earlier_cycles_goals_keep_their_figures(cast, quarters):
    _settle()
    before = _figures(quarters["trans"], quarters["oper"])
    goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    _settle()
    assert _figures(quarters["trans"], quarters["oper"]) == before


def test_the_full_recompute_agrees_with_the_incremental_path_after_a_carry_over(cast, quarters):
    goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    _settle()
    incremental = dict(Goal.objects.values_list("pk", "progress"))
    Goal.objects.update(progress=0.5, rollup_progress=None)
    rollup.recompute_all()
    assert dict(Goal.objects.values_list("pk", "progress")) == pytest.approx(incremental)


# --- Links travel with the carried goal ------------------------------------------------------------------------------


@pytest.fixture
def second_intent(cast):
    return GoalFactory(
        title="Delight customers", layer=Layer.INTENT, cycle=cast.year, unit=cast.company, owner=cast.leader
    )


def _contributors(goal):
    return {pk for pk, *_ in rollup._input_rows([goal.pk])[goal.pk]}


def test_a_carried_goal_keeps_contributing_to_a_goal_of_the_containing_cycle(cast, quarters, second_intent):
    links.link_create(actor=None, source=quarters["trans"], target=second_intent, kind="contributes", weight=2)
    copy = goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    carried = GoalLink.objects.get(source=copy)
    assert (carried.target_id, carried.kind, carried.weight) == (second_intent.pk, "contributes", 2)


def test_the_target_counts_the_carried_contribution_once(cast, quarters, second_intent):
    links.link_create(actor=None, source=quarters["trans"], target=second_intent, kind="contributes")
    copy = goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    assert _contributors(second_intent) == {copy.pk}


def test_a_link_to_a_goal_of_the_earlier_cycle_alone_stays_behind(cast, quarters):
    q1_only = GoalFactory(
        title="Q1 hiring push", layer=Layer.TRANSLATIONAL, parent=cast.intent, cycle=quarters["q1"], owner=cast.manager
    )
    links.link_create(actor=None, source=quarters["oper"], target=q1_only, kind="supports")
    copy = goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    assert not GoalLink.objects.filter(source__carried_from__isnull=False).exists()
    assert copy.children.get().carried_from_id == quarters["oper"].pk


def test_the_full_recompute_agrees_after_carrying_a_linked_goal(cast, quarters, second_intent):
    links.link_create(actor=None, source=quarters["oper"], target=second_intent, kind="contributes", weight=3)
    goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    _settle()
    incremental = dict(Goal.objects.values_list("pk", "progress"))
    Goal.objects.update(progress=0.5, rollup_progress=None)
    rollup.recompute_all()
    assert dict(Goal.objects.values_list("pk", "progress")) == pytest.approx(incremental)
