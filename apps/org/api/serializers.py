"""Units and people over the API: shape checks here, the rules in apps.org.services."""

from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from apps.core.api.fields import IdRelatedField

from .. import invitations, services
from ..models import ImportJob, Person, Unit


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
        fields = ("id", "name", "kind", "parent", "lead", "checkin_cadence_days")
        validators = []  # unit_create names the clash between siblings itself
        extra_kwargs = {
            "checkin_cadence_days": {
                "help_text": "How often the unit's goals want a check-in, in days (1–365, default 7): their owners are "
                "reminded when a goal has none for this long. HR, admins and the unit's lead (or a lead above it) "
                "set it; a lead PATCHes this field alone."
            },
            "id": {"help_text": "The unit's id."},
            "name": {"help_text": "The unit's name, unique among its siblings."},
            "kind": {"help_text": "company, division, department, region or team."},
        }

    @transaction.atomic
    def create(self, validated_data: dict) -> Unit:
        actor = self.context["request"].user
        cadence = validated_data.pop("checkin_cadence_days", None)
        unit = services.unit_create(actor=actor, **validated_data)
        if cadence is not None:
            unit = services.unit_set_checkin_cadence(actor=actor, unit=unit, days=cadence)
        return unit

    @transaction.atomic  # a move and a rename succeed or fail together
    def update(self, unit: Unit, validated_data: dict) -> Unit:
        actor = self.context["request"].user
        if "checkin_cadence_days" in validated_data:
            unit = services.unit_set_checkin_cadence(
                actor=actor, unit=unit, days=validated_data.pop("checkin_cadence_days")
            )
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
        help_text="Only when the person is created; checked against the password rules. Without it, a person with an "
        "email is mailed an invitation to set one.",
    )

    activated = serializers.SerializerMethodField(
        help_text="Whether the person can get in on their own: they have signed in at least once (with a password or "
        "single sign-on) or they have a password (set through an invitation or reset link, or given on creation). "
        "false: they need their invitation (`POST people/{id}/invite/`)."
    )

    class Meta:
        model = Person
        fields = ("id", "username", "name", "email", "unit", "manager", "role", "is_active", "activated", "password")
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

    @extend_schema_field(serializers.BooleanField())
    def get_activated(self, person: Person) -> bool:
        # Lists annotate it (apps.org.invitations.with_activated); a person just written is asked directly.
        activated = getattr(person, "activated", None)
        return invitations.is_activated(person) if activated is None else activated

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

    def validate(self, attrs: dict) -> dict:
        # Django's own request, not DRF's wrapper: the sign-in lockout marks it, and its middleware reads the mark.
        request = self.context.get("request")
        http_request = getattr(request, "_request", request)
        user = authenticate(request=http_request, username=attrs.get("username"), password=attrs.get("password"))
        if user is None:
            raise serializers.ValidationError("Unable to log in with provided credentials.", code="authorization")
        return {**attrs, "user": user}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The org chart as CSV (UTF-8; comma, semicolon or tab) or XLSX, one row per person, with the "
        "columns employee_id, name, email, unit_path (e.g. Company/Sales/APAC), manager_id, role, active."
    )

    def validate_file(self, upload):
        from ..forms import MAX_UPLOAD_BYTES

        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        return upload


CONFIRM_HELP = (
    "The number of people the import deactivates, as a dry run reports it (`confirm_deactivations` in its answer). "
    "Needed when that is more than 10 % of the active people with an employee id; without it (or with another "
    "number) the import answers 400 and changes nothing."
)
ALLOW_ROOT_HELP = (
    "Let unit paths start with a new top unit beside the existing ones. Without it, a path whose first part is not "
    "an existing top unit's name is a problem on its row (with the closest name)."
)


class ImportOptionsSerializer(serializers.Serializer):
    """The import's safety options (apps.org.importing.safety), the same for the inline import and the jobs."""

    confirm_deactivations = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, help_text=CONFIRM_HELP
    )
    allow_new_root = serializers.BooleanField(required=False, default=False, help_text=ALLOW_ROOT_HELP)


class ImportFlagsSerializer(ImportOptionsSerializer):
    dry_run = serializers.BooleanField(required=False, default=False, help_text="Check and count, write nothing.")


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True,
        help_text="The row number as a spreadsheet shows it (the header is row 1); null for the file as a whole.",
    )
    column = serializers.CharField(help_text="The column the problem is in (may be empty).")
    message = serializers.CharField(help_text="What is wrong, and the rule.")


class ImportCountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Rows of people in the file.")
    created = serializers.IntegerField(help_text="People added.")
    updated = serializers.IntegerField(help_text="People whose name, email, unit, manager, role or state changed.")
    deactivated = serializers.IntegerField(
        help_text="People missing from the file or marked inactive (kept, with their goals)."
    )
    unchanged = serializers.IntegerField(help_text="People the file matches already.")
    units_created = serializers.IntegerField(help_text="Units added along the unit paths.")
    invitations = serializers.IntegerField(
        required=False,
        help_text="Invitations the import mails (or, in a dry run, would mail): one to each new active person.",
    )


class ImportResultSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="Whether the import was written (false for a dry run).")
    counts = ImportCountsSerializer(help_text="What the import did (or, in a dry run, would do).")
    warnings = ImportProblemSerializer(many=True, help_text="Things worth a look that did not stop the import.")
    confirm_deactivations = serializers.IntegerField(
        allow_null=True,
        help_text="The number to send as `confirm_deactivations` to import this file (more than 10 % of the active "
        "people with an employee id are deactivated); null when no number is needed.",
    )


class ImportRefusedSerializer(serializers.Serializer):
    """Either the file's problems by row and column, or the usual field errors of a bad request."""

    problems = ImportProblemSerializer(
        many=True, required=False, help_text="Every problem in the file, by row and column; nothing was changed."
    )
    file = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What is wrong with the upload itself."
    )
    dry_run = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What is wrong with the dry_run flag."
    )
    confirm_deactivations = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The import deactivates more than 10 % of the active people with an employee id and the request "
        "does not carry that number: the message says which; nothing was changed.",
    )
    allow_new_root = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What is wrong with the allow_new_root flag."
    )
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What is wrong with the request as a whole."
    )


class ImportJobCreateSerializer(ImportUploadSerializer, ImportOptionsSerializer):
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Check and count only, write nothing (the job's `applied` stays false).",
    )


class ImportJobSerializer(serializers.ModelSerializer):
    """An org-chart check (dry run) or import, run by a worker; poll it until `status` is done, refused or failed."""

    requested_by = serializers.IntegerField(source="requested_by_id", help_text="Who started it (id of people/).")
    counts = serializers.SerializerMethodField(help_text="What the import did (or would do); null until finished.")
    problems = serializers.SerializerMethodField(
        help_text="When refused: the file's problems by row and column (the first 1,000); nothing was changed."
    )
    problem_count = serializers.SerializerMethodField(help_text="How many problems the file has in all.")
    warnings = serializers.SerializerMethodField(help_text="Things worth a look that do not stop the import.")
    confirmation_count = serializers.SerializerMethodField(
        help_text="Once a check is done: the number to send as `confirm_deactivations` to import the file; null when "
        "no number is needed."
    )
    invitations_sent = serializers.SerializerMethodField(
        help_text="Of the import's invitations (`counts.invitations`), how many have been mailed so far: they go out "
        "from background tasks after the import."
    )

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "filename",
            "dry_run",
            "status",
            "applied",
            "counts",
            "problems",
            "problem_count",
            "warnings",
            "confirmation_count",
            "confirm_deactivations",
            "allow_new_root",
            "invitations_sent",
            "error",
            "requested_by",
            "created",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The job's id."},
            "filename": {"help_text": "The uploaded file's name."},
            "dry_run": {"help_text": "A check only: nothing is written."},
            "status": {
                "help_text": "queued, running, done (checked, or imported), refused (the file has problems) or failed."
            },
            "applied": {"help_text": "Whether the import was written."},
            "confirm_deactivations": {"help_text": "The count of deactivations the request confirmed, if any."},
            "allow_new_root": {"help_text": "Whether unit paths may start with a new top unit."},
            "error": {"help_text": "Why the job failed (status failed); nothing was written."},
            "created": {"help_text": "When the file was uploaded."},
            "started_at": {"help_text": "When a worker took the job up; null while queued."},
            "finished_at": {"help_text": "When the job finished; null until then."},
        }

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_counts(self, job: ImportJob) -> dict | None:
        return job.result.get("counts")

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_problems(self, job: ImportJob) -> list:
        return job.result.get("problems", [])

    @extend_schema_field(serializers.IntegerField())
    def get_problem_count(self, job: ImportJob) -> int:
        return job.result.get("problem_count", 0)

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_warnings(self, job: ImportJob) -> list:
        return job.result.get("warnings", [])

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_confirmation_count(self, job: ImportJob) -> int | None:
        return job.result.get("confirmation_count")

    @extend_schema_field(serializers.IntegerField())
    def get_invitations_sent(self, job: ImportJob) -> int:
        return getattr(job, "invitations_sent", 0)  # annotated by the viewset's queryset


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address of the account whose password to set.")


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happens next, in words.")


class InvitationsQueuedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happens next, in words.")
    count = serializers.IntegerField(help_text="How many invitations are on their way.")
