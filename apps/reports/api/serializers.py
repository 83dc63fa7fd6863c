"""The alignment report's JSON shape (and its documentation). The shape only grows: fields are added, never
changed or removed."""

from collections.abc import Callable
from functools import cached_property

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import IdRelatedField
from apps.cycles.models import Cycle
from apps.goals.models import Health, Layer, Motivation
from apps.org.models import Unit

from ..figures import MIN_GROUP_SIZE
from ..models import ExportJob
from ..rules import DEFAULT_GAP_THRESHOLD
from ..selectors import AlignmentSummary, OrphanReason
from ..services import export_job_is_expired
from ..tables import SECTION_SLUGS

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PROGRESS = "A number in [0, 1]."


class AlignmentQuerySerializer(serializers.Serializer):
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        help_text="A cycle (id): the summary covers it and the cycles inside it. Default: every active cycle.",
    )
    unit = IdRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        help_text="A unit (id): the report covers it and every unit under it (its people, and the goals filed "
        "under those units). Default: the whole organisation.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LIMIT,
        default=DEFAULT_LIMIT,
        help_text=f"How many rows each list shows in JSON (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}); "
        "`count` is always the full number. The CSV and XLSX downloads hold every row.",
    )
    section = serializers.ChoiceField(
        choices=SECTION_SLUGS,
        required=False,
        help_text="With `format=csv`: that one section as a tidy table (a header row, then a row per thing, labels "
        "and names instead of codes and ids) instead of the long table of every section.",
    )


class ValuesRowSerializer(serializers.Serializer):
    """A row of a list read as a dict of plain values (AlignmentSummary.first_rows with `fields`): each field's
    representation taken straight from its source key. DRF's generic walk (attribute lookups, dotted sources) costs
    about 6 µs a field, some 50 ms for a report's 700 rows; model instances still take that walk."""

    def to_representation(self, row):
        if not isinstance(row, dict):
            return super().to_representation(row)
        return {
            name: None if (value := row[source]) is None else represent(value) for name, source, represent in self._plan
        }

    @cached_property
    def _plan(self) -> list[tuple[str, str, Callable]]:
        return [(field.field_name, field.source, field.to_representation) for field in self._readable_fields]


class GoalRowSerializer(ValuesRowSerializer):
    id = serializers.IntegerField(help_text="The goal's id.")
    title = serializers.CharField(help_text="The goal's title.")
    layer = serializers.ChoiceField(choices=Layer.choices, help_text="The goal's layer.")
    owner = serializers.IntegerField(source="owner_id", help_text="Its owner (id of people/).")
    unit = serializers.IntegerField(source="unit_id", help_text="Its unit (id).")
    cycle = serializers.IntegerField(source="cycle_id", help_text="Its cycle (id).")


class OrphanedGoalSerializer(GoalRowSerializer):
    reason = serializers.ChoiceField(
        choices=[
            (OrphanReason.NO_PARENT, "A personal goal linked to no goal"),
            (OrphanReason.INTENT_NOT_PUBLISHED, "The root intent above it is a draft or archived"),
        ],
        help_text="no_parent: a personal goal linked to nothing; intent_not_published: its root intent is a draft "
        "or archived.",
    )


class StaleGoalSerializer(GoalRowSerializer):
    last_activity = serializers.DateTimeField(help_text="Its latest check-in, or its creation if it has none.")


class GoalWithoutMetricSerializer(GoalRowSerializer):
    progress = serializers.FloatField(help_text=f"Its progress. {PROGRESS}")


class GoalAtRiskSerializer(GoalRowSerializer):
    health = serializers.ChoiceField(
        choices=[(Health.AT_RISK, Health.AT_RISK.label), (Health.OFF_TRACK, Health.OFF_TRACK.label)],
        help_text="at_risk or off_track, as the goal's page shows it.",
    )
    progress = serializers.FloatField(help_text=f"Its progress. {PROGRESS}")


class AlignmentGapSerializer(GoalRowSerializer):
    measured_progress = serializers.FloatField(help_text=f"Progress of its own metrics. {PROGRESS}")
    rollup_progress = serializers.FloatField(help_text=f"Progress rolled up from its children. {PROGRESS}")
    gap = serializers.FloatField(
        help_text="measured_progress − rollup_progress, in [-1, 1]: negative when the work below is reported as "
        "moving while the outcome is not (green below, grey above), positive the other way round."
    )


