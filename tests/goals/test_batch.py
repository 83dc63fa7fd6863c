"""The batch check-in service (apps.goals.batch): all or nothing, one rollup, the single services' rules."""

from decimal import Decimal
from unittest import mock

import pytest

from apps.goals import batch, rollup
from apps.goals.batch import MAX_ITEMS, BatchRefused, checkins_record_batch
from apps.goals.models import CheckIn, Goal, Metric, PendingRollup, ProgressSource
from tests.cast import build_cast
from tests.factories import GoalFactory


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def manual_goal(cast):
    """A goal of the employee's without metrics or children: its progress is entered by hand."""
    return GoalFactory(
        title="Mentor a new hire", layer="personal", parent=cast.oper, unit=cast.team, owner=cast.employee
    )


def items_for(cast, manual_goal) -> list[dict]:
    return [
        {"metric": cast.oper_metric.pk, "value": 2, "confidence": 6, "note": "Two signed"},
        {"metric": cast.personal_metric.pk, "value": "250.5", "confidence": 8},
        {"goal": manual_goal.pk, "progress": 0.5, "health": "at_risk", "confidence": 4, "note": "Halfway"},
    ]


def refused(actor, items) -> BatchRefused:
    PendingRollup.objects.all().delete()
    before = CheckIn.objects.count()
    with pytest.raises(BatchRefused) as caught:
        checkins_record_batch(actor=actor, items=items)
    assert CheckIn.objects.count() == before
    assert not PendingRollup.objects.exists()
    return caught.value


def test_it_records_every_item_in_order(cast, manual_goal):
    checkins = checkins_record_batch(actor=cast.employee, items=items_for(cast, manual_goal))
    assert [(c.metric_id, c.goal_id) for c in checkins] == [
        (cast.oper_metric.pk, cast.oper.pk),
        (cast.personal_metric.pk, cast.personal.pk),
        (None, manual_goal.pk),
    ]
    assert Metric.objects.get(pk=cast.personal_metric.pk).current == Decimal("250.5")
    goal = Goal.objects.get(pk=manual_goal.pk)
    assert (goal.manual_progress, goal.health_override) == (0.5, "at_risk")
    assert checkins[0].note == "Two signed" and checkins[1].note == ""


def test_it_marks_each_goal_once_for_one_rollup(cast, manual_goal, django_capture_on_commit_callbacks):
    PendingRollup.objects.all().delete()
    with django_capture_on_commit_callbacks() as callbacks:
        checkins_record_batch(actor=cast.employee, items=items_for(cast, manual_goal))
    marked = sorted(PendingRollup.objects.values_list("goal_id", flat=True))
    assert marked == sorted({cast.oper.pk, cast.personal.pk, manual_goal.pk})
    assert len(callbacks) == 1  # one wake-up, so one drain


def test_the_whole_batch_rolls_up_in_one_pass(cast, manual_goal, commit):
    PendingRollup.objects.all().delete()
    with mock.patch.object(rollup, "recompute_goals", wraps=rollup.recompute_goals) as recompute, commit():
        checkins_record_batch(actor=cast.employee, items=items_for(cast, manual_goal))
    assert recompute.call_count == 1
    assert set(recompute.call_args.args[0]) == {cast.oper.pk, cast.personal.pk, manual_goal.pk}
    assert Goal.objects.get(pk=cast.oper.pk).progress == pytest.approx(2 / 3)
    assert not PendingRollup.objects.exists()


def test_one_bad_item_leaves_nothing_written(cast, manual_goal):
    items = items_for(cast, manual_goal)
    items[1]["value"] = "lots"
    error = refused(cast.employee, items)
    assert error.kind == batch.INVALID
    assert error.items == [{}, {"value": ["Enter a number."]}, {}]
    assert Metric.objects.get(pk=cast.oper_metric.pk).current == 0
    assert Goal.objects.get(pk=manual_goal.pk).manual_progress is None


def test_every_items_faults_are_told_at_once(cast, manual_goal):
    items = items_for(cast, manual_goal)
    items[0]["confidence"] = 11
    items[2]["note"] = "x" * 10_001
    error = refused(cast.employee, items)
    assert error.items[0] == {"confidence": ["Confidence is a whole number from 0 to 10."]}
    assert error.items[1] == {}
    assert "At most 10,000 characters" in error.items[2]["note"][0]


def test_progress_on_a_goal_whose_progress_comes_from_metrics_is_refused(cast):
    error = refused(cast.employee, [{"goal": cast.oper.pk, "progress": 0.9, "confidence": 5}])
    assert "check in on those instead" in error.items[0]["progress"][0]


def test_a_goal_check_in_without_progress_is_fine_on_any_goal(cast):
    [checkin] = checkins_record_batch(actor=cast.employee, items=[{"goal": cast.oper.pk, "confidence": 5}])
    assert checkin.progress is None and checkin.metric_id is None


