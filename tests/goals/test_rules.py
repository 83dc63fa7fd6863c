"""Each cascade rule, through the services: a clear error naming the field, and nothing changed."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.core.models import ObjectChange
from apps.goals import services
from apps.goals.models import Goal, Layer, Metric
from tests.factories import CycleFactory, GoalFactory, cascade


def assert_rejected(field: str, words: str, call, *args, **kwargs):
    goals_before = list(Goal.objects.order_by("pk").values())
    changes_before = ObjectChange.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        call(*args, **kwargs)
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    assert words in " ".join(excinfo.value.message_dict[field])
    assert list(Goal.objects.order_by("pk").values()) == goals_before
    assert ObjectChange.objects.count() == changes_before


def create(**kwargs):
    return services.goal_create(actor=None, **kwargs)


@pytest.fixture
def intent(db, year, company, leader):
    return GoalFactory(layer=Layer.INTENT, cycle=year, unit=company, owner=leader)


def fields_of(goal, **overrides):
    return {"title": "New", "cycle": goal.cycle, "unit": goal.unit, "owner": goal.owner, **overrides}


def test_intent_cannot_have_a_parent(intent):
    assert_rejected("parent", "root of the cascade", create, layer=Layer.INTENT, parent=intent, **fields_of(intent))


@pytest.mark.parametrize("layer", [Layer.TRANSLATIONAL, Layer.OPERATIONAL])
def test_translational_and_operational_goals_need_a_parent(intent, layer):
    assert_rejected("parent", "always has a parent", create, layer=layer, parent=None, **fields_of(intent))


def test_operational_cannot_sit_directly_under_intent(intent):
    assert_rejected(
        "parent", "Layers never go upward", create, layer=Layer.OPERATIONAL, parent=intent, **fields_of(intent)
    )


def test_translational_cannot_sit_under_operational(intent):
    _, _, operational, _ = cascade(cycle=intent.cycle)
    assert_rejected(
        "parent", "Layers never go upward", create, layer=Layer.TRANSLATIONAL, parent=operational, **fields_of(intent)
    )


def test_personal_goals_are_leaves(intent):
    personal = GoalFactory(layer=Layer.PERSONAL, parent=intent)
    assert_rejected(
        "parent", "Layers never go upward", create, layer=Layer.PERSONAL, parent=personal, **fields_of(intent)
    )


def test_personal_goal_may_stand_alone(intent):
    goal = create(layer=Layer.PERSONAL, parent=None, **fields_of(intent))
    assert goal.parent is None and goal.tree_parent is None


@pytest.mark.parametrize("layer", [Layer.TRANSLATIONAL, Layer.OPERATIONAL, Layer.PERSONAL])
def test_allowed_layer_pairs_are_accepted(intent, layer):
    translational = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
    parent = intent if layer != Layer.OPERATIONAL else translational
    assert create(layer=layer, parent=parent, **fields_of(intent)).parent == parent


def test_child_may_run_in_a_cycle_inside_its_parents(intent, quarter):
    goal = create(layer=Layer.TRANSLATIONAL, parent=intent, **fields_of(intent, cycle=quarter))
    assert goal.cycle == quarter


def test_child_cycle_outside_parents_is_rejected(intent):
    other_year = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    assert_rejected(
        "cycle", "inside it", create, layer=Layer.TRANSLATIONAL, parent=intent, **fields_of(intent, cycle=other_year)
    )


def test_annual_goal_cannot_sit_under_a_quarterly_one(intent, quarter, year):
    quarterly = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent, cycle=quarter)
    assert_rejected(
        "cycle", "inside it", create, layer=Layer.TRANSLATIONAL, parent=quarterly, **fields_of(intent, cycle=year)
    )


def test_goal_cannot_move_under_itself(intent):
    translational = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
    assert_rejected(
        "parent",
        "under itself or one of its descendants",
        services.goal_move,
        actor=None,
        goal=translational,
        parent=translational,
    )


def test_goal_cannot_move_under_its_descendant(intent):
    upper = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
    middle = GoalFactory(layer=Layer.TRANSLATIONAL, parent=upper)
    lower = GoalFactory(layer=Layer.TRANSLATIONAL, parent=middle)
    assert_rejected(
        "parent", "under itself or one of its descendants", services.goal_move, actor=None, goal=upper, parent=lower
    )


def test_move_checks_layers_too(intent):
    _, translational, operational, _ = cascade(cycle=intent.cycle)
    assert_rejected(
        "parent", "Layers never go upward", services.goal_move, actor=None, goal=translational, parent=operational
    )


def test_cycle_change_must_keep_children_inside(intent, quarter, year):
    translational = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent, cycle=year)
    GoalFactory(layer=Layer.TRANSLATIONAL, parent=translational, cycle=year)
    assert_rejected("cycle", "not inside", services.goal_update, actor=None, goal=translational, cycle=quarter)


def test_layer_is_fixed_after_creation(intent):
    assert_rejected("layer", "fixed", services.goal_update, actor=None, goal=intent, layer=Layer.PERSONAL)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("weight", -1, "zero or more"),
        ("weight", "heavy", "zero or more"),
        ("manual_progress", 1.5, "between 0 and 1"),
        ("status", "done", "Unknown value"),
        ("progress_source", "magic", "Unknown value"),
        ("title", "  ", "title"),
    ],
)
def test_bad_field_values_are_rejected(intent, field, value, words):
    assert_rejected(field, words, services.goal_update, actor=None, goal=intent, **{field: value})


def test_identity_belongs_to_personal_goals_only(intent):
    assert_rejected(
        "identity",
        "personal goal",
        create,
        layer=Layer.TRANSLATIONAL,
        parent=intent,
        identity="A leader",
        **fields_of(intent),
    )


def test_cannot_link_under_an_archived_goal(intent):
    translational = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
    services.goal_archive(actor=None, goal=translational)
    assert_rejected("parent", "archived", create, layer=Layer.PERSONAL, parent=translational, **fields_of(intent))


def test_archiving_a_goal_with_live_children_is_refused(intent):
    GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
    assert_rejected("non_field_errors", "archive or move them first", services.goal_archive, actor=None, goal=intent)


@pytest.mark.parametrize(
    ("metric", "field"),
    [
        ({"name": "Revenue", "start": "lots", "target": 10}, "metric_start"),
        ({"name": "  ", "start": 0, "target": 10}, "metric_name"),
        ({"name": "Revenue", "start": 0, "target": 10, "weight": -1}, "metric_weight"),
    ],
)
def test_goal_with_a_refused_first_metric_is_not_created(db, metric, field):
    parent = GoalFactory(layer=Layer.INTENT)
    before = Goal.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.goal_create_with_metric(
            actor=None,
            metric=metric,
            title="Sell in APAC",
            layer=Layer.TRANSLATIONAL,
            parent=parent,
            cycle=parent.cycle,
            unit=parent.unit,
            owner=parent.owner,
        )
    assert field in refused.value.message_dict
    assert Goal.objects.count() == before
    assert not Metric.objects.exists()


def test_goal_with_its_first_metric_is_created_with_both(db):
    parent = GoalFactory(layer=Layer.INTENT)
    goal = services.goal_create_with_metric(
        actor=None,
        metric={"name": "ARR", "start": 0, "target": 6},
        title="Sell in APAC",
        layer=Layer.TRANSLATIONAL,
        parent=parent,
        cycle=parent.cycle,
        unit=parent.unit,
        owner=parent.owner,
    )
    assert goal.metrics.get().name == "ARR"
