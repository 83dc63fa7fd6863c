"""Metrics and check-ins move to the goals app: they leave this app's state, their tables stay where they are.

apps.goals' migration 0003 takes them into its state with the same tables; no data moves.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CheckIn"),
                migrations.DeleteModel(name="Metric"),
            ],
            database_operations=[],
        ),
    ]
