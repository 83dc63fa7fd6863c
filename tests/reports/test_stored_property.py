"""Property (PostgreSQL): whatever changes go through the services, the report's stored figures equal a count from
scratch exactly — kept current by the rollup job and the outbox alone, never by a full pass."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.cycles.models import Cycle
from apps.goals import services
from apps.goals.models import Goal, GoalStatus, Layer, Metric, Motivation
from apps.goals.rules import ALLOWED_PARENT_LAYERS
from apps.reports import stored
from apps.reports.models import FigureScope
from apps.reports.scope import Scope
from apps.reports.selectors import alignment_summary
from tests.factories import CycleFactory, GoalFactory, MetricFactory, PersonFactory, UnitFactory

CHILD_LAYERS = {
    Layer.INTENT: [Layer.TRANSLATIONAL, Layer.PERSONAL],
    Layer.TRANSLATIONAL: [Layer.TRANSLATIONAL, Layer.OPERATIONAL, Layer.PERSONAL],
    Layer.OPERATIONAL: [Layer.OPERATIONAL, Layer.PERSONAL],
}
TITLES = ["Grow revenue", "Grow revenue by 10%", "Hire a lead", "grow  revenue", "Open a plant"]


class Rollback(Exception):
    pass


def build(data, commit, cycles, units, people) -> None:
    goals = []
    for _ in range(data.draw(st.integers(1, 2), label="intents")):
        with commit():
            goals.append(
                GoalFactory(
                    title=data.draw(st.sampled_from(TITLES)),
                    cycle=cycles[0],
                    unit=data.draw(st.sampled_from(units)),
                    owner=data.draw(st.sampled_from(people)),
                    status=data.draw(st.sampled_from([GoalStatus.ACTIVE, GoalStatus.DRAFT])),
                )
            )
    for _ in range(data.draw(st.integers(2, 10), label="goals")):
        parent = data.draw(st.sampled_from([g for g in goals if g.layer != Layer.PERSONAL]))
        layer = data.draw(st.sampled_from(CHILD_LAYERS[parent.layer]))
        owner = data.draw(st.sampled_from(people))
        with commit():
            goals.append(
                GoalFactory(
                    title=data.draw(st.sampled_from(TITLES)),
                    layer=layer,
                    parent=parent,
                    cycle=data.draw(st.sampled_from(cycles[cycles.index(parent.cycle) :])),  # its own or inside
                    unit=data.draw(st.sampled_from(units)),
                    owner=owner,
                    motivation=data.draw(st.sampled_from(["", *Motivation.values])) if layer == Layer.PERSONAL else "",
                )
            )
    for goal in data.draw(st.lists(st.sampled_from(goals), max_size=4)):
        with commit():
            MetricFactory(goal=goal, start=0, target=100, current=data.draw(st.integers(0, 100)))


def change(data, commit, units, people) -> None:
    """One random change through the services (what the rules refuse changes nothing)."""
    goal = data.draw(st.sampled_from(list(Goal.objects.order_by("pk"))))
    kind = data.draw(
        st.sampled_from(["checkin", "status", "title", "unit", "owner", "motivation", "move", "archive", "metric"])
    )
    metrics = list(Metric.objects.filter(archived_at__isnull=True).order_by("pk"))
    with commit():
        try:
            if kind == "checkin" and metrics:
                metric = data.draw(st.sampled_from(metrics))
                services.checkin_record(
                    actor=metric.goal.owner, metric=metric, value=data.draw(st.integers(0, 100)), confidence=5
                )
            elif kind == "status":
                services.goal_update(actor=None, goal=goal, status=data.draw(st.sampled_from(GoalStatus.values)))
            elif kind == "title":
                services.goal_update(actor=None, goal=goal, title=data.draw(st.sampled_from(TITLES)))
            elif kind == "unit":
                services.goal_update(actor=None, goal=goal, unit=data.draw(st.sampled_from(units)))
            elif kind == "owner":
                services.goal_update(actor=None, goal=goal, owner=data.draw(st.sampled_from(people)))
            elif kind == "motivation" and goal.layer == Layer.PERSONAL:
                motivation = data.draw(st.sampled_from(["", *Motivation.values]))
                services.goal_update(actor=goal.owner, goal=goal, motivation=motivation)
            elif kind == "move" and goal.layer != Layer.INTENT:
                targets = [g for g in Goal.objects.order_by("pk") if g.layer in ALLOWED_PARENT_LAYERS[goal.layer]]
                services.goal_move(actor=None, goal=goal, parent=data.draw(st.sampled_from(targets)))
            elif kind == "archive":
                services.goal_archive(actor=None, goal=goal)
            elif kind == "metric":
                MetricFactory(goal=goal)
        except ValidationError:
            pass


def assert_stored_equals_counted() -> None:
    for scope_row in FigureScope.objects.all():
        cycles = list(Cycle.objects.filter(pk__in=scope_row.cycle_ids))
        scope = Scope(cycle_ids=scope_row.cycle_ids, today=scope_row.day, cycles=cycles)
        fresh = stored.compute(scope)
        rows = {
            unit_id: Counter(counts) for unit_id, counts in scope_row.rows.values_list("unit_id", "counts") if counts
        }
        assert rows == fresh, scope_row.key
        teams = {unit_id: team for unit_id, team in scope_row.rows.values_list("unit_id", "cadence") if team}
        assert teams == stored.compute_cadence(scope), scope_row.key
        # The rolled-up figures, kept by adding differences up the unit tree, equal a roll-up of the fresh counts.
        rolled = {pk: Counter(counts) for pk, counts in scope_row.rows.values_list("unit_id", "rolled") if counts}
        fresh_rolled = {pk: row.rolled for pk, row in stored.build_rows(fresh, teams).items() if row.rolled}
        assert rolled == fresh_rolled, scope_row.key


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_stored_figures_equal_a_count_from_scratch(data, commit, postgres):
    try:
        with transaction.atomic():
            today = timezone.localdate()
            year = CycleFactory(name="Year", start=today - timedelta(days=90), end=today + timedelta(days=270))
            quarter = CycleFactory(
                name="Quarter", start=today - timedelta(days=20), end=today + timedelta(days=70), parent=year
            )
            company = UnitFactory(name="Co")
            units = [company, UnitFactory(name="Red", parent=company), UnitFactory(name="Blue", parent=company)]
            people = [PersonFactory(unit=data.draw(st.sampled_from(units))) for _ in range(3)]
            people.append(PersonFactory(unit=None))
            build(data, commit, [year, quarter], units, people)
            alignment_summary(year)  # stores the year's scope (with its quarter), as a first reader does
            alignment_summary(quarter)
            for _ in range(data.draw(st.integers(1, 8), label="changes")):
                change(data, commit, units, people)
            assert FigureScope.objects.count() == 2
            assert_stored_equals_counted()
            raise Rollback
    except Rollback:
        pass