class CopiedGoalSerializer(GoalRowSerializer):
    parent = serializers.IntegerField(source="parent_id", help_text="Its parent goal (id).")
    parent_title = serializers.CharField(source="parent.title", help_text="The parent's title.")
    similarity = serializers.FloatField(
        help_text="How close the two titles are, in [0, 1] (difflib's ratio on the lower-cased, whitespace-"
        "normalised titles); listed from copy_threshold up."
    )


class PersonRowSerializer(ValuesRowSerializer):
    id = serializers.IntegerField(help_text="The person's id.")
    username = serializers.CharField(help_text="Their username.")
    name = serializers.CharField(help_text="Their name.")
    unit = serializers.IntegerField(source="unit_id", allow_null=True, help_text="Their unit (id).")


class IntentProgressSerializer(GoalRowSerializer):
    status = serializers.CharField(help_text="The intent's status (never draft: only published intents are listed).")
    health = serializers.ChoiceField(
        choices=Health.choices, allow_null=True, help_text="Its health (null when cancelled)."
    )
    progress = serializers.FloatField(help_text=f"Its progress, as its progress_source chooses. {PROGRESS}")
    measured_progress = serializers.FloatField(
        allow_null=True, help_text=f"The measured outcome: its own metrics (null without any). {PROGRESS}"
    )
    rollup_progress = serializers.FloatField(
        allow_null=True, help_text=f"Rolled up from the goals under it (null without any). {PROGRESS}"
    )
    gap = serializers.FloatField(
        source="alignment_gap",
        allow_null=True,
        help_text="measured_progress − rollup_progress (null when either is null).",
    )


class TeamCadenceSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk", help_text="The team: a unit (id), its own goals only.")
    name = serializers.CharField(source="unit.name", help_text="The unit's name.")
    checkins = serializers.IntegerField(help_text="Check-ins on its goals in use in these cycles.")
    median_days_between_checkins = serializers.FloatField(
        source="median_days",
        allow_null=True,
        help_text="Median days between consecutive check-ins on the same metric (or on the goal itself); null with "
        "fewer than two check-ins on any one of them.",
    )
    goals = serializers.IntegerField(help_text="Its active goals.")
    progress = serializers.FloatField(
        allow_null=True, help_text=f"The mean progress of its active goals (null without any). {PROGRESS}"
    )


class MotivationAggregateSerializer(serializers.Serializer):
    own = serializers.IntegerField(allow_null=True, help_text="Personal goals whose owners chose them.")
    expected = serializers.IntegerField(allow_null=True, help_text="Personal goals expected of their owners.")
    pressure = serializers.IntegerField(allow_null=True, help_text="Personal goals held under pressure to deliver.")


class ProposalShareSerializer(serializers.Serializer):
    cascade_goals = serializers.IntegerField(help_text="Active translational and operational goals.")
    from_proposals = serializers.IntegerField(help_text="Of those, goals that came from an accepted proposal.")
    share = serializers.FloatField(
        source="proposal_share",
        allow_null=True,
        help_text="from_proposals / cascade_goals, in [0, 1] (null without such goals); near 0, the cascade only "
        "flows down (an over-rigid cascade).",
    )


class UnitFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.pk", help_text="The unit (id).")
    name = serializers.CharField(source="unit.name", help_text="Its name.")
    parent = serializers.IntegerField(source="unit.parent_id", allow_null=True, help_text="Its parent unit (id).")
    level = serializers.IntegerField(source="unit.level", help_text="Its depth in the unit tree (0: a root).")
    headcount = serializers.IntegerField(source="figures.headcount", help_text="Active people in it and under it.")
    people_with_active_goal = serializers.IntegerField(
        source="figures.with_active_goal", help_text="Of those, people who own at least one active goal."
    )
    people_aligned = serializers.IntegerField(
        source="figures.aligned", help_text="Of those, people with an active goal that reaches a published intent."
    )
    coverage = serializers.FloatField(
        source="figures.coverage", allow_null=True, help_text="people_aligned / headcount (null without people)."
    )
    orphaned_goals = serializers.IntegerField(source="figures.orphaned", help_text="Orphaned goals filed here.")
    goals_without_metric = serializers.IntegerField(
        source="figures.without_metric", help_text="Active goals without a metric."
    )
    stale_goals = serializers.IntegerField(source="figures.stale", help_text="Stale goals.")
    goals_at_risk = serializers.IntegerField(source="figures.at_risk", help_text="Goals at risk.")
    goals_off_track = serializers.IntegerField(source="figures.off_track", help_text="Goals off track.")
    alignment_gaps = serializers.IntegerField(source="figures.gaps", help_text="Goals with an alignment gap.")
    copied_goals = serializers.IntegerField(source="figures.copies", help_text="Goals that copy their parent.")
    proposals = ProposalShareSerializer(
        source="figures", help_text="How much of its cascade came from below: goals from accepted proposals."
    )
    motivation = MotivationAggregateSerializer(
        source="figures.motivation",
        help_text=f"Personal goals of its people per motivation; null where fewer than {MIN_GROUP_SIZE} people "
        "stand behind a figure.",
    )


