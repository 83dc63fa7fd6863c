"""The organisation API (units, people) and the token endpoint: thin views over apps.org.services."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
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

from .. import importing, invitations, permissions
from ..filters import PersonFilterSet, UnitFilterSet
from ..importing import jobs
from ..models import AccountMail, ImportJob, Person, Unit
from .permissions import CanChangePerson, CanImport, ManagesOrg, ManagesOrgOrSetsCadence
from .serializers import (
    ALLOW_ROOT_HELP,
    CONFIRM_HELP,
    AcceptedSerializer,
    CredentialsSerializer,
    ImportFlagsSerializer,
    ImportJobCreateSerializer,
    ImportJobSerializer,
    ImportRefusedSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    InvitationsQueuedSerializer,
    PasswordResetSerializer,
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
    permission_classes = (*ApiViewSet.permission_classes, ManagesOrgOrSetsCadence)

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.order_by("tree_id", "lft")


@extend_schema_view(
    list=extend_schema(
        summary="List people",
        description="Everyone in the organisation. Paginated. `?activated=false` lists who has not got in yet.",
    ),
    retrieve=extend_schema(summary="Read a person"),
    create=extend_schema(
        summary="Create a person",
        description="HR and admins; only an admin creates an admin. Without `password`, a person with an email is "
        "mailed an invitation to set one once the person is saved.",
    ),
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
        return invitations.with_activated(Person.objects.order_by("pk"))

    @extend_schema(
        summary="Mail a person an invitation",
        description="HR and admins (only an admin invites an admin). Mails the person a link to set their password "
        "and sign in: it works once, for INVITATION_DAYS (7) days; earlier invitations keep working until one is "
        "used. 400 when the person is deactivated, has no email or has activated already (they can reset their "
        "password instead). The mail goes out from a background task.",
        request=None,
        responses={202: AcceptedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="invite", filter_backends=(), pagination_class=None)
    def invite(self, request: Request, pk=None) -> Response:
        person = self.get_object()
        try:
            invitations.invitation_request(actor=request.user, person=person)
        except ValidationError as exc:
            return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        detail = f"An invitation is on its way to {person.email}."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Mail everyone who has not activated an invitation",
        description="HR and admins. An invitation to every active person with an email who has neither signed in "
        "nor got a password (`?activated=false`), except those invited in the last hour; an admin's reaches admins "
        "too. Answers how many.",
        request=None,
        responses={202: InvitationsQueuedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="invite-pending", filter_backends=(), pagination_class=None)
    def invite_pending(self, request: Request) -> Response:
        count = invitations.invitations_request_pending(actor=request.user)
        detail = f"{count} invitation{'' if count == 1 else 's'} on the way."
        return Response({"detail": detail, "count": count}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Import the org chart",
        description="HR and admins. Adds and updates people by employee id, creates missing units along each "
        "unit_path, and deactivates (never deletes) people missing from the file or marked inactive; their goals "
        "stay. All or nothing: a file with any problem changes nothing and answers 400 with every problem by row "
        "and column. The same file twice changes nothing the second time. `dry_run=true` checks and counts only. "
        "Safety: an import that deactivates more than 10 % of the active people with an employee id needs "
        "`confirm_deactivations` set to that number (a dry run answers it), else 400 naming that parameter; a "
        "unit_path must start with an existing top unit's name unless `allow_new_root=true`.",
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[
            OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Check and count, write nothing."),
            OpenApiParameter("confirm_deactivations", OpenApiTypes.INT, description=CONFIRM_HELP),
            OpenApiParameter("allow_new_root", OpenApiTypes.BOOL, description=ALLOW_ROOT_HELP),
        ],
        responses={
            200: ImportResultSerializer,
            202: OpenApiResponse(
                ImportJobSerializer,
                description="A file over IMPORT_INLINE_MAX_ROWS rows (5,000 by "
                "default) runs as an import job: poll the Location (people/import-jobs/{id}/).",
            ),
            400: OpenApiResponse(ImportRefusedSerializer),
        },
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
        options, data = flags.validated_data, file.read()
        if too_large := importing.size_problems(data):
            return Response({"problems": _problems(too_large)}, status=status.HTTP_400_BAD_REQUEST)
        if importing.row_bound(data) > settings.IMPORT_INLINE_MAX_ROWS:
            # Too long to hold a web worker for: the import runs as a job (people/import-jobs/).
            job = jobs.import_job_create(actor=request.user, data=data, filename=file.name, **options)
            return _job_accepted(request, job)
        plan = importing.import_people(actor=request.user, data=data, filename=file.name, **options)
        if not plan.ok:
            return _refused(plan)
        body = {"applied": plan.applied, "counts": plan.counts, "warnings": _problems(plan.warnings)}
        return Response(body | {"confirm_deactivations": plan.confirmation_count})


def _refused(plan: importing.ImportPlan) -> Response:
    """The file's problems by row and column; an unconfirmed mass deactivation as the parameter's own error."""
    unconfirmed = [p.message for p in plan.problems if p.column == importing.CONFIRM_FIELD and p.row is None]
    body = {importing.CONFIRM_FIELD: unconfirmed} if unconfirmed else {"problems": _problems(plan.problems)}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _job_accepted(request: Request, job: ImportJob) -> Response:
    body = ImportJobSerializer(job, context={"request": request}).data
    location = request.build_absolute_uri(reverse("import-job-detail", args=[job.pk]))
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


@extend_schema_view(
    list=extend_schema(
        summary="List import jobs",
        description="Your org-chart checks and imports (an admin's: "
        "everyone's), newest first. HR and admins. Paginated.",
    ),
    retrieve=extend_schema(
        summary="Read an import job", description="Poll it until `status` is done, refused or failed."
    ),
    create=extend_schema(
        summary="Check or import an org chart in the background",
        description="HR and admins. Stores the file and answers 202 at once; a worker checks it (and, unless "
        "`dry_run`, imports it: all or nothing, as `people/import/`). Poll `Location` for the outcome.",
        request={"multipart/form-data": ImportJobCreateSerializer},
        responses={202: ImportJobSerializer, 400: OpenApiResponse(ImportRefusedSerializer)},
    ),
)
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = ImportJobSerializer
    permission_classes = (*ApiViewSet.permission_classes, ManagesOrg, CanImport)
    parser_classes = (MultiPartParser,)

    def get_queryset(self) -> QuerySet[ImportJob]:
        sent = Q(account_mails__outcome=AccountMail.Outcome.SENT)
        jobs = permissions.visible_import_jobs(self.request.user).annotate(
            invitations_sent=Count("account_mails", filter=sent)
        )
        return jobs.order_by("-created", "-id")

    def create(self, request: Request, *args, **kwargs) -> Response:
        params = ImportJobCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        file, data = params.validated_data["file"], params.validated_data["file"].read()
        if too_large := importing.size_problems(data):
            return Response({"problems": _problems(too_large)}, status=status.HTTP_400_BAD_REQUEST)
        options = {name: params.validated_data[name] for name in ("dry_run", "confirm_deactivations", "allow_new_root")}
        job = jobs.import_job_create(actor=request.user, data=data, filename=file.name, **options)
        return _job_accepted(request, job)


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


RESET_ACCEPTED = (
    "If the address belongs to an active account, a link to set its password is on its way. It works once, for a "
    "limited time."
)


class PasswordResetView(APIView):
    """Ask for a password link by email; the answer is the same whoever the address belongs to."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (AnonRateThrottle, AuthRateThrottle)

    @extend_schema(
        summary="Mail a link to set a password",
        description="Answers 202 for every well-formed address, whether or not it belongs to someone, so it tells "
        "nobody who has an account. When it belongs to active people — with a password or without one (imported "
        "people who never set one) — each is mailed a link to choose a password (valid for PASSWORD_RESET_HOURS, "
        "24; it works once). Throttled per client address with the token endpoint (`API_THROTTLE_AUTH`), and one "
        "address is mailed at most PASSWORD_RESET_MAILS_PER_HOUR (5) links an hour. With PASSWORD_LOGIN=false "
        "nothing is mailed.",
        request=PasswordResetSerializer,
        responses={202: AcceptedSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitations.password_reset_request(email=serializer.validated_data["email"])
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)
