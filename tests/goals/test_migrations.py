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