def _rows(row_serializer: type[serializers.Serializer], help_text: str) -> serializers.Serializer:
    class Rows(serializers.Serializer):
        count = serializers.IntegerField(help_text="How many there are in all.")
        results = row_serializer(many=True, help_text="The first of them, up to `limit`.")

    Rows.__name__ = row_serializer.__name__.replace("Serializer", "") + "ListSerializer"
    return Rows(help_text=help_text)


class GoalsPerLayerSerializer(serializers.Serializer):
    intent = serializers.IntegerField(help_text="Strategic intents.")
    translational = serializers.IntegerField(help_text="Translational goals.")
    operational = serializers.IntegerField(help_text="Operational goals.")
    personal = serializers.IntegerField(help_text="Personal goals.")


class HealthCountsSerializer(serializers.Serializer):
    at_risk = serializers.IntegerField(help_text="Active goals at risk.")
    off_track = serializers.IntegerField(help_text="Active goals off track.")


# What each list's rows are read as (apps.reports.selectors.AlignmentSummary.first_rows): its serializer's sources.
GOAL_ROW = ("id", "title", "layer", "owner_id", "unit_id", "cycle_id")
LIST_FIELDS = {
    "orphaned_goals": (*GOAL_ROW, "reason"),
    "people_without_goals": ("id", "username", "name", "unit_id"),
    "stale_goals": (*GOAL_ROW, "last_activity"),
    "goals_without_metric": (*GOAL_ROW, "progress"),
    "goals_at_risk": (*GOAL_ROW, "health", "progress"),
    "alignment_gaps": (*GOAL_ROW, "measured_progress", "rollup_progress", "gap"),
}


class AlignmentSummarySerializer(serializers.Serializer):
    cycles = serializers.ListField(
        child=serializers.IntegerField(), source="cycle_ids", help_text="The cycles covered (ids)."
    )
    today = serializers.DateField(help_text="The day the figures are for.")
    stale_after_days = serializers.IntegerField(help_text="A goal with no check-in for longer than this is stale.")
    goals_per_layer = GoalsPerLayerSerializer(help_text="Goals in use per layer.")
    goals_total = serializers.IntegerField(help_text="Goals in use in all.")
    orphaned_goals = _rows(
        OrphanedGoalSerializer,
        "Active goals with no path to a published intent: personal goals linked to no goal, goals whose root intent "
        "is a draft or archived.",
    )
    people_without_goals = _rows(PersonRowSerializer, "Active people who own no goal in use in these cycles.")
    stale_goals = _rows(StaleGoalSerializer, "Active goals with no check-in for more than stale_after_days days.")
    motivation = MotivationAggregateSerializer(
        help_text=f"Personal goals per motivation ({', '.join(Motivation.values)}); null where fewer than five "
        "people stand behind the figure, so that no one's private motivation can be singled out."
    )
    # Added with the full report (the contract only grows).
    unit = serializers.IntegerField(
        allow_null=True, help_text="The unit covered (id), with every unit under it; null: the whole organisation."
    )
    headcount = serializers.IntegerField(help_text="Active people covered.")
    people_with_active_goal = serializers.IntegerField(help_text="Of those, people who own at least one active goal.")
    people_aligned = serializers.IntegerField(
        help_text="Of those, people who own an active goal with a path to a published strategic intent."
    )
    coverage = serializers.FloatField(
        allow_null=True, help_text="people_aligned / headcount, in [0, 1] (null without people)."
    )
    goals_without_metric = _rows(GoalWithoutMetricSerializer, "Active goals without a metric.")
    health_counts = HealthCountsSerializer(help_text="Active goals at risk and off track.")
    goals_at_risk = _rows(
        GoalAtRiskSerializer, "Active goals at risk or off track: off track first, then the least progress."
    )
    alignment_gap_threshold = serializers.FloatField(
        help_text=f"A gap wider than this is listed (default {DEFAULT_GAP_THRESHOLD})."
    )
    alignment_gaps = _rows(
        AlignmentGapSerializer,
        "Active goals whose measured and rolled-up progress differ by more than alignment_gap_threshold, widest first.",
    )
    copy_threshold = serializers.FloatField(help_text="A child whose title is at least this similar is a copy.")
    copied_goals = _rows(
        CopiedGoalSerializer, "Active goals whose title is nearly their parent's: copied, not translated."
    )
    proposals = ProposalShareSerializer(
        help_text="How much of the cascade came from below: active translational and operational goals, and those "
        "that came from an accepted proposal (catchball)."
    )
    intents = IntentProgressSerializer(
        many=True, help_text="The published strategic intents, measured outcome and rolled-up progress side by side."
    )
    cadence = _rows(TeamCadenceSerializer, "Check-in cadence per team (a unit and its own goals), in tree order.")
    units = _rows(
        UnitFiguresSerializer,
        "The figures of each unit, rolled up the unit tree (a unit's own and those of every unit under it), "
        "in tree order.",
    )

    def to_representation(self, summary: AlignmentSummary) -> dict:
        limit = self.context.get("limit", DEFAULT_LIMIT)
        totals = summary.totals

        def listed(name: str) -> dict:
            return {"count": summary.list_count(name), "results": summary.first_rows(name, limit, LIST_FIELDS[name])}

        copies = [goal for goal, _ in summary.first_copies[:limit]]
        for goal, score in summary.first_copies:
            goal.similarity = score
        view = {
            "cycle_ids": summary.cycle_ids,
            "today": summary.today,
            "stale_after_days": summary.stale_after_days,
            "goals_per_layer": summary.goals_per_layer,
            "goals_total": summary.goals_total,
            "motivation": summary.motivation,
            "orphaned_goals": listed("orphaned_goals"),
            "people_without_goals": listed("people_without_goals"),
            "stale_goals": listed("stale_goals"),
            "unit": summary.unit.pk if summary.unit else None,
            "headcount": totals.headcount,
            "people_with_active_goal": totals.with_active_goal,
            "people_aligned": totals.aligned,
            "coverage": totals.coverage,
            "goals_without_metric": listed("goals_without_metric"),
            "health_counts": {"at_risk": totals.at_risk, "off_track": totals.off_track},
            "goals_at_risk": listed("goals_at_risk"),
            "alignment_gap_threshold": summary.gap_threshold,
            "alignment_gaps": listed("alignment_gaps"),
            "copy_threshold": summary.copy_threshold,
            "copied_goals": {"count": totals.copies, "results": copies if limit else []},
            "proposals": totals,
            "intents": summary.intents,
            "cadence": {"count": summary.team_count, "results": summary.teams(limit) if limit else []},
            "units": {"count": summary.unit_count, "results": summary.units[:limit] if limit else []},
        }
        return super().to_representation(view)


