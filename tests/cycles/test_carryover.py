"""apps.goals.carryover: unfinished work continues in the next cycle, its open subtree with it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.history import history_of
from apps.cycles.models import Cycle
from apps.goals import services as goal_services
from apps.goals import tree
from apps.goals.carryover import goal_carry_over
from apps.goals.models import Goal, GoalStatus, Layer
from tests.factories import CycleFactory, GoalFactory


def _carry(cast, goal, cycle, actor=None):
    return goal_carry_over(actor=actor or cast.leader, goal=goal, cycle=cycle)


def test_a_goal_with_children_cannot_change_cycle_by_an_update(cast, quarters):
    with pytest.raises(ValidationError) as refused:
        goal_services.goal_update(actor=cast.leader, goal=quarters["trans"], cycle=quarters["q2"])
    assert "cycle" in refused.value.message_dict


def test_a_goal_with_children_carries_over_with_its_open_subtree(cast, quarters):
    copy = _carry(cast, quarters["trans"], quarters["q2"])

    carried = Goal.objects.filter(cycle=quarters["q2"]).order_by("pk")
    assert [goal.carried_from_id for goal in carried] == [quarters[name].pk for name in ("trans", "oper", "personal")]
    oper_copy = copy.children.get()
    assert oper_copy.carried_from_id == quarters["oper"].pk
    assert Goal.objects.get(parent=oper_copy).carried_from_id == quarters["personal"].pk


def test_a_finished_child_stays_behind(cast, quarters):
    _carry(cast, quarters["trans"], quarters["q2"])
    assert not Goal.objects.filter(carried_from=quarters["done"]).exists()


def test_the_copy_keeps_owner_unit_layer_texts_weight_and_status(cast, quarters):
    _carry(cast, quarters["trans"], quarters["q2"])
    original = quarters["oper"]
    copy = Goal.objects.get(carried_from=original)
    fields = ("title", "layer", "unit_id", "owner_id", "weight", "status", "description", "progress_source")
    assert {name: getattr(copy, name) for name in fields} == {name: getattr(original, name) for name in fields}


def test_a_personal_goals_reflection_goes_with_it(cast, quarters):
    _carry(cast, quarters["trans"], quarters["q2"])
    assert Goal.objects.get(carried_from=quarters["personal"]).why == "My own why."


def test_the_carried_root_stays_under_the_annual_intent(cast, quarters):
    assert _carry(cast, quarters["trans"], quarters["q2"]).parent_id == cast.intent.pk


def test_metrics_continue_with_their_values_as_they_stand(cast, quarters):
    _carry(cast, quarters["trans"], quarters["q2"])
    metric = Goal.objects.get(carried_from=quarters["oper"]).metrics.get()
    assert (metric.name, metric.start, metric.target, metric.current) == ("Candidates interviewed", 0, 10, 4)
    assert metric.progress == pytest.approx(0.4)


def test_the_originals_stay_in_their_cycle_and_their_history_says_where_they_went(cast, quarters):
    copy = _carry(cast, quarters["trans"], quarters["q2"])
    original = Goal.objects.get(pk=quarters["trans"].pk)
    assert original.cycle_id == quarters["q1"].pk and original.status == GoalStatus.ACTIVE
    assert history_of(original).order_by("pk").last().changes == {"carried_into": [None, copy.pk]}
    assert history_of(copy).get().changes["carried_from"] == [None, original.pk]


def test_the_tree_stays_sound_after_a_carry_over(cast, quarters):
    _carry(cast, quarters["trans"], quarters["q2"])
    assert tree.find_drift() == []


def test_an_archived_goal_is_not_carried_over(cast, quarters):
    goal_services.goal_archive(actor=None, goal=quarters["personal"])
    with pytest.raises(ValidationError) as refused:
        _carry(cast, quarters["personal"], quarters["q2"])
    assert "archived" in refused.value.message_dict["non_field_errors"][0]


def test_a_finished_goal_is_not_carried_over(cast, quarters):
    with pytest.raises(ValidationError) as refused:
        _carry(cast, quarters["done"], quarters["q2"])
    assert "only open goals" in refused.value.message_dict["non_field_errors"][0]


@pytest.mark.parametrize("name", ["q1", "overlapping"])
def test_a_goal_is_carried_into_a_later_cycle_only(cast, quarters, name):
    cycle = quarters.get(name) or CycleFactory(
        name="Feb–Apr", start=date(2027, 2, 1), end=date(2027, 4, 30), parent=cast.year
    )
    with pytest.raises(ValidationError) as refused:
        _carry(cast, quarters["trans"], cycle)
    assert "later cycle" in refused.value.message_dict["cycle"][0]
    assert not Goal.objects.filter(carried_from__isnull=False).exists()


def test_a_goal_is_not_carried_into_a_closed_cycle(cast, quarters):
    Cycle.objects.filter(pk=quarters["q2"].pk).update(status=Cycle.Status.CLOSED)
    with pytest.raises(ValidationError) as refused:
        _carry(cast, quarters["trans"], Cycle.objects.get(pk=quarters["q2"].pk))
    assert "closed" in refused.value.message_dict["cycle"][0]


def test_a_goal_is_carried_over_once(cast, quarters):
    _carry(cast, quarters["trans"], quarters["q2"])
    with pytest.raises(ValidationError) as refused:
        _carry(cast, quarters["trans"], quarters["q2"])
    assert "already" in refused.value.message_dict["cycle"][0]


def test_a_goal_under_a_parent_that_cannot_hold_the_new_cycle_is_refused_naming_the_parent(cast, quarters):
    with pytest.raises(ValidationError) as refused:
        _carry(cast, quarters["oper"], quarters["q2"])
    assert "Open Jakarta" in refused.value.message_dict["cycle"][0]


def test_a_goal_under_a_carried_parent_hangs_under_the_parents_copy(cast, quarters):
    copy = _carry(cast, quarters["trans"], quarters["q2"])
    late = GoalFactory(title="Late starter", layer=Layer.OPERATIONAL, parent=quarters["trans"], owner=cast.employee)
    assert _carry(cast, late, quarters["q2"]).parent_id == copy.pk


def test_a_personal_goal_whose_parent_stays_behind_stands_alone(cast, quarters):
    copy = _carry(cast, quarters["personal"], quarters["q2"], actor=cast.employee)
    assert copy.parent_id is None and copy.cycle_id == quarters["q2"].pk


def test_someone_who_may_not_change_the_goal_cannot_carry_it_over(cast, quarters):
    with pytest.raises(PermissionDenied):
        _carry(cast, quarters["trans"], quarters["q2"], actor=cast.employee)
    assert not Goal.objects.filter(cycle=quarters["q2"]).exists()


def test_an_intent_carries_its_whole_open_cascade_into_the_next_year(cast):
    next_year = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    copy = _carry(cast, cast.intent, next_year)
    carried = set(Goal.objects.filter(cycle=next_year).values_list("carried_from_id", flat=True))
    assert carried == {cast.intent.pk, cast.trans.pk, cast.other_trans.pk, cast.oper.pk} | {
        cast.personal.pk,
        cast.other_personal.pk,
    }
    assert copy.parent_id is None
    assert tree.find_drift() == []


def _queries_to_carry(cast, quarters, title: str, personal_goals: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    trans = GoalFactory(
        title=title,
        layer=Layer.TRANSLATIONAL,
        parent=cast.intent,
        cycle=quarters["q1"],
        unit=cast.team,
        owner=cast.manager,
    )
    oper = GoalFactory(layer=Layer.OPERATIONAL, parent=trans, unit=cast.team, owner=cast.employee)
    for n in range(personal_goals):
        GoalFactory(layer=Layer.PERSONAL, parent=oper, owner=cast.employee, unit=cast.team, title=f"{title} {n}")
    with CaptureQueriesContext(connection) as queries:
        _carry(cast, trans, quarters["q2"])
    return len(queries)


def test_the_personal_goals_of_a_subtree_are_carried_in_a_fixed_number_of_queries(cast, quarters):
    _queries_to_carry(cast, quarters, "Warm-up", 1)  # what the first carry-over reads once (the actor's units…)
    few = _queries_to_carry(cast, quarters, "Few", 2)
    many = _queries_to_carry(cast, quarters, "Many", 20)
    assert many == few