@pytest.mark.parametrize(
    ("items", "message"),
    [([], "at least one"), ([{}] * (MAX_ITEMS + 1), f"At most {MAX_ITEMS} check-ins"), ({"metric": 1}, "a list")],
)
def test_the_list_itself_is_bounded(cast, items, message):
    error = refused(cast.employee, items)
    assert message in error.message and error.items == []


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ("not an object", "__all__", "is an object"),
        ({"confidence": 5}, "__all__", "either a metric or a goal"),
        ({"metric": 1, "goal": 1, "confidence": 5}, "__all__", "either a metric or a goal"),
        ({"metric": "1", "value": 1, "confidence": 5}, "metric", "whole number"),
        ({"metric": True, "value": 1, "confidence": 5}, "metric", "whole number"),
        ({"goal": 2**70, "confidence": 5}, "goal", "whole number"),
        ({"metric": 1, "confidence": 5}, "value", "required"),
        ({"metric": 1, "value": 1}, "confidence", "required"),
        ({"metric": 1, "value": 1, "confidence": 5, "progress": 0.5}, "progress", "Not part of a check-in on a metric"),
        ({"goal": 1, "value": 1, "confidence": 5}, "value", "Not part of a check-in on a goal"),
    ],
)
def test_each_item_has_the_shape_of_its_kind(cast, item, field, message):
    error = refused(cast.employee, [item])
    assert error.kind == batch.INVALID
    assert message in error.items[0][field][0]


def test_the_same_metric_twice_is_refused_naming_the_first(cast):
    metric = cast.oper_metric.pk
    items = [{"metric": metric, "value": 1, "confidence": 5}, {"metric": metric, "value": 2, "confidence": 5}]
    error = refused(cast.employee, items)
    assert error.items == [{}, {"metric": ["Already checked in on by item 0 of this batch: once per batch."]}]


def test_a_goal_and_one_of_its_metrics_may_go_together(cast):
    items = [
        {"goal": cast.oper.pk, "health": "on_track", "confidence": 5},
        {"metric": cast.oper_metric.pk, "value": 2, "confidence": 6},
    ]
    assert len(checkins_record_batch(actor=cast.employee, items=items)) == 2


def test_a_metric_the_actor_may_not_see_is_not_found_like_one_that_does_not_exist(cast):
    hidden = cast.other_metric.pk  # of another employee's personal goal
    items = [
        {"metric": cast.oper_metric.pk, "value": 1, "confidence": 5},
        {"metric": hidden, "value": 1, "confidence": 5},
        {"metric": 10**12, "value": 1, "confidence": 5},
    ]
    error = refused(cast.employee, items)
    assert error.kind == batch.NOT_FOUND
    assert error.items == [{}, {"metric": ["Not found."]}, {"metric": ["Not found."]}]


def test_a_goal_the_actor_sees_but_may_not_check_in_on_is_forbidden(cast):
    items = [
        {"goal": cast.other_trans.pk, "confidence": 5},
        {"metric": cast.oper_metric.pk, "value": 1, "confidence": 5},
    ]
    error = refused(cast.employee, items)
    assert error.kind == batch.FORBIDDEN
    assert error.items == [{"goal": ["You may see this goal but not check in on it."]}, {}]


def test_not_found_is_told_before_forbidden_and_forbidden_before_the_rules(cast):
    items = [
        {"goal": cast.other_trans.pk, "confidence": 5},  # forbidden
        {"metric": cast.other_metric.pk, "value": 1, "confidence": 5},  # not found
        {"metric": cast.oper_metric.pk, "value": "x", "confidence": 5},  # breaks a rule
    ]
    assert refused(cast.employee, items).kind == batch.NOT_FOUND
    assert refused(cast.employee, [items[0], items[2]]).kind == batch.FORBIDDEN


def test_whoever_may_change_the_goal_checks_in_too(cast):
    """The manager does not own the operational goal but may change it (their team's)."""
    items = [{"metric": cast.oper_metric.pk, "value": 3, "confidence": 9}, {"goal": cast.trans.pk, "confidence": 6}]
    assert len(checkins_record_batch(actor=cast.manager, items=items)) == 2


def test_an_archived_metric_is_refused_by_its_single_service(cast):
    from apps.goals.services import metric_archive

    metric_archive(actor=None, metric=cast.personal_metric)
    error = refused(cast.employee, [{"metric": cast.personal_metric.pk, "value": 1, "confidence": 5}])
    assert "archived" in error.items[0]["metric"][0]


def test_manual_progress_source_takes_progress(cast):
    goal = cast.personal
    Goal.objects.filter(pk=goal.pk).update(progress_source=ProgressSource.MANUAL)
    checkins_record_batch(actor=cast.employee, items=[{"goal": goal.pk, "progress": 0.25, "confidence": 5}])
    assert Goal.objects.get(pk=goal.pk).manual_progress == 0.25
