"""Property: whatever changes go through the incremental path, the stored figures equal a full recompute."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.goals import links, rollup, services
from apps.goals import services as metric_services
from apps.goals.models import Goal, GoalLink, GoalStatus, Layer, Metric, ProgressSource
from apps.goals.rules import ALLOWED_PARENT_LAYERS
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory, UnitFactory

CHILD_LAYERS = {
    Layer.INTENT: [Layer.TRANSLATIONAL, Layer.PERSONAL],
    Layer.TRANSLATIONAL: [Layer.TRANSLATIONAL, Layer.OPERATIONAL, Layer.PERSONAL],
    Layer.OPERATIONAL: [Layer.OPERATIONAL, Layer.PERSONAL],
}
FIGURES = ("progress", "measured_progress", "rollup_progress", "last_activity_at")


class Rollback(Exception):
    pass


def build(data, commit, cycle, unit, owner) -> None:
    goals = []
    for _ in range(data.draw(st.integers(1, 2), label="intents")):
        with commit():
            goals.append(GoalFactory(layer=Layer.INTENT, cycle=cycle, unit=unit, owner=owner))
    for _ in range(data.draw(st.integers(2, 12), label="goals")):
        parents = [g for g in goals if g.layer != Layer.PERSONAL]
        parent = data.draw(st.sampled_from(parents))
        layer = data.draw(st.sampled_from(CHILD_LAYERS[parent.layer]))
        with commit():
            goals.append(
                GoalFactory(
                    layer=layer,
                    parent=parent,
                    cycle=cycle,
                    unit=unit,
                    owner=owner,
                    weight=data.draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
                    manual_progress=data.draw(st.sampled_from([None, 0.2, 0.7, 1.0])),
                )
            )
    for _ in range(data.draw(st.integers(0, 4), label="links")):
        add_link(data, commit, goals)
    for goal in data.draw(st.lists(st.sampled_from(goals), max_size=6)):
        with commit():
            MetricFactory(
                goal=goal,
                start=data.draw(st.integers(-50, 50)),
                target=data.draw(st.integers(-50, 50)),
                current=data.draw(st.integers(-60, 60)),
                weight=data.draw(st.sampled_from([0.0, 1.0, 3.0])),
            )


def add_link(data, commit, goals) -> None:
    """A random link through apps.goals.links: the ones its rules refuse (a loop, an ancestor…) change nothing."""
    source, target = data.draw(st.sampled_from(goals)), data.draw(st.sampled_from(goals))
    with commit():
        try:
            links.link_create(
                actor=None,
                source=source,
                target=target,
                kind=data.draw(st.sampled_from(GoalLink.Kind.values)),
                weight=data.draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])),
            )
        except ValidationError:
            pass


def change_link(data, commit) -> None:
    existing = list(GoalLink.objects.order_by("pk"))
    if not existing:
        return
    link = data.draw(st.sampled_from(existing))
    with commit():
        if data.draw(st.booleans(), label="remove"):
            links.link_delete(actor=None, link=link)
        else:
            links.link_update(
                actor=None,
                link=link,
                kind=data.draw(st.sampled_from(GoalLink.Kind.values)),
                weight=data.draw(st.sampled_from([0.0, 1.0, 2.0])),
            )


def change(data, commit, owner) -> None:
    """One random change through the services (rule violations are fine: they change nothing)."""
    goals = list(Goal.objects.order_by("pk"))
    goal = data.draw(st.sampled_from(goals))
    metrics = list(Metric.objects.filter(archived_at__isnull=True).order_by("pk"))
    kind = data.draw(
        st.sampled_from(
            [
                *("checkin", "goal_checkin", "weight", "status", "source", "move", "archive", "restore"),
                *("metric_weight", "link", "unlink"),
            ]
        )
    )
    if kind == "link":
        add_link(data, commit, goals)
        return
    if kind == "unlink":
        change_link(data, commit)
        return
    with commit():
        try:
            if kind == "checkin" and metrics:
                metric = data.draw(st.sampled_from(metrics))
                metric_services.checkin_record(
                    actor=owner, metric=metric, value=data.draw(st.integers(-60, 60)), confidence=5
                )
            elif kind == "goal_checkin":
                services.goal_checkin_record(actor=owner, goal=goal, confidence=data.draw(st.integers(0, 10)))
            elif kind == "metric_weight" and metrics:
                metric_services.metric_update(
                    actor=owner,
                    metric=data.draw(st.sampled_from(metrics)),
                    weight=data.draw(st.sampled_from([0.0, 1.0, 2.0])),
                )
            elif kind == "weight":
                services.goal_update(actor=owner, goal=goal, weight=data.draw(st.sampled_from([0.0, 1.0, 4.0])))
            elif kind == "status":
                services.goal_update(actor=owner, goal=goal, status=data.draw(st.sampled_from(GoalStatus.values)))
            elif kind == "source":
                services.goal_update(
                    actor=owner,
                    goal=goal,
                    progress_source=data.draw(st.sampled_from(ProgressSource.values)),
                    manual_progress=data.draw(st.sampled_from([None, 0.0, 0.3, 1.0])),
                )
            elif kind == "move" and goal.layer != Layer.INTENT:
                # Aim at parents of an allowed layer, so that most moves pass the rules.
                targets = [g for g in goals if g.layer in ALLOWED_PARENT_LAYERS[goal.layer]]
                services.goal_move(actor=owner, goal=goal, parent=data.draw(st.sampled_from(targets)))
            elif kind == "archive":
                services.goal_archive(actor=owner, goal=goal)
            elif kind == "restore":
                services.goal_restore(actor=owner, goal=goal)
        except ValidationError:
            pass


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_incremental_rollup_equals_full_recompute(data, commit):
    try:
        with transaction.atomic():
            cycle, unit = CycleFactory(name="FY2027"), UnitFactory()
            owner = PersonFactory(unit=unit)
            build(data, commit, cycle, unit, owner)
            for _ in range(data.draw(st.integers(1, 10), label="changes")):
                change(data, commit, owner)
            incremental = list(Goal.objects.order_by("pk").values_list("pk", *FIGURES))
            assert rollup.recompute_all() == 0
            assert list(Goal.objects.order_by("pk").values_list("pk", *FIGURES)) == incremental
            raise Rollback
    except Rollback:
        pass
