"""Indexes that keep a search an index scan at 100,000 people (PostgreSQL only; SQLite searches with icontains).

* A GIN index on the goals' searchable text for the published cascade only (every layer but personal): what
  most people may see of other people's goals. An employee's search then reads the matching cascade goals from
  this index and their own (or their chain's) personal goals by owner, instead of every matching personal goal
  of the organisation only to drop nine in ten of them (apps.goals.permissions.visible_goals_q). The expression
  must be exactly apps.search.selectors.GOAL_DOCUMENT, and the predicate the layers of CASCADE_LAYERS.
* Trigram indexes (pg_trgm) on the upper-cased names of people and units and on usernames: the expressions
  Django's `icontains` compares (`UPPER(name::text) LIKE UPPER('%word%')`), which otherwise read all 100,000 people.

Built CONCURRENTLY (so the migration is not atomic): the tables keep taking writes while they build.
"""

from django.db import migrations

DOCUMENT = "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, ''))"
INDEXES = {
    "search_goal_cascade_text_gin": (
        f"goals_goal USING gin ({DOCUMENT}) WHERE layer IN ('intent', 'translational', 'operational')"
    ),
    "search_person_name_trgm": "org_person USING gin (upper(name::text) gin_trgm_ops)",
    "search_person_username_trgm": "org_person USING gin (upper(username::text) gin_trgm_ops)",
    "search_unit_name_trgm": "org_unit USING gin (upper(name::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("search", "0001_goal_text_index"),
        ("goals", "0013_goal_copy_score"),
        ("org", "0006_import_safety_options"),
    ]
    operations = [migrations.RunPython(create, drop, elidable=False)]
