"""Weights are capped so that every weighted sum in a rollup stays finite."""

import pytest
from django.core.exceptions import ValidationError

from apps.core.validation import MAX_WEIGHT
from apps.goals import services
from apps.goals.models import Layer
from tests.factories import GoalFactory, MetricFactory


def test_a_weight_above_the_cap_is_refused_naming_the_field(db):
    intent = GoalFactory(layer=Layer.INTENT)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_update(actor=None, goal=intent, weight=1e300)
    assert "at most" in excinfo.value.message_dict["weight"][0]


def test_siblings_at_the_cap_roll_up(db, commit):
    with commit():
        intent = GoalFactory(layer=Layer.INTENT)
        for progress in (0.0, 1.0):
            GoalFactory(
                layer=Layer.PERSONAL,
                parent=intent,
                weight=MAX_WEIGHT,
                progress_source="manual",
                manual_progress=progress,
            )
        MetricFactory(goal=intent, weight=MAX_WEIGHT)
    intent.refresh_from_db()
    assert intent.rollup_progress == pytest.approx(0.5)


def test_an_archived_goal_is_not_changed_until_restored(db):
    goal = GoalFactory(layer=Layer.PERSONAL)
    services.goal_archive(actor=None, goal=goal)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_update(actor=None, goal=goal, title="Still here")
    assert "restore it" in excinfo.value.message_dict["non_field_errors"][0]
