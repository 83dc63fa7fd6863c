"""Metrics and check-ins over the API: shape checks here, the rules and the rollup in apps.metrics.services."""

from decimal import Decimal

from rest_framework import serializers

from apps.core.validation import MAX_WEIGHT
from apps.goals.api.serializers import VisibleGoalField
from apps.goals.models import Health

from .. import services
from ..models import CheckIn, Metric

# The stored precision: 16 digits before the point, 4 after (more decimals are rounded).
MAX_VALUE = Decimal("9999999999999999.9999")


def value_field(help_text: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        coerce_to_string=False,
        max_value=MAX_VALUE,
        min_value=-MAX_VALUE,
        help_text=help_text,
        **kwargs,
    )


class MetricSerializer(serializers.ModelSerializer):
    """A measurable result of a goal (a key result, in OKR terms)."""

    goal = VisibleGoalField(help_text="The goal this metric measures (id). Fixed when the metric is created.")
    start = value_field("The value when the goal was set.")
    target = value_field("The value that means done. Lower than start for a metric that should decrease.")
    current = value_field("The latest value; defaults to start. Check-ins move it.", required=False)
    weight = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=MAX_WEIGHT,
        help_text="How much this metric counts in its goal's measured progress, relative to the others (default 1).",
    )

    class Meta:
        model = Metric
        fields = ("id", "goal", "name", "unit", "start", "target", "current", "weight", "progress", "archived_at")
        read_only_fields = ("id", "progress", "archived_at")
        extra_kwargs = {
            "id": {"help_text": "The metric's id."},
            "name": {"help_text": "What is measured."},
            "unit": {"help_text": "How the values read: percent, number or currency."},
            "progress": {
                "help_text": "(current − start) / (target − start), clamped to [0, 1]; when target = start, 1 once "
                "current has reached the target, else 0."
            },
            "archived_at": {"help_text": "When the metric was archived; null while it is in use."},
        }

    @property
    def _user(self):
        return getattr(self.context.get("request"), "user", None)

    def create(self, validated_data: dict) -> Metric:
        return services.metric_create(actor=self._user, **validated_data)

    def update(self, metric: Metric, validated_data: dict) -> Metric:
        fields = {name: value for name, value in validated_data.items() if name in services.EDITABLE_FIELDS}
        if "goal" in validated_data and validated_data["goal"].pk != metric.goal_id:
            fields["goal"] = validated_data["goal"]  # the service refuses it, naming the field
        return services.metric_update(actor=self._user, metric=metric, **fields)


class CheckInSerializer(serializers.ModelSerializer):
    """A dated update of a metric's value, with a confidence and a note; the history is kept."""

    value = value_field("The metric's new value.")
    confidence = serializers.IntegerField(
        min_value=0, max_value=10, help_text="How sure the author is of reaching the target: 0 (not at all) to 10."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What happened, in words.")
    health = serializers.ChoiceField(
        choices=Health.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="The owner's own health for the goal (on_track, at_risk, off_track); empty: computed.",
    )

    class Meta:
        model = CheckIn
        fields = ("id", "metric", "goal", "value", "confidence", "note", "health", "author", "created")
        read_only_fields = ("id", "metric", "goal", "author", "created")
        extra_kwargs = {
            "id": {"help_text": "The check-in's id."},
            "metric": {"help_text": "The metric checked in on (id)."},
            "goal": {"help_text": "The metric's goal (id)."},
            "author": {"help_text": "Who recorded it (id of people/)."},
            "created": {"help_text": "When it was recorded."},
        }

    def create(self, validated_data: dict) -> CheckIn:
        return services.checkin_record(
            actor=self.context["request"].user, metric=self.context["metric"], **validated_data
        )
