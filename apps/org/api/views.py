"""The organisation API (units, people) and the token endpoint: thin views over apps.org.services."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.throttling import AnonRateThrottle, AuthRateThrottle
from apps.core.api.viewsets import ApiViewSet

from .. import importing, permissions
from ..filters import PersonFilterSet, UnitFilterSet
from ..models import Person, Unit
from .permissions import CanChangePerson, ManagesOrg
from .serializers import (
    CredentialsSerializer,
    ImportFlagsSerializer,
    ImportRefusedSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    PersonSerializer,
    TokenSerializer,
    UnitSerializer,
)


def _problems(items) -> list[dict]:
    return [{"row": p.row, "column": p.column, "message": p.message} for p in items]


@extend_schema_view(
    list=extend_schema(summary="List units", description="Every unit of the organisation. Paginated."),
    retrieve=extend_schema(summary="Read a unit"),
    create=extend_schema(summary="Create a unit", description="HR and admins."),
    update=extend_schema(summary="Replace a unit's fields", description="HR and admins. A new parent moves it."),
    partial_update=extend_schema(summary="Change some of a unit's fields", description="HR and admins."),
)
class UnitViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    permission_classes = (*ApiViewSet.permission_classes, ManagesOrg)

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.order_by("tree_id", "lft")


@extend_schema_view(
    list=extend_schema(summary="List people", description="Everyone in the organisation. Paginated."),
    retrieve=extend_schema(summary="Read a person"),
    create=extend_schema(summary="Create a person", description="HR and admins; only an admin creates an admin."),
    update=extend_schema(summary="Replace a person's fields", description="HR and admins; username is fixed."),
    partial_update=extend_schema(summary="Change some of a person's fields", description="HR and admins."),
)
class PersonViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    permission_classes = (*ApiViewSet.permission_classes, ManagesOrg, CanChangePerson)

    def get_queryset(self) -> QuerySet[Person]:
        return Person.objects.order_by("pk")

    def _check_role(self, role: str | None) -> None:
        if role is not None and not permissions.can_assign_role(self.request.user, role):
            raise PermissionDenied("Only an admin gives the admin role.")

    def perform_create(self, serializer: PersonSerializer) -> None:
        self._check_role(serializer.validated_data.get("role"))
        serializer.save()

    def perform_update(self, serializer: PersonSerializer) -> None:
        role = serializer.validated_data.get("role")
        if role != serializer.instance.role:
            self._check_role(role)
        serializer.save()

    @extend_schema(
        summary="Import the org chart",
        description="HR and admins. Adds and updates people by employee id, creates missing units along each "
        "unit_path, and deactivates (never deletes) people missing from the file or marked inactive; their goals "
        "stay. All or nothing: a file with any problem changes nothing and answers 400 with every problem by row "
        "and column. The same file twice changes nothing the second time. `dry_run=true` checks and counts only.",
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Check and count, write nothing.")],
        responses={200: ImportResultSerializer, 400: OpenApiResponse(ImportRefusedSerializer)},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        filter_backends=(),
        pagination_class=None,
    )
    def import_file(self, request: Request) -> Response:
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        flags = ImportFlagsSerializer(data=request.query_params)
        flags.is_valid(raise_exception=True)
        dry_run = flags.validated_data["dry_run"]
        plan = importing.import_people(actor=request.user, data=file.read(), filename=file.name, dry_run=dry_run)
        if not plan.ok:
            return Response({"problems": _problems(plan.problems)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"applied": plan.applied, "counts": plan.counts, "warnings": _problems(plan.warnings)})


class TokenView(APIView):
    """Exchange a username and a password for an API token."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (AnonRateThrottle, AuthRateThrottle)

    @extend_schema(
        summary="Get an API token",
        description="Answers the caller's token (the same one until it is revoked). Send it as "
        "`Authorization: Token <token>`. Wrong credentials answer 400.",
        request=CredentialsSerializer,
        responses=TokenSerializer,
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = CredentialsSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
