"""A GIN index on the goals' searchable text (title and description), for apps.search on PostgreSQL.

The expression must be exactly apps.search.selectors.GOAL_DOCUMENT for the planner to use it. Built
CONCURRENTLY (so the migration is not atomic): a large goals table keeps taking writes while it builds.
SQLite has no such index; the embedded mode searches with icontains.
"""

from django.db import migrations

INDEX = "search_goal_text_gin"
CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON goals_goal USING gin "
    "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, '')))"
)
DROP = f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}"


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("goals", "0009_goal_comments")]
    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False)]
