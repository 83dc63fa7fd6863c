"""The rollup engine: what changes progress, what it touches, and that it equals the full recompute."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.goals import rollup, services
from apps.goals import services as metric_services
from apps.goals.models import Goal, GoalStatus, Layer, ProgressSource
from tests.factories import GoalFactory, MetricFactory, PersonFactory, cascade


def fresh(goal):
    return Goal.objects.get(pk=goal.pk)


@pytest.fixture
def chain(db, commit):
    with commit():
        intent, translational, operational, personal = cascade()
        metric = MetricFactory(goal=personal, start=0, target=10)
    return intent, translational, operational, personal, metric


def checkin(commit, metric, value, **kwargs):
    with commit():
        return metric_services.checkin_record(actor=PersonFactory(), metric=metric, value=value, confidence=7, **kwargs)


def test_checkin_rolls_up_to_the_root(chain, commit):
    intent, translational, operational, personal, metric = chain
    checkin(commit, metric, 4)
    assert [fresh(g).progress for g in (personal, operational, translational, intent)] == [0.4] * 4


def test_weights_of_children_are_respected(chain, commit):
    intent, _translational, operational, _personal, metric = chain
    with commit():
        sibling = GoalFactory(
            layer=Layer.PERSONAL, parent=operational, weight=3.0, progress_source="manual", manual_progress=0.8
        )
    checkin(commit, metric, 4)
    # (1·0.4 + 3·0.8) / 4
    assert fresh(operational).rollup_progress == pytest.approx(0.7)
    assert fresh(intent).progress == pytest.approx(0.7)
    with commit():
        services.goal_update(actor=None, goal=sibling, weight=1.0)
    assert fresh(intent).progress == pytest.approx(0.6)


def test_cancelled_children_do_not_count(chain, commit):
    _, _, operational, personal, metric = chain
    with commit():
        GoalFactory(layer=Layer.PERSONAL, parent=operational, progress_source="manual", manual_progress=1.0)
    checkin(commit, metric, 2)
    assert fresh(operational).progress == pytest.approx(0.6)
    with commit():
        services.goal_update(actor=None, goal=fresh(personal), status=GoalStatus.CANCELLED)
    assert fresh(operational).progress == 1.0


def test_archived_children_do_not_count_and_restore_brings_them_back(chain, commit):
    _, _, operational, _personal, metric = chain
    with commit():
        other = GoalFactory(layer=Layer.PERSONAL, parent=operational, progress_source="manual", manual_progress=1.0)
    checkin(commit, metric, 0)
    assert fresh(operational).progress == 0.5
    with commit():
        services.goal_archive(actor=None, goal=other)
    assert fresh(operational).progress == 0.0
    with commit():
        services.goal_restore(actor=None, goal=fresh(other))
    assert fresh(operational).progress == 0.5


def test_move_updates_old_and_new_ancestors(chain, commit):
    intent, _translational, operational, personal, metric = chain
    checkin(commit, metric, 10)
    with commit():
        other_intent = GoalFactory(layer=Layer.INTENT, cycle=intent.cycle)
        target = GoalFactory(layer=Layer.TRANSLATIONAL, parent=other_intent)
        services.goal_move(actor=None, goal=fresh(personal), parent=target)
    assert fresh(target).progress == 1.0 and fresh(other_intent).progress == 1.0
    assert fresh(operational).rollup_progress is None and fresh(intent).progress == 0.0


def test_metric_edit_and_source_change_roll_up(chain, commit):
    intent, _, operational, _personal, metric = chain
    with commit():
        metric_services.metric_update(actor=None, metric=metric, target=4, current=2)
    assert fresh(intent).progress == 0.5
    with commit():
        services.goal_update(
            actor=None, goal=fresh(operational), progress_source=ProgressSource.MANUAL, manual_progress=0.9
        )
    assert fresh(intent).progress == 0.9


def test_measured_and_rolled_up_progress_stand_side_by_side(chain, commit):
    intent, *_, metric = chain
    with commit():
        MetricFactory(goal=intent, start=100, target=200, current=110)
    checkin(commit, metric, 8)
    intent = fresh(intent)
    assert intent.measured_progress == pytest.approx(0.1)
    assert intent.rollup_progress == pytest.approx(0.8)
    assert intent.progress == pytest.approx(0.1)  # auto: metrics first
    assert intent.alignment_gap == pytest.approx(-0.7)


def test_rollup_is_idempotent(chain, commit):
    _intent, *_, metric = chain
    checkin(commit, metric, 3)
    snapshot = list(Goal.objects.order_by("pk").values_list("pk", "progress", "measured_progress", "rollup_progress"))
    assert rollup.recompute_goals([g.pk for g in chain[:4]]) == 0
    assert rollup.recompute_all() == 0
    assert (
        list(Goal.objects.order_by("pk").values_list("pk", "progress", "measured_progress", "rollup_progress"))
        == snapshot
    )


def test_rollup_touches_only_the_path(chain, commit):
    intent, _translational, _operational, _personal, metric = chain
    with commit():
        bystander = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent, progress_source="manual")
    Goal.objects.filter(pk=bystander.pk).update(progress=0.123)  # would be "repaired" if the rollup touched it
    checkin(commit, metric, 5)
    assert fresh(bystander).progress == 0.123


def test_rollup_costs_a_constant_number_of_queries_whatever_the_depth(db, commit):
    def cost(depth: int) -> int:
        with commit():
            layers = [Layer.INTENT] + [Layer.TRANSLATIONAL] * (depth - 2) + [Layer.PERSONAL]
            leaf = cascade(depth_layers=layers)[-1]
            MetricFactory(goal=leaf)
        with CaptureQueriesContext(connection) as ctx:
            rollup.recompute_goals([leaf.pk])
        return len(ctx.captured_queries)

    shallow, deep = cost(3), cost(8)
    assert shallow == deep
    assert deep <= 8  # well inside DESIGN's "depth + 5"


# --- Freshness (DESIGN.md "Progress": a goal without metrics is as fresh as its freshest child) -----------------


def test_a_check_in_below_freshens_every_goal_without_metrics_above_it(db, commit):
    from apps.goals.services import goal_checkin_record

    with commit():
        intent, translational, operational, personal = cascade()
        measured = MetricFactory(goal=operational)  # operational has metrics: its own check-ins only
    with commit():
        goal_checkin_record(actor=personal.owner, goal=personal, confidence=7)
    fresh = {
        g.pk: g.last_activity_at
        for g in Goal.objects.filter(pk__in=[intent.pk, translational.pk, operational.pk, personal.pk])
    }
    assert fresh[personal.pk] is not None
    assert fresh[operational.pk] is None  # measured by its metric, never checked in
    assert fresh[translational.pk] is None and fresh[intent.pk] is None  # the chain stops at a goal with metrics

    with commit():
        checkin = metric_services.checkin_record(actor=operational.owner, metric=measured, value=10, confidence=5)
    fresh = {
        g.pk: g.last_activity_at for g in Goal.objects.filter(pk__in=[intent.pk, translational.pk, operational.pk])
    }
    assert fresh == {pk: checkin.created for pk in (intent.pk, translational.pk, operational.pk)}


def test_a_cancelled_child_no_longer_freshens_its_parent(db, commit):
    from apps.goals.services import goal_checkin_record, goal_update

    with commit():
        intent, translational = cascade(depth_layers=(Layer.INTENT, Layer.TRANSLATIONAL))
    with commit():
        goal_checkin_record(actor=translational.owner, goal=translational, confidence=7)
    assert Goal.objects.get(pk=intent.pk).last_activity_at is not None
    with commit():
        goal_update(actor=None, goal=Goal.objects.get(pk=translational.pk), status=GoalStatus.CANCELLED)
    assert Goal.objects.get(pk=intent.pk).last_activity_at is None
