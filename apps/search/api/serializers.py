"""The shapes of GET /api/v1/search/: what it takes and what it answers."""

from django.core.exceptions import ValidationError
from rest_framework import serializers

from apps.goals.models import Goal
from apps.org.models import Person, Unit

from .. import selectors


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="Words to find (at most 200 characters). Goals by title and description, people by name or "
        'username, units by name. On PostgreSQL goals match as a web search does: words, "a phrase", -without.',
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=selectors.MAX_LIMIT,
        default=selectors.DEFAULT_LIMIT,
        help_text=f"At most this many of each kind (default {selectors.DEFAULT_LIMIT}, at most {selectors.MAX_LIMIT}).",
    )
    archived = serializers.BooleanField(
        required=False, default=False, help_text="Include archived goals too (default false)."
    )

    def validate_q(self, value: str) -> str:
        try:
            return selectors.clean_query(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["q"]) from exc


class GoalHitSerializer(serializers.ModelSerializer):
    chain = serializers.SerializerMethodField(help_text='The goal\'s line up to its intent: "Intent › Team goal".')
    owner_name = serializers.CharField(source="owner.__str__", read_only=True, help_text="The owner's name.")

    class Meta:
        model = Goal
        fields = ("id", "title", "layer", "status", "cycle", "unit", "owner", "owner_name", "progress", "chain")
        extra_kwargs = {
            "id": {"help_text": "The goal (id): goals/{id}/ reads it."},
            "title": {"help_text": "What the goal is."},
            "layer": {"help_text": "intent, translational, operational or personal."},
            "status": {"help_text": "draft, active, achieved, missed or cancelled."},
            "cycle": {"help_text": "Its cycle (id)."},
            "unit": {"help_text": "Its unit (id)."},
            "owner": {"help_text": "Who owns it (a person's id)."},
            "progress": {"help_text": "Its progress, a number in [0, 1]."},
        }

    def get_chain(self, goal: Goal) -> str:
        return self.context["chains"].get(goal.pk, "")


class PersonHitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ("id", "username", "name", "unit", "role")
        extra_kwargs = {
            "id": {"help_text": "The person (id): people/{id}/ reads them."},
            "username": {"help_text": "Their username (what an @mention names)."},
            "name": {"help_text": "Their name."},
            "unit": {"help_text": "Their unit (id), or null."},
            "role": {"help_text": "admin, leader, manager, employee or hr."},
        }


class UnitHitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "name", "kind", "parent")
        extra_kwargs = {
            "id": {"help_text": "The unit (id): units/{id}/ reads it."},
            "name": {"help_text": "Its name."},
            "kind": {"help_text": "company, division, department, region or team."},
            "parent": {"help_text": "The unit above it (id), or null for the top."},
        }


class SearchResultsSerializer(serializers.Serializer):
    q = serializers.CharField(source="query", help_text="The words searched for, trimmed.")
    goals = GoalHitSerializer(many=True, help_text="Goals you may see, best match first.")
    people = PersonHitSerializer(many=True, help_text="Active people.")
    units = UnitHitSerializer(many=True, help_text="Units whose name holds every word.")
