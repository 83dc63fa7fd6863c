"""Units and people over the API: shape checks here, the rules in apps.org.services."""

from django.db import transaction
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from apps.core.api.fields import IdRelatedField

from .. import services
from ..models import Person, Unit


class UnitSerializer(serializers.ModelSerializer):
    """An organisation unit — company, division, department, region or team — in one tree."""

    parent = IdRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="The unit this one sits in (id); null at the top. Changing it moves the unit with all under it.",
    )
    lead = IdRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="The person who leads the unit (id of people/): they act as manager for the unit and all under it.",
    )

    class Meta:
        model = Unit
        fields = ("id", "name", "kind", "parent", "lead")
        validators = []  # unit_create names the clash between siblings itself
        extra_kwargs = {
            "id": {"help_text": "The unit's id."},
            "name": {"help_text": "The unit's name, unique among its siblings."},
            "kind": {"help_text": "company, division, department, region or team."},
        }

    def create(self, validated_data: dict) -> Unit:
        return services.unit_create(actor=self.context["request"].user, **validated_data)

    @transaction.atomic  # a move and a rename succeed or fail together
    def update(self, unit: Unit, validated_data: dict) -> Unit:
        actor = self.context["request"].user
        if "parent" in validated_data:
            parent = validated_data.pop("parent")
            if getattr(parent, "pk", None) != unit.parent_id:
                unit = services.unit_move(actor=actor, unit=unit, parent=parent)
        return services.unit_update(actor=actor, unit=unit, **validated_data)


class PersonSerializer(serializers.ModelSerializer):
    """A person: a user account with a unit, a manager and a role."""

    unit = IdRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, help_text="The person's unit (id)."
    )
    manager = IdRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="The person they report to (id); a chain of managers never loops back.",
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        trim_whitespace=False,
        max_length=256,
        help_text="Only when the person is created; checked against the password rules. Without it the person "
        "cannot sign in with a password.",
    )

    class Meta:
        model = Person
        fields = ("id", "username", "name", "email", "unit", "manager", "role", "is_active", "password")
        extra_kwargs = {
            "id": {"help_text": "The person's id."},
            "username": {"help_text": "What they sign in with. Fixed once created."},
            "name": {"help_text": "Their name, as they write it."},
            "email": {"help_text": "Their email address."},
            "role": {
                "help_text": "admin, leader, manager, employee or hr (see the permissions in the API description)."
            },
            "is_active": {"help_text": "false: the person can no longer sign in (their goals and history are kept)."},
        }

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            if "username" in attrs and attrs["username"] != self.instance.username:
                raise serializers.ValidationError({"username": ["A username cannot be changed."]})
            if "password" in attrs:
                raise serializers.ValidationError({"password": ["A password is set only when the person is created."]})
            attrs.pop("username", None)
        return attrs

    def create(self, validated_data: dict) -> Person:
        validated_data.pop("is_active", None)
        return services.person_create(actor=self.context["request"].user, **validated_data)

    def update(self, person: Person, validated_data: dict) -> Person:
        return services.person_update(actor=self.context["request"].user, person=person, **validated_data)


class CredentialsSerializer(AuthTokenSerializer):
    """A username and a password."""

    username = serializers.CharField(write_only=True, help_text="Your username.")
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}, help_text="Your password."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
