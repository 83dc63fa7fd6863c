"""Cycles over the API: shape checks here, the rules in apps.cycles.services."""

from rest_framework import serializers

from apps.core.api.fields import IdRelatedField

from .. import services
from ..models import Cycle


class CycleSerializer(serializers.ModelSerializer):
    """A planning period (FY2027, 2027-Q1); a quarter may sit inside a year."""

    parent = IdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        allow_null=True,
        help_text="The cycle this one lies within (id); null for a top-level cycle. Its dates must contain this one's.",
    )

    class Meta:
        model = Cycle
        fields = ("id", "name", "start", "end", "parent", "status")
        validators = []  # cycle_create and cycle_update name the clashes themselves
        extra_kwargs = {
            "id": {"help_text": "The cycle's id."},
            "name": {"help_text": "The cycle's name, unique (FY2027, 2027-Q1).", "validators": []},
            "start": {"help_text": "The first day of the cycle."},
            "end": {"help_text": "The last day of the cycle, not before its start."},
            "status": {"help_text": "planning, active or closed."},
        }

    def create(self, validated_data: dict) -> Cycle:
        return services.cycle_create(actor=self.context["request"].user, **validated_data)

    def update(self, cycle: Cycle, validated_data: dict) -> Cycle:
        return services.cycle_update(actor=self.context["request"].user, cycle=cycle, **validated_data)
