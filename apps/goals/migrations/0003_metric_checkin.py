"""Metrics and check-ins join the goals app (they are a goal's key results and their history).

State only: the tables `metrics_metric` and `metrics_checkin` stay as the metrics app created them.
The two content types move with the models, so the change log and permissions stay attached.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("metric", "checkin")


def move_content_types(apps, schema_editor, old="metrics", new="goals"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label=old, model__in=MODELS).update(
        app_label=new
    )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="goals", new="metrics")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("goals", "0002_initial"),
        ("metrics", "0003_move_to_goals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Metric",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=300)),
                        (
                            "unit",
                            models.CharField(
                                choices=[("percent", "%"), ("number", "Number"), ("currency", "Currency")],
                                default="number",
                                max_length=16,
                            ),
                        ),
                        ("start", models.DecimalField(decimal_places=4, max_digits=20)),
                        ("target", models.DecimalField(decimal_places=4, max_digits=20)),
                        ("current", models.DecimalField(decimal_places=4, max_digits=20)),
                        (
                            "weight",
                            models.FloatField(default=1.0, validators=[django.core.validators.MinValueValidator(0.0)]),
                        ),
                        ("progress", models.FloatField(default=0.0, editable=False)),
                        ("archived_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        (
                            "goal",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="metrics", to="goals.goal"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "metrics_metric",
                        "ordering": ("goal", "id"),
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("weight__gte", 0)), name="metric_weight_not_negative"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CheckIn",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("value", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True)),
                        (
                            "confidence",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(10),
                                ]
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("status", models.CharField(blank=True, default="", max_length=16)),
                        ("health", models.CharField(blank=True, default="", max_length=16)),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="checkins",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "goal",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="checkins", to="goals.goal"
                            ),
                        ),
                        (
                            "metric",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="checkins",
                                to="goals.metric",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "metrics_checkin",
                        "ordering": ("-created", "-id"),
                        "indexes": [
                            models.Index(fields=["metric", "-created"], name="metrics_che_metric__fec88e_idx"),
                            models.Index(fields=["goal", "-created"], name="metrics_che_goal_id_c77fc1_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("confidence__gte", 0), ("confidence__lte", 10)),
                                name="checkin_confidence_0_10",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
