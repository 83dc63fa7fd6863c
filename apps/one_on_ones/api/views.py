"""one-on-ones/, their meetings/, private notes and action-items/ (DESIGN.md, the API contract's next additions).

Only the two participants of a series find it, its meetings and its action items; for anyone else — the manager
above, HR, admins — they do not exist (404). A private note answers its author alone.
"""

from collections import defaultdict

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet
from apps.goals import services as goal_services
from apps.goals.models import ReflectionRead

from .. import agenda, selectors, services
from ..models import ActionItem, Meeting, Series
from .serializers import (
    ActionItemSerializer,
    ActionItemUpdateSerializer,
    AgendaItemSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    PreparedAgendaSerializer,
    PrivateNoteSerializer,
    SeriesSerializer,
    SeriesUpdateSerializer,
)

NOT_YOURS = "Only the two participants see a 1:1; for anyone else it is not found (404)."


@extend_schema_view(
    list=extend_schema(summary="List your 1:1 series", description="The ones you take part in. " + NOT_YOURS),
    retrieve=extend_schema(summary="Read one of your 1:1 series", description=NOT_YOURS),
    create=extend_schema(
        summary="Start a 1:1 series",
        description="You are the manager or the report; the manager is the report's manager or a lead of their unit.",
    ),
    partial_update=extend_schema(summary="Change the cadence or the next date", request=SeriesUpdateSerializer),
)
class SeriesViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    http_method_names = ("get", "post", "patch", "head", "options")

    def get_queryset(self) -> QuerySet[Series]:
        return selectors.series_of(self.request.user).order_by("next_on", "id")

    def get_serializer_class(self):
        return SeriesUpdateSerializer if self.action == "partial_update" else SeriesSerializer

    @extend_schema(
        summary="Read the prepared agenda of the next meeting",
        description="Computed when read from the report's goals, check-ins, open action items and why; a read of a "
        "personal goal's reflection by anyone but its owner is recorded for the owner to see.",
        responses=PreparedAgendaSerializer,
    )
    @action(detail=True, methods=["get"], serializer_class=PreparedAgendaSerializer, pagination_class=None)
    def agenda(self, request: Request, pk=None) -> Response:
        series = self.get_object()
        prepared = agenda.prepare(series, request.user)
        goal_services.reflection_reads_record(
            reader=request.user, goal_ids=prepared.reflection_goal_ids, channel=ReflectionRead.Channel.API
        )
        prepared.advice = agenda.coaching_advice(series, request.user)
        return Response(PreparedAgendaSerializer(prepared).data)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.series_create(actor=self.request.user, **data)

    def perform_update(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.series_update(actor=self.request.user, series=serializer.instance, **data)


def _series_items(meetings: list[Meeting]) -> dict[int, list[ActionItem]]:
    """Every action item of the meetings' series, in one query: each meeting picks its own and the carried ones."""
    by_series: dict[int, list[ActionItem]] = defaultdict(list)
    series_ids = {meeting.series_id for meeting in meetings}
    for item in ActionItem.objects.filter(meeting__series_id__in=series_ids).select_related("meeting"):
        by_series[item.meeting.series_id].append(item)
    return {series_id: by_series.get(series_id, []) for series_id in series_ids}


@extend_schema_view(
    list=extend_schema(summary="List the meetings of one of your 1:1 series", description="Newest first."),
    create=extend_schema(
        summary="Open a meeting of the series",
        description="On `date` (default: the series' next date); opening a date that has a meeting returns it.",
    ),
)
class SeriesMeetingViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = MeetingSerializer

    def series(self) -> Series:
        return get_object_or_404(selectors.series_of(self.request.user), pk=self.kwargs["series_id"])

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a series
            return Meeting.objects.none()
        return self.series().meetings.prefetch_related("agenda_items").order_by("-date", "-id")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "series_items": _series_items(page)}
        return self.get_paginated_response(MeetingSerializer(page, many=True, context=context).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        series = self.series()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_open(actor=request.user, series=series, on=serializer.validated_data.get("date"))
        if "shared_notes" in serializer.validated_data:
            services.shared_notes_update(
                actor=request.user, meeting=meeting, shared_notes=serializer.validated_data["shared_notes"]
            )
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="Read one of your 1:1 meetings", description=NOT_YOURS),
    partial_update=extend_schema(
        summary="Write the shared notes", request=MeetingUpdateSerializer, responses=MeetingSerializer
    ),
)
class MeetingViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meetings_of(self.request.user).prefetch_related("agenda_items")

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        meeting = self.get_object()
        serializer = MeetingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.shared_notes_update(actor=request.user, meeting=meeting, **serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Add a point to the meeting's agenda", request=AgendaItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=AgendaItemSerializer)
    def agenda(self, request: Request, pk=None) -> Response:
        meeting = self.get_object()
        serializer = AgendaItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.agenda_item_add(actor=request.user, meeting=meeting, **serializer.validated_data)
        return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Read your private note on the meeting",
        description="Yours alone: nobody else ever reads it, the other participant included. Empty until written.",
        responses=PrivateNoteSerializer,
    )
    @extend_schema(
        methods=["PUT"],
        summary="Write your private note on the meeting",
        request=PrivateNoteSerializer,
        responses=PrivateNoteSerializer,
    )
    @action(detail=True, methods=["get", "put"], url_path="private-note", serializer_class=PrivateNoteSerializer)
    def private_note(self, request: Request, pk=None) -> Response:
        meeting = self.get_object()
        if request.method == "PUT":
            serializer = PrivateNoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = services.private_note_save(author=request.user, meeting=meeting, **serializer.validated_data)
        else:
            note = selectors.private_note(meeting, request.user)
        return Response({"body": note.body if note else ""})


@extend_schema_view(
    list=extend_schema(
        summary="List the action items of your 1:1s", description="`?done=false` lists the open ones. " + NOT_YOURS
    ),
    retrieve=extend_schema(summary="Read one action item", description=NOT_YOURS),
    create=extend_schema(summary="Agree an action item in a meeting"),
    partial_update=extend_schema(summary="Change an action item or mark it done", request=ActionItemUpdateSerializer),
)
class ActionItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    http_method_names = ("get", "post", "patch", "head", "options")

    def get_queryset(self) -> QuerySet[ActionItem]:
        items = selectors.action_items_of(self.request.user).order_by("done", "meeting__date", "id")
        done = self.request.query_params.get("done")
        if self.action == "list" and done in ("true", "false"):
            items = items.filter(done=done == "true")
        return items

    def get_serializer_class(self):
        return ActionItemUpdateSerializer if self.action == "partial_update" else ActionItemSerializer

    def perform_create(self, serializer) -> None:
        serializer.instance = services.action_item_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = services.action_item_update(
            actor=self.request.user, item=serializer.instance, **serializer.validated_data
        )
