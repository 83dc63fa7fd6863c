"""Metrics and check-ins moved from the `metrics` app into `goals` without moving data: the tables stay, and the
change log recorded against them stays attached (their content types move with them)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.core.models import ObjectChange
from apps.goals.models import CheckIn, Metric

BEFORE_MOVE = [("goals", "0002_initial"), ("metrics", "0002_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_history_recorded_before_the_move_stays_attached_to_the_metric():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(BEFORE_MOVE)
    # A database from before the move knows the model as metrics.metric only.
    ContentType.objects.filter(app_label="goals", model="metric").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="metrics", model="metric")
    change = ObjectChange.objects.create(content_type=old_type, object_id=42, action="update")
    try:
        migrate(latest)
        ContentType.objects.clear_cache()
        change.refresh_from_db()
        assert change.content_type == ContentType.objects.get_for_model(Metric)
        assert (change.content_type.app_label, change.content_type.model) == ("goals", "metric")
        assert not ContentType.objects.filter(app_label="metrics").exists()
    finally:
        migrate(latest)


@pytest.mark.django_db
def test_metrics_and_checkins_keep_their_tables():
    assert Metric._meta.db_table == "metrics_metric"
    assert CheckIn._meta.db_table == "metrics_checkin"
    assert {Metric._meta.db_table, CheckIn._meta.db_table} <= set(connection.introspection.table_names())


@pytest.mark.django_db
def test_the_last_activity_backfill_agrees_with_the_rollup(commit):
    """goals.0008 fills last_activity_at for existing goals as the rollup would (run here on today's models)."""
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    from apps.goals import rollup
    from apps.goals.models import Goal, GoalStatus, Layer
    from tests.factories import GoalFactory, MetricFactory

    with commit():
        intent = GoalFactory(layer=Layer.INTENT)
        quiet = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
        personal = GoalFactory(layer=Layer.PERSONAL, parent=quiet)
        measured = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent)
        MetricFactory(goal=measured)
        below_measured = GoalFactory(layer=Layer.PERSONAL, parent=measured)
        cancelled = GoalFactory(layer=Layer.PERSONAL, parent=intent, status=GoalStatus.CANCELLED)
    now = timezone.now()
    for goal, days in ((personal, 9), (measured, 5), (below_measured, 1), (cancelled, 0)):
        Goal.objects.filter(pk=goal.pk).update(last_checkin_at=now - timedelta(days=days))
    Goal.objects.update(last_activity_at=None)

    importlib.import_module("apps.goals.migrations.0008_goal_last_activity_at").backfill(apps, None)
    backfilled = dict(Goal.objects.values_list("pk", "last_activity_at"))
    rollup.recompute_all()
    assert dict(Goal.objects.values_list("pk", "last_activity_at")) == backfilled
    assert backfilled[intent.pk] == now - timedelta(days=5)  # the measured child's own, not the cancelled one's
    assert backfilled[quiet.pk] == now - timedelta(days=9)
    assert backfilled[measured.pk] == now - timedelta(days=5)
