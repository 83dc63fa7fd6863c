"""The goals and metrics API: thin viewsets over apps.goals.services, with apps.goals.permissions deciding access."""

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet, ObjectRule

from .. import permissions, selectors, services
from ..filters import GoalFilterSet, MetricFilterSet
from ..models import Goal, Metric, ReflectionRead
from ..selectors import goal_ancestors
from . import tree
from .serializers import (
    CheckInSerializer,
    GoalCheckInSerializer,
    GoalMoveSerializer,
    GoalSerializer,
    GoalTreeSerializer,
    MetricSerializer,
    ReflectionReadSerializer,
)


def with_goal_reads(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    """What serialising a goal reads, joined in: the cycle (for health) and the owner's unit (for privacy)."""
    return queryset.select_related("cycle").annotate(owner_unit_id=F("owner__unit_id"))


class CanChangeGoal(ObjectRule):
    rule = permissions.can_change_goal
    message = "Your role may not change this goal."

    def has_object_permission(self, request, view, goal) -> bool:
        if view.action == "checkins" and request.method == "POST":
            self.message = "Only the goal's owner and those who may change the goal check in on it."
            return permissions.can_record_goal_checkin(request.user, goal)
        return super().has_object_permission(request, view, goal)


@extend_schema_view(
    list=extend_schema(
        summary="List goals",
        description="The goals you may see, archived ones left out unless `archived=true`. Paginated.",
    ),
    retrieve=extend_schema(summary="Read a goal", description="Archived goals are still readable."),
    create=extend_schema(
        summary="Create a goal",
        description="Checked against the cascade rules (layer, parent, cycle) and against what your role may create.",
    ),
    update=extend_schema(
        summary="Replace a goal's fields",
        description="The layer is fixed and the parent changes only through move/. Progress figures are computed.",
    ),
    partial_update=extend_schema(summary="Change some of a goal's fields"),
    destroy=extend_schema(
        summary="Archive a goal",
        description="Goals are never deleted: this archives the goal (its history is kept). "
        "A goal with goals under it in use cannot be archived: archive or move them first.",
        responses={204: OpenApiResponse(description="Archived (or already archived).")},
    ),
)
class GoalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet
    permission_classes = (*ApiViewSet.permission_classes, CanChangeGoal)

    def handle_exception(self, exc):
        # An error is JSON like every other error of the API, also when the client asked tree/ for NDJSON.
        response = super().handle_exception(exc)
        if getattr(self.request, "accepted_renderer", None) and not isinstance(
            self.request.accepted_renderer, JSONRenderer
        ):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def get_queryset(self) -> QuerySet[Goal]:
        return with_goal_reads(permissions.visible_goals(self.request.user)).order_by("pk")

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.reflection_reads: set[int] = set()

    def get_serializer_context(self) -> dict:
        context = {**super().get_serializer_context(), "today": timezone.localdate()}
        return {**context, "reflection_reads": getattr(self, "reflection_reads", set())}

    def finalize_response(self, request, response, *args, **kwargs):
        """Whoever read someone else's reflection in this answer is recorded for its owner (one INSERT)."""
        if response.status_code < 300 and getattr(self, "reflection_reads", None):
            services.reflection_reads_record(
                reader=request.user, goal_ids=self.reflection_reads, channel=ReflectionRead.Channel.API
            )
        return super().finalize_response(request, response, *args, **kwargs)

    def _reloaded(self, goal: Goal) -> Goal:
        # Read back with what the answer shows; unfiltered, since a change may hide the goal from its author.
        return with_goal_reads(Goal.objects.all()).get(pk=goal.pk)

    def perform_create(self, serializer: GoalSerializer) -> None:
        data = serializer.validated_data
        if not permissions.can_create_goal(
            self.request.user, layer=data["layer"], unit=data["unit"], owner=data["owner"], parent=data.get("parent")
        ):
            raise PermissionDenied("Your role may not create this goal for that unit and owner.")
        serializer.instance = self._reloaded(serializer.save())

    def perform_update(self, serializer: GoalSerializer) -> None:
        goal, data = serializer.instance, serializer.validated_data
        unit, owner = data.get("unit"), data.get("owner")
        reassigned = (unit is not None and unit.pk != goal.unit_id) or (owner is not None and owner.pk != goal.owner_id)
        if reassigned and not permissions.can_create_goal(
            self.request.user, layer=goal.layer, unit=unit or goal.unit, owner=owner or goal.owner
        ):
            raise PermissionDenied("You may not give this goal to that unit or owner.")
        serializer.instance = self._reloaded(serializer.save())

    def perform_destroy(self, goal: Goal) -> None:
        services.goal_archive(actor=self.request.user, goal=goal)

    @extend_schema(
        summary="Restore an archived goal",
        description="Puts an archived goal back in use (its parent must be in use).",
        request=None,
        responses=GoalSerializer,
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk=None) -> Response:
        goal = services.goal_restore(actor=request.user, goal=self.get_object())
        return Response(self.get_serializer(self._reloaded(goal)).data)

    @extend_schema(
        summary="Move a goal under another parent",
        description="Checked against the cascade rules: not under itself or a descendant, layers never go upward, "
        "the parent's cycle must contain the goal's. null detaches a personal goal.",
        request=GoalMoveSerializer,
        responses=GoalSerializer,
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        goal = self.get_object()
        serializer = GoalMoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.goal_move(actor=request.user, goal=goal, parent=serializer.validated_data["parent"])
        return Response(self.get_serializer(self._reloaded(goal)).data)

    @extend_schema(
        summary="A goal and everything under it",
        description="The goal and all its descendants you may see (archived ones left out), each nested under "
        f"its parent's `children`. A subtree of up to {tree.MAX_NODES} goals is answered whole; a larger one is cut "
        "at whole levels, breadth first: the root then says `truncated: true`, and each goal whose `children` are "
        "not all there has `children_count` and `children_next` (the URL of the rest). `depth` and `limit` ask for "
        "fewer levels and fewer children per goal; `offset` pages the goal's own children. `?format=ndjson` streams "
        "the whole subtree whatever its size, one goal per line (the fields of goals/{id}/, no `children`), parents "
        "before children. One fixed number of queries whatever the size of the subtree.",
        parameters=[tree.TreeQuerySerializer],
        responses={
            (200, "application/json"): GoalTreeSerializer,
            (200, tree.NDJSONRenderer.media_type): OpenApiResponse(
                OpenApiTypes.STR, description="With `?format=ndjson`: one goal (JSON) per line."
            ),
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None, renderer_classes=(JSONRenderer, tree.NDJSONRenderer))
    def tree(self, request: Request, pk=None) -> Response:
        # The root is answered even when archived (get_object found it); archived goals below are left out.
        root = self.get_object()
        params = tree.TreeQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        if request.accepted_renderer.format == tree.NDJSONRenderer.format:
            return self._streamed_subtree(request, root)
        query = tree.TreeQuery(**params.validated_data)
        return Response(tree.nested_tree(root, request.user, query, timezone.localdate(), self.reflection_reads))

    def _streamed_subtree(self, request: Request, root: Goal) -> StreamingHttpResponse:
        def record(goal_ids: set[int]) -> None:
            services.reflection_reads_record(reader=request.user, goal_ids=goal_ids, channel=ReflectionRead.Channel.API)

        nodes = tree.stream_subtree(root, request.user, timezone.localdate(), record)
        response = StreamingHttpResponse(tree.ndjson_lines(nodes), content_type=tree.NDJSONRenderer.media_type)
        response["Content-Disposition"] = f'attachment; filename="goal-{root.pk}-subtree.ndjson"'
        return response

    @extend_schema(
        methods=["GET"],
        summary="A goal's check-in history",
        description="Every check-in on the goal: on the goal itself and on its metrics, newest first. Paginated.",
        responses=GoalCheckInSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Check in on a goal itself",
        description="For goals without metrics (most intents): a confidence, a note, the owner's health and, where "
        "the goal's progress is entered by hand, its new progress. For the goal's owner and whoever may change it. "
        "Progress rolls up in the background.",
        request=GoalCheckInSerializer,
        responses={201: GoalCheckInSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=())
    def checkins(self, request: Request, pk=None) -> Response:
        goal = self.get_object()
        return checkins_answer(self, request, GoalCheckInSerializer, goal.checkins.all(), goal=goal)

    @extend_schema(
        summary="Who read your reflection",
        description="The owner of a personal goal only: who else read its private why, identity and motivation, "
        "where and when, newest first. Paginated.",
        responses=ReflectionReadSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=())
    def readers(self, request: Request, pk=None) -> Response:
        goal = self.get_object()
        if goal.owner_id != request.user.pk:
            raise PermissionDenied("Only the goal's owner sees who read their reflection.")
        page = self.paginate_queryset(selectors.reflection_readers(goal))
        return self.get_paginated_response(ReflectionReadSerializer(page, many=True).data)

    @extend_schema(
        summary="The line of sight to a goal",
        description="The path from the root intent down to the goal itself (root first, the goal last), "
        "leaving out any step you may not see. Not paginated: a path is as long as the cascade is deep.",
        responses=GoalSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=())
    def ancestors(self, request: Request, pk=None) -> Response:
        goal = self.get_object()
        path = list(with_goal_reads(permissions.visible_goals(request.user, goal_ancestors(goal))))
        return Response(self.get_serializer([*path, goal], many=True).data)


def checkins_answer(view, request: Request, serializer_class, checkins, **target) -> Response:
    """A check-in history (GET, newest first, paginated) or a new check-in on `target` (POST: 201); `target` is
    `goal=` (a check-in on the goal itself) or `metric=`."""
    if request.method == "POST":
        serializer = serializer_class(data=request.data, context={**view.get_serializer_context(), **target})
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)
    page = view.paginate_queryset(checkins.order_by("-created", "-id"))
    goal = target["goal"] if "goal" in target else target["metric"].goal
    context = {**view.get_serializer_context(), **reflection_context(request.user, goal)}
    return view.get_paginated_response(serializer_class(page, many=True, context=context).data)


def reflection_context(user, goal) -> dict:
    """Whether `user` reads the reflections of the check-ins on `goal`: asked once for a whole list."""
    return {"reflection_visible": permissions.checkin_reflection_visible(user, goal)}


# --- Metrics and check-ins ---------------------------------------------------------------


class MetricRules(drf_permissions.BasePermission):
    message = "Your role may not change this metric."

    def has_object_permission(self, request, view, metric: Metric) -> bool:
        if request.method in drf_permissions.SAFE_METHODS:
            return True
        if view.action == "checkins":
            self.message = "Only the goal's owner and those who may change the goal check in on its metrics."
            return permissions.can_record_checkin(request.user, metric)
        return permissions.can_change_metric(request.user, metric)


@extend_schema_view(
    list=extend_schema(
        summary="List metrics",
        description="The metrics of the goals you may see, archived ones left out unless `archived=true`. Paginated.",
    ),
    retrieve=extend_schema(summary="Read a metric"),
    create=extend_schema(
        summary="Add a metric to a goal",
        description="For whoever may change the goal. The goal's progress rolls up in the background.",
    ),
    update=extend_schema(summary="Replace a metric's fields", description="The goal is fixed."),
    partial_update=extend_schema(summary="Change some of a metric's fields"),
    destroy=extend_schema(
        summary="Archive a metric",
        description="Metrics are never deleted: this archives the metric and its check-in history is kept.",
        responses={204: OpenApiResponse(description="Archived (or already archived).")},
    ),
)
class MetricViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = MetricSerializer
    filterset_class = MetricFilterSet
    permission_classes = (*ApiViewSet.permission_classes, MetricRules)

    def get_queryset(self) -> QuerySet[Metric]:
        queryset = Metric.objects.select_related("goal__owner")
        return permissions.visible_metrics(self.request.user, queryset).order_by("pk")

    def perform_create(self, serializer: MetricSerializer) -> None:
        if not permissions.can_create_metric(self.request.user, serializer.validated_data["goal"]):
            raise PermissionDenied("Your role may not add metrics to this goal.")
        serializer.save()

    def perform_destroy(self, metric: Metric) -> None:
        services.metric_archive(actor=self.request.user, metric=metric)

    @extend_schema(
        methods=["GET"],
        summary="A metric's check-in history",
        description="Newest first. Paginated.",
        responses=CheckInSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Check in on a metric",
        description="Records the metric's new value with a confidence and a note; for the goal's owner and whoever "
        "may change the goal. The goal's progress and its ancestors' roll up in the background: read them "
        "again until they change.",
        request=CheckInSerializer,
        responses={201: CheckInSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=())
    def checkins(self, request: Request, pk=None) -> Response:
        metric = self.get_object()
        return checkins_answer(self, request, CheckInSerializer, metric.checkins.all(), metric=metric)
