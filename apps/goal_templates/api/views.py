"""templates/ (DESIGN.md, the API contract's next additions): a library of goals with metrics, and their assignment
to many people or units at once.

Everyone signed in reads the templates in use; an archived one (DELETE archives) is not found. Creating needs a
manager's place (leads a unit or has reports), admins or leaders (403 otherwise); changing, the template's author or
an admin (403). A `goal` or `parent` the caller may not see is "does not exist" (400), as everywhere in the API.
"""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.viewsets import ApiViewSet

from .. import permissions, services
from ..models import GoalTemplate, TemplateMetric
from .serializers import AssignResultSerializer, AssignSerializer, TemplateFromGoalSerializer, TemplateSerializer


def _metrics(data: dict) -> list[dict]:
    return [dict(item) for item in data.get("metrics", [])]


@extend_schema_view(
    list=extend_schema(summary="List the goal templates", description="Every template in use; everyone reads them."),
    retrieve=extend_schema(summary="Read one goal template"),
    create=extend_schema(
        summary="Create a goal template",
        description="Admins, leaders, and whoever leads a unit or has reports (403 otherwise).",
    ),
    partial_update=extend_schema(
        summary="Change a goal template", description="Its author and admins; `metrics` replaces them all."
    ),
    destroy=extend_schema(summary="Archive a goal template", description="The goals made from it stay."),
)
class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = TemplateSerializer
    http_method_names = ("get", "post", "patch", "delete", "head", "options")

    def get_queryset(self) -> QuerySet[GoalTemplate]:
        metrics = Prefetch("metrics", queryset=TemplateMetric.objects.order_by("id"))
        return GoalTemplate.objects.filter(archived_at__isnull=True).prefetch_related(metrics).order_by("title", "id")

    def initial(self, request: Request, *args, **kwargs) -> None:
        """A role that may not make or assign templates is refused (403) before its input is even read."""
        super().initial(request, *args, **kwargs)
        if self.action in ("create", "from_goal") and not permissions.can_create_template(request.user):
            raise PermissionDenied("Templates are made by admins, leaders and whoever leads a unit or has reports.")
        if self.action == "assign" and not permissions.can_assign_templates(request.user):
            raise PermissionDenied("Templates are assigned by admins, leaders and whoever leads a unit or has reports.")

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.template_create(actor=self.request.user, **{**data, "metrics": _metrics(data)})

    def perform_update(self, serializer) -> None:
        data = dict(serializer.validated_data)
        if "metrics" in data:
            data["metrics"] = _metrics(data)
        services.template_update(actor=self.request.user, template=serializer.instance, **data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance: GoalTemplate) -> None:
        services.template_archive(actor=self.request.user, template=instance)

    @extend_schema(
        summary="Save a goal as a template",
        description="Its title, description, layer and metrics in use — never a personal goal's reflection. "
        "The goal must be one you see (400 otherwise).",
        request=TemplateFromGoalSerializer,
        responses={201: TemplateSerializer},
    )
    @action(detail=False, methods=["post"], url_path="from-goal", serializer_class=TemplateFromGoalSerializer)
    def from_goal(self, request: Request) -> Response:
        serializer = TemplateFromGoalSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        template = services.template_from_goal(actor=request.user, **serializer.validated_data)
        template = self.get_queryset().get(pk=template.pk)
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Assign a template to people and units",
        description="One goal per person (owned by them, for their unit) and per unit (owned by its lead), under "
        "`parent`, in one transaction: all or none. People in your manager chain and units you lead (admins: "
        "anyone); 403 naming the ids otherwise. Unknown or inactive ids: 400 naming the field and the ids.",
        request=AssignSerializer,
        responses={201: AssignResultSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=AssignSerializer)
    def assign(self, request: Request, pk=None) -> Response:
        template = self.get_object()
        serializer = AssignSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        goals = services.template_assign(
            actor=request.user,
            template=template,
            people=data.get("people", []),
            units=data.get("units", []),
            parent=data.get("parent"),
            cycle=data.get("cycle"),
        )
        return Response({"created": len(goals), "goals": [g.pk for g in goals]}, status=status.HTTP_201_CREATED)
