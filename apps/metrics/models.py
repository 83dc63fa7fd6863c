"""Measurable results of goals and the check-ins that move them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Metric(models.Model):
    """A key result of a goal: start, target and current value, a unit and a weight."""

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        NUMBER = "number", "Number"
        CURRENCY = "currency", "Currency"

    goal = models.ForeignKey("goals.Goal", on_delete=models.PROTECT, related_name="metrics")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.NUMBER)
    start = models.DecimalField(max_digits=20, decimal_places=4)
    target = models.DecimalField(max_digits=20, decimal_places=4)
    current = models.DecimalField(max_digits=20, decimal_places=4)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    # Derived from start/target/current by apps.metrics.services; stored for queries.
    progress = models.FloatField(default=0.0, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("goal", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="metric_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """A dated update of a metric's value (or of a goal's status/health), kept as history."""

    goal = models.ForeignKey("goals.Goal", on_delete=models.PROTECT, related_name="checkins")
    metric = models.ForeignKey(Metric, null=True, blank=True, on_delete=models.PROTECT, related_name="checkins")
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, blank=True, default="")
    health = models.CharField(max_length=16, blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkins")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=("metric", "-created")), models.Index(fields=("goal", "-created"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0, confidence__lte=10), name="checkin_confidence_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.metric or self.goal} at {self.created:%Y-%m-%d}"
