"""A goal's copy score (apps.goals.similarity) is computed when its title, its parent or its parent's title changes,
and stored: every writer of goals stores it, so the report never computes one."""

import importlib
from datetime import date
from difflib import SequenceMatcher

import pytest
from django.apps import apps

from apps.goals import services
from apps.goals.bulk_create import goals_create_bulk
from apps.goals.carryover import goal_carry_over
from apps.goals.models import Goal, Layer
from apps.goals.similarity import COPY_THRESHOLD, _normal, copy_score, title_similarity
from tests.factories import CycleFactory, GoalFactory, PersonFactory

pytestmark = pytest.mark.django_db


def stored(goal: Goal) -> float | None:
    return Goal.objects.values_list("copy_score", flat=True).get(pk=goal.pk)


@pytest.fixture
def revenue():
    intent = GoalFactory(title="Double revenue")
    trans = GoalFactory(title="Increase revenue by 10%", layer=Layer.TRANSLATIONAL, parent=intent)
    return intent, trans


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("Increase revenue", "Increase revenue by 10%"),
        ("Increase revenue by 1%", "Increase revenue by 10%"),
        ("increase revenue  by 10%", "Increase revenue by 10%"),
        ("GROW   apac", "grow apac"),
        ("Grow sales in APAC by 20 percent", "Grow sales in APAC by 20%"),
        ("Double revenue", "Increase revenue by 10%"),
        ("a", "b"),
        ("", "x"),
    ],
)
def test_the_score_is_difflibs_ratio_on_the_titles_the_suite_uses(child, parent):
    """rapidfuzz replaced difflib: on these titles (the report's and the goal page's) both give the same score."""
    assert title_similarity(child, parent) == pytest.approx(
        SequenceMatcher(None, _normal(child), _normal(parent)).ratio()
    )


def test_the_score_is_never_below_difflibs():
    """An indel ratio counts the longest common subsequence, difflib's the blocks it finds greedily."""
    child, parent = "Hire 3 sales people and ramp each to $6m ARR", "Generate 20% of sales in APAC"
    assert title_similarity(child, parent) > SequenceMatcher(None, _normal(child), _normal(parent)).ratio()


def test_a_new_goal_stores_its_score_against_its_parent(revenue):
    intent, trans = revenue
    child = GoalFactory(title="Increase revenue", layer=Layer.PERSONAL, parent=trans)
    assert stored(child) == pytest.approx(0.8205, abs=1e-4)
    assert stored(trans) == title_similarity("Increase revenue by 10%", "Double revenue")
    assert stored(intent) is None  # no parent, no score


def test_a_title_change_updates_the_score_of_the_goal_and_of_its_children(revenue):
    intent, trans = revenue
    child = GoalFactory(title="Grow revenue in APAC", layer=Layer.OPERATIONAL, parent=trans)
    other = GoalFactory(title="Hire a lead", layer=Layer.PERSONAL, parent=trans)
    services.goal_update(actor=None, goal=trans, title="Grow revenue in APAC")
    assert stored(trans) == title_similarity("Grow revenue in APAC", "Double revenue")
    assert stored(child) == 1.0
    assert stored(other) == title_similarity("Hire a lead", "Grow revenue in APAC")
    assert stored(intent) is None


def test_a_move_scores_the_goal_against_its_new_parent(revenue):
    intent, trans = revenue
    other = GoalFactory(title="Enter Asia", layer=Layer.TRANSLATIONAL, parent=intent)
    child = GoalFactory(title="Enter Asia", layer=Layer.PERSONAL, parent=trans)
    services.goal_move(actor=None, goal=child, parent=other)
    assert stored(child) == 1.0
    services.goal_move(actor=None, goal=child, parent=None)
    assert stored(child) is None


def test_goals_created_in_bulk_store_their_score(revenue):
    _, trans = revenue
    owners = [(person, person.unit) for person in (PersonFactory(unit=trans.unit), PersonFactory(unit=trans.unit))]
    goals = goals_create_bulk(
        actor=None, title="Increase revenue", layer=Layer.PERSONAL, cycle=trans.cycle, owners=owners, parent=trans
    )
    assert [stored(goal) for goal in goals] == [pytest.approx(0.8205, abs=1e-4)] * 2


def test_a_carried_over_goal_stores_its_score():
    from tests.cast import build_cast

    cast = build_cast()
    q1 = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    q2 = CycleFactory(name="2027-Q2", start=date(2027, 4, 1), end=date(2027, 6, 30), parent=cast.year)
    trans = GoalFactory(
        title=cast.intent.title + " in Q1", layer=Layer.TRANSLATIONAL, parent=cast.intent, cycle=q1, unit=cast.sales
    )
    GoalFactory(title=trans.title, layer=Layer.OPERATIONAL, parent=trans, unit=cast.team, owner=cast.manager)
    copy = goal_carry_over(actor=cast.leader, goal=trans, cycle=q2)
    assert stored(copy) == title_similarity(trans.title, cast.intent.title)
    assert [g.copy_score for g in Goal.objects.filter(parent=copy)] == [1.0]


def test_the_migration_backfills_every_goal_with_a_parent(revenue):
    intent, trans = revenue
    child = GoalFactory(title="Increase revenue", layer=Layer.PERSONAL, parent=trans)
    Goal.objects.update(copy_score=None)
    importlib.import_module("apps.goals.migrations.0013_goal_copy_score").backfill(apps, None)
    assert [stored(goal) for goal in (intent, trans, child)] == [
        None,
        copy_score(trans.title, intent.title),
        copy_score(child.title, trans.title),
    ]
    assert stored(child) >= COPY_THRESHOLD
