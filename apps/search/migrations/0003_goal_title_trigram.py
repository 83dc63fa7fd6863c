"""A trigram index (pg_trgm) on the upper-cased goal titles: the expression Django's `icontains` compares, so that a
goal picker's words (the goal a recognition was for, apps.recognition.forms) find their goals through the index
instead of reading all 500,000 titles at 100,000 people (PostgreSQL only; built CONCURRENTLY, as 0002's)."""

from django.db import migrations

NAME = "search_goal_title_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON goals_goal USING gin (upper(title::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0002_cascade_and_name_indexes")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
