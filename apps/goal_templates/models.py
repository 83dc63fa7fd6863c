"""Goal templates: a goal with its metrics, kept to be assigned to many people or units at once.

A template carries a goal's shared words (title, description and, outside the personal layer, its why) and its
metrics' names, units, start, target and weight. Never a personal goal's reflection (why, identity, motivation):
those are the owner's own words (DESIGN.md "Whose words are whose"), so a personal-layer template has none.
The writes are apps.goal_templates.services; deleting a template archives it.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from apps.goals.models import Layer, Metric


class GoalTemplate(models.Model):
    """A goal to copy: its layer, words and metrics. Assigned through services.template_assign."""

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    why = models.TextField(blank=True, help_text="Why the goal matters; never on a personal-layer template.")
    layer = models.CharField(max_length=16, choices=Layer.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="goal_templates"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ("title", "id")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(layer=Layer.PERSONAL) | models.Q(why=""), name="goal_template_personal_no_why"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TemplateMetric(models.Model):
    """A metric every goal made from the template starts with (its current value starts at `start`)."""

    template = models.ForeignKey(GoalTemplate, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=16, choices=Metric.Unit.choices, default=Metric.Unit.NUMBER)
    display_unit = models.CharField(max_length=16, blank=True, default="")
    start = models.DecimalField(max_digits=20, decimal_places=4)
    target = models.DecimalField(max_digits=20, decimal_places=4)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])

    class Meta:
        ordering = ("template", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="template_metric_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
