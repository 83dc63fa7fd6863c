"""Goal templates over the API: shape checks here, the rules in apps.goal_templates.services."""

from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.core.validation import MAX_ID, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MAX_WEIGHT
from apps.cycles.models import Cycle
from apps.goals.api.serializers import VisibleGoalField, value_field
from apps.goals.models import Layer, Metric

from ..models import GoalTemplate, TemplateMetric
from ..services import MAX_METRICS, MAX_RECIPIENTS, TEMPLATE_LAYERS


class TemplateMetricSerializer(serializers.ModelSerializer):
    """A metric every goal made from the template starts with (its current value starts at `start`)."""

    name = serializers.CharField(max_length=MAX_NAME_LENGTH, help_text="What is measured.")
    unit = serializers.ChoiceField(
        choices=Metric.Unit.choices, required=False, help_text="percent, number (default) or currency."
    )
    display_unit = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text='Shown with the values: "$", "days"… (optional).'
    )
    start = value_field("The value when the goal is set; the goal's metric starts there.")
    target = value_field("The value that means done.")
    weight = serializers.FloatField(
        required=False, min_value=0, max_value=MAX_WEIGHT, help_text="Relative weight in the goal (default 1)."
    )

    class Meta:
        model = TemplateMetric
        fields = ("name", "unit", "display_unit", "start", "target", "weight")


class TemplateSerializer(serializers.ModelSerializer):
    """A goal to copy: its layer, words and metrics. Read by everyone signed in, like a library."""

    title = serializers.CharField(max_length=MAX_NAME_LENGTH, help_text="The title each goal made from it takes.")
    description = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True, help_text="What the goal is about."
    )
    why = serializers.CharField(
        max_length=MAX_TEXT_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Why the goal matters, copied onto each goal; empty on a personal-layer template (a personal "
        "goal's why is its owner's own words).",
    )
    layer = serializers.ChoiceField(
        choices=[(layer.value, layer.label) for layer in Layer if layer in TEMPLATE_LAYERS],
        help_text="translational, operational or personal (an intent is a root: it is never assigned under a goal).",
    )
    metrics = TemplateMetricSerializer(
        many=True, required=False, max_length=MAX_METRICS, help_text=f"At most {MAX_METRICS} metrics."
    )

    class Meta:
        model = GoalTemplate
        fields = ("id", "title", "description", "why", "layer", "metrics", "created_by", "created", "updated")
        read_only_fields = ("id", "created_by", "created", "updated")
        extra_kwargs = {
            "id": {"help_text": "The template's id."},
            "created_by": {"help_text": "Who made it (id of people/); only they and admins change it."},
            "created": {"help_text": "When it was made."},
            "updated": {"help_text": "When it last changed."},
        }

    def to_internal_value(self, data):
        # DRF nests a metric's errors ({"metrics": {"0": {"target": [...]}}}); the API answers {field: [messages]}
        # everywhere, so each becomes one message under "metrics" that names the metric and its field.
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_flat_errors(exc.detail)) from None


def _flat_errors(detail) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {"non_field_errors": [str(message) for message in detail]}
    return {field: _messages(errors) for field, errors in detail.items()}


def _messages(errors, where: str = "") -> list[str]:
    """Every message in a (possibly nested) DRF error detail, each prefixed with where it was found."""
    if isinstance(errors, dict):
        return [m for key, inner in errors.items() for m in _messages(inner, _place(where, key))]
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        return [m for index, inner in enumerate(errors) for m in _messages(inner, _place(where, index))]
    return [f"{where}: {message}" if where else str(message) for message in errors]


def _place(where: str, key) -> str:
    """ "Metric 2, target" for the second item's `target`."""
    if isinstance(key, int) or str(key).isdigit():
        return f"{where} {int(key) + 1}" if where else f"Metric {int(key) + 1}"
    return f"{where}, {key}" if where else str(key)


class TemplateFromGoalSerializer(serializers.Serializer):
    goal = VisibleGoalField(help_text="The goal to save (id): its title, description, layer and metrics in use.")
    title = serializers.CharField(
        max_length=MAX_NAME_LENGTH, required=False, help_text="The template's title (default: the goal's)."
    )


def _ids_field(noun: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=MAX_RECIPIENTS,
        help_text=f"Ids of {noun}; duplicates count once. At most {MAX_RECIPIENTS:,} recipients in all.",
    )


class AssignSerializer(serializers.Serializer):
    people = _ids_field("people/ to give a goal each (owned by them, for their unit): people in your manager chain")
    units = _ids_field("units/ to give a goal each (owned by the unit's lead): units you lead or under them")
    parent = VisibleGoalField(
        required=False,
        allow_null=True,
        help_text="The goal every new goal sits under (id), checked against the cascade rules; null only for "
        "stand-alone personal goals.",
    )
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        allow_null=True,
        help_text="The cycle the goals run in (id): the parent's or one inside it. Default: the parent's.",
    )


class AssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="How many goals were created.")
    goals = serializers.ListField(child=serializers.IntegerField(), help_text="Their ids (goals/), in the order given.")
