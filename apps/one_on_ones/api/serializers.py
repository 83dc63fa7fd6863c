"""1:1s over the API: shape checks here, the rules in apps.one_on_ones.services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.org.models import Person

from ..models import ActionItem, AgendaItem, Meeting, PrivateNote, Series
from ..selectors import action_items_for, meetings_of

NOTES_MAX = 20_000
active_people = Person.objects.filter(is_active=True)


class SeriesSerializer(serializers.ModelSerializer):
    """A recurring 1:1 between a manager and one report. Seen by the two of them only."""

    manager = serializers.PrimaryKeyRelatedField(
        queryset=active_people, help_text="The manager (id of people/): the report's manager or a lead of their unit."
    )
    report = serializers.PrimaryKeyRelatedField(queryset=active_people, help_text="The report (id of people/).")
    next_on = serializers.DateField(required=False, help_text="The date of the next meeting (default: today).")

    class Meta:
        model = Series
        fields = ("id", "manager", "report", "cadence_days", "next_on")
        extra_kwargs = {
            "id": {"help_text": "The series' id."},
            "cadence_days": {"help_text": "How often they meet, in days (1–365; default 7)."},
        }


class SeriesUpdateSerializer(serializers.ModelSerializer):
    """The cadence and the next date of a series; its two people are fixed."""

    class Meta:
        model = Series
        fields = ("id", "manager", "report", "cadence_days", "next_on")
        read_only_fields = ("id", "manager", "report")
        extra_kwargs = {
            "id": {"help_text": "The series' id."},
            "manager": {"help_text": "The manager (id of people/)."},
            "report": {"help_text": "The report (id of people/)."},
            "cadence_days": {"help_text": "How often they meet, in days (1–365)."},
            "next_on": {"help_text": "The date of the next meeting."},
        }


class AgendaItemSerializer(serializers.ModelSerializer):
    """A point one of the two added to the meeting's agenda."""

    text = serializers.CharField(max_length=500, help_text="The point, at most 500 characters.")

    class Meta:
        model = AgendaItem
        fields = ("id", "author", "text", "created")
        read_only_fields = ("id", "author", "created")
        extra_kwargs = {
            "id": {"help_text": "The agenda item's id."},
            "author": {"help_text": "Who added it (id of people/)."},
            "created": {"help_text": "When it was added."},
        }


class ActionItemSerializer(serializers.ModelSerializer):
    """Something one participant will do; open items show in every later meeting of the series until done."""

    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), help_text="The meeting it was agreed in (id of meetings/)."
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=active_people, required=False, help_text="Who does it: one of the two participants (default: you)."
    )
    text = serializers.CharField(max_length=500, help_text="What is to be done, at most 500 characters.")

    class Meta:
        model = ActionItem
        fields = ("id", "meeting", "owner", "text", "due", "done")
        extra_kwargs = {
            "id": {"help_text": "The action item's id."},
            "due": {"required": False, "allow_null": True, "help_text": "By when (a date), or null."},
            "done": {"required": False, "help_text": "Whether it is done; open items carry over to later meetings."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # a meeting the caller does not take part in is not found
            self.fields["meeting"].queryset = meetings_of(request.user)


class ActionItemUpdateSerializer(ActionItemSerializer):
    class Meta(ActionItemSerializer.Meta):
        read_only_fields = ("id", "meeting")


class MeetingSerializer(serializers.ModelSerializer):
    """One meeting of a series: the agenda both added to, shared notes, and its action items (with the open ones
    carried over from earlier meetings). Never a private note: see meetings/{id}/private-note/."""

    agenda = serializers.SerializerMethodField(help_text="The points the two added, oldest first.")
    action_items = serializers.SerializerMethodField(
        help_text="This meeting's action items and the open ones of earlier meetings of the series."
    )
    shared_notes = serializers.CharField(
        max_length=NOTES_MAX, allow_blank=True, required=False, help_text="Notes both participants read and write."
    )
    date = serializers.DateField(required=False, help_text="The day of the meeting (default: the series' next date).")

    class Meta:
        model = Meeting
        fields = ("id", "series", "date", "agenda", "shared_notes", "action_items")
        read_only_fields = ("id", "series")
        extra_kwargs = {
            "id": {"help_text": "The meeting's id."},
            "series": {"help_text": "The series it belongs to (id of one-on-ones/)."},
        }

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting: Meeting) -> list[dict]:
        return AgendaItemSerializer(meeting.agenda_items.all(), many=True).data

    @extend_schema_field(ActionItemSerializer(many=True))
    def get_action_items(self, meeting: Meeting) -> list[dict]:
        carried = self.context.get("series_items", {}).get(meeting.series_id)
        if carried is None:
            items = list(action_items_for(meeting))
        else:
            items = [i for i in carried if i.meeting_id == meeting.pk or (not i.done and i.meeting.date < meeting.date)]
        return ActionItemSerializer(items, many=True).data


class MeetingUpdateSerializer(serializers.Serializer):
    """The shared notes of a meeting."""

    shared_notes = serializers.CharField(max_length=NOTES_MAX, allow_blank=True, help_text="Notes both read and write.")


class PrivateNoteSerializer(serializers.ModelSerializer):
    """Your own note on the meeting: nobody else ever reads it."""

    body = serializers.CharField(max_length=NOTES_MAX, allow_blank=True, help_text="Your note, for you alone.")

    class Meta:
        model = PrivateNote
        fields = ("body",)


class GoalPointSerializer(serializers.Serializer):
    goal = serializers.IntegerField(source="goal.pk", help_text="The goal (id of goals/).")
    title = serializers.CharField(source="goal.title", help_text="The goal's title.")
    reason = serializers.ChoiceField(
        choices=("off_track", "at_risk", "stale", "achieved"),
        help_text="Why it is on the agenda: off track, at risk, no check-in lately (stale), or newly achieved.",
    )


class CheckInPointSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The check-in's id.")
    goal = serializers.IntegerField(source="goal_id", help_text="The goal checked in on (id of goals/).")
    metric = serializers.IntegerField(source="metric_id", allow_null=True, help_text="The metric, or null.")
    confidence = serializers.IntegerField(help_text="The confidence given, 0–10.")
    note = serializers.CharField(help_text="The note given.")
    created = serializers.DateTimeField(help_text="When it was recorded.")


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="A why-before-what question.")
    answer = serializers.CharField(help_text="The person's own answer; empty when they have not given one.")


class WhyPointSerializer(serializers.Serializer):
    goal = serializers.IntegerField(source="goal.pk", help_text="The personal goal (id of goals/).")
    title = serializers.CharField(source="goal.title", help_text="The goal's title.")
    answers = serializers.SerializerMethodField(help_text="The four questions, each with the person's own answer.")

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, point) -> list[dict]:
        return [{"question": question, "answer": answer} for question, answer in point.answers]


class PreparedAgendaSerializer(serializers.Serializer):
    """The next meeting's agenda as prepared from the report's goals, computed when read (never stored)."""

    on = serializers.DateField(help_text="The date of the meeting it is prepared for (the series' next date).")
    goals = GoalPointSerializer(many=True, help_text="The report's goals to talk about.")
    checkins = CheckInPointSerializer(many=True, help_text="The report's latest check-ins, newest first.")
    action_items = ActionItemSerializer(many=True, help_text="Every open action item of the series.")
    why = WhyPointSerializer(
        many=True, help_text="The why-before-what questions on each personal goal whose reflection you may read."
    )
    advice = serializers.ListField(
        child=serializers.CharField(),
        help_text="For the manager: how to deliver feedback, from the report's coaching profile (empty otherwise).",
    )
