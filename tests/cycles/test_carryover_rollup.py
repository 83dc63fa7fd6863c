"""A carried goal counts once: DESIGN.md "Progress" with carry-over (apps.goals.rollup)."""

import pytest

from apps.goals import dirty, rollup
from apps.goals.carryover import goal_carry_over
from apps.goals.models import Goal


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
