"""Closing a cycle: every goal that ran in it is reviewed or carried over (cycles.services, reviews.closing)."""

import pytest
from django.core.exceptions import ValidationError

from apps.core.history import history_of
from apps.cycles import services
from apps.cycles.models import Cycle
from apps.goals import services as goal_services
from apps.goals.carryover import goal_carry_over
from apps.goals.models import Goal, GoalStatus
from apps.reviews import closing
from apps.reviews import services as review_services
from apps.reviews.models import Review


def _review(goal):
    goal = Goal.objects.get(pk=goal.pk)
    return review_services.review_save(actor=goal.owner, goal=goal, relevance=Review.Relevance.SUPPORTED)


def _status(cycle):
    return Cycle.objects.get(pk=cycle.pk).status


def test_a_cycle_with_goals_not_reviewed_stays_open_and_says_which(cast, quarters):
    with pytest.raises(ValidationError) as refused:
        services.cycle_close(actor=cast.leader, cycle=quarters["q1"])

    message = refused.value.message_dict["non_field_errors"][0]
    assert message.startswith("4 goals are neither reviewed nor carried over: “Open Jakarta”")
    assert "and 1 more" in message
    assert _status(quarters["q1"]) == Cycle.Status.ACTIVE


def test_a_cycle_closes_once_every_goal_is_reviewed_or_carried_over(cast, quarters):
    _review(quarters["done"])
    goal_carry_over(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])

    cycle = services.cycle_close(actor=cast.leader, cycle=quarters["q1"])

    assert cycle.status == _status(quarters["q1"]) == Cycle.Status.CLOSED
    assert history_of(cycle).order_by("pk").last().changes == {"status": ["active", "closed"]}


def test_reviewed_goals_count_as_done(cast, quarters):
    for name in ("trans", "oper", "personal", "done"):
        _review(quarters[name])
    assert services.cycle_close(actor=cast.leader, cycle=quarters["q1"]).status == Cycle.Status.CLOSED


def test_drafts_cancelled_and_archived_goals_need_no_review(cast, quarters):
    _review(quarters["done"])
    goal_services.goal_update(actor=None, goal=quarters["trans"], status=GoalStatus.CANCELLED)
    goal_services.goal_update(actor=None, goal=quarters["oper"], status=GoalStatus.DRAFT)
    goal_services.goal_archive(actor=None, goal=quarters["personal"])

    assert services.cycle_close(actor=cast.leader, cycle=quarters["q1"]).status == Cycle.Status.CLOSED


def test_a_missed_goal_needs_a_review(cast, quarters):
    for name in ("trans", "oper", "personal"):
        _review(quarters[name])
    goal_services.goal_update(actor=None, goal=quarters["done"], status=GoalStatus.MISSED)
    with pytest.raises(ValidationError) as refused:
        services.cycle_close(actor=cast.leader, cycle=quarters["q1"])
    assert "1 goal is neither reviewed nor carried over: “Find an office”" in str(refused.value)


def test_a_carry_over_that_was_archived_no_longer_counts(cast, quarters):
    _review(quarters["done"])
    copy = goal_carry_over(actor=cast.leader, goal=quarters["personal"], cycle=quarters["q2"])
    goal_services.goal_archive(actor=None, goal=copy)
    assert "Learn Bahasa" in " ".join(closing.close_problems(quarters["q1"]))


def test_closing_through_a_status_change_runs_the_same_check(cast, quarters):
    with pytest.raises(ValidationError) as refused:
        services.cycle_update(actor=cast.hr, cycle=quarters["q1"], status=Cycle.Status.CLOSED)
    assert "neither reviewed nor carried over" in refused.value.message_dict["status"][0]
    assert _status(quarters["q1"]) == Cycle.Status.ACTIVE


def test_other_changes_to_a_cycle_with_open_reviews_go_through(cast, quarters):
    services.cycle_update(actor=cast.hr, cycle=quarters["q1"], name="2027 first quarter")
    assert Cycle.objects.get(pk=quarters["q1"].pk).name == "2027 first quarter"


def test_closing_a_closed_cycle_changes_nothing(cast, quarters):
    Cycle.objects.filter(pk=quarters["q2"].pk).update(status=Cycle.Status.CLOSED)
    assert services.cycle_close(actor=cast.leader, cycle=quarters["q2"]).status == Cycle.Status.CLOSED
    assert not history_of(quarters["q2"]).filter(changes__has_key="status").exists()


def test_the_goals_of_inner_cycles_do_not_hold_up_the_outer_one(cast, quarters):
    for name in ("intent", "trans", "other_trans", "oper", "personal", "other_personal"):
        _review(cast.goal(name))
    assert services.cycle_close(actor=cast.leader, cycle=cast.year).status == Cycle.Status.CLOSED


def test_close_progress_counts_reviewed_carried_and_missing(cast, quarters):
    _review(quarters["done"])
    goal_carry_over(actor=cast.leader, goal=quarters["oper"].parent, cycle=quarters["q2"])
    _review(quarters["personal"])  # reviewed and carried: counts as reviewed
    assert closing.close_progress(quarters["q1"]) == closing.CloseProgress(total=4, reviewed=2, carried=2, missing=0)