# --- Export jobs -----------------------------------------------------------------------------------


class ExportJobCreateSerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=ExportJob.Format.choices, help_text="csv (the long table), xlsx or zip (one tidy CSV per section)."
    )
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        allow_null=True,
        help_text="A cycle (id): the export covers it and the cycles inside it. Default: every active cycle.",
    )
    unit = IdRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="A unit (id): the export covers it and every unit under it. Default: the whole organisation.",
    )


class ExportJobSerializer(serializers.ModelSerializer):
    requested_by = serializers.IntegerField(source="requested_by_id", help_text="Who asked for it (id of people/).")
    cycle = serializers.IntegerField(source="cycle_id", allow_null=True, help_text="The cycle covered (id).")
    unit = serializers.IntegerField(
        source="unit_id", allow_null=True, help_text="The unit covered (id); null: the whole organisation."
    )
    status = serializers.SerializerMethodField(
        help_text="queued, running, done (the file can be downloaded), failed (see `error`) or expired (the file "
        "was deleted)."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file while the job is done and not expired; null otherwise."
    )

    class Meta:
        model = ExportJob
        fields = (
            "id",
            "format",
            "cycle",
            "unit",
            "requested_by",
            "status",
            "progress",
            "rows",
            "error",
            "created",
            "started_at",
            "finished_at",
            "expires_at",
            "download_url",
        )
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The job's id."},
            "format": {"help_text": "csv, xlsx or zip."},
            "progress": {"help_text": "How far the file is built, 0–100."},
            "rows": {"help_text": "Rows written so far."},
            "error": {"help_text": "Why the job failed (empty otherwise)."},
            "created": {"help_text": "When it was asked for."},
            "started_at": {"help_text": "When a worker started building it."},
            "finished_at": {"help_text": "When it finished (done or failed)."},
            "expires_at": {"help_text": "When the file will be deleted (set once done)."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=ExportJob.Status.choices))
    def get_status(self, job: ExportJob) -> str:
        return ExportJob.Status.EXPIRED if export_job_is_expired(job) else job.status

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.DONE or export_job_is_expired(job):
            return None
        url = reverse("export-job-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
