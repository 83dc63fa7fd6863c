"""reports/alignment/: the alignment report as JSON, or downloaded as CSV or XLSX; reports/exports/: export jobs
that build the download in the background (for large organisations) and keep it for a while."""

import tempfile
from functools import partial

from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ErrorSerializer
from apps.core.api.viewsets import ApiViewSet

from .. import csvcopy, permissions, services, tables
from ..models import ExportJob
from ..renderers import CSVRenderer, XLSXRenderer, ZIPRenderer
from ..selectors import EVERY_UNIT, UnitPick, alignment_summary
from .serializers import (
    AlignmentQuerySerializer,
    AlignmentSummarySerializer,
    ExportJobCreateSerializer,
    ExportJobSerializer,
)


class CanViewReports(drf_permissions.BasePermission):
    message = "Only HR and admins see the alignment report."

    def has_permission(self, request, view) -> bool:
        return permissions.can_view_alignment_report(request.user)


class JsonErrors:
    """Errors are JSON whatever download was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This export has expired and its file was deleted: start a new one."
    default_code = "gone"


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This export has no file (yet): see its status."
    default_code = "not_ready"


class AlignmentReportView(JsonErrors, APIView):
    permission_classes = (drf_permissions.IsAuthenticated, CanViewReports)
    renderer_classes = (JSONRenderer, CSVRenderer, XLSXRenderer, ZIPRenderer)

    @extend_schema(
        summary="The alignment summary",
        description="How much of the work has a path to strategy, for a cycle, org-wide or for one unit and the units "
        "under it: headcount and coverage, goals per layer, orphaned goals, people without goals, stale goals, goals "
        "without a metric, goals at risk or off track, alignment gaps, goals copied from their parent, progress per "
        "strategic intent, check-in cadence per team, the figures of every unit rolled up the unit tree, and "
        "motivation in aggregate (groups of five or more people only). HR and admins only. `?format=csv` downloads "
        "it as one long table of eight columns (a `section` column says what each row is; a thing with several "
        "figures gives a row per figure, its section named `kind.figure`); `?format=csv&section=<name>` downloads "
        "one section as a tidy table (a header row, then a row per thing, with labels and names instead of codes "
        "and ids); `?format=zip` a ZIP of every section as a tidy CSV; `?format=xlsx` a workbook with one "
        "readable sheet per section. Every download holds every row, is named for its cycle, unit and day "
        "(`alignment-FY2026-2026-11-29.csv`), and neutralises cells a spreadsheet would run as a formula. For a "
        "large organisation, prefer an export job (`reports/exports/`).",
        parameters=[
            AlignmentQuerySerializer,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "xlsx", "zip"],
                description="json (default), csv, xlsx or zip.",
            ),
        ],
        responses={
            (200, "application/json"): AlignmentSummarySerializer,
            (200, CSVRenderer.media_type): OpenApiResponse(OpenApiTypes.STR, description="The summary as CSV."),
            (200, XLSXRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The summary as XLSX."),
            (200, ZIPRenderer.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="One tidy CSV per section, zipped."
            ),
        },
    )
    def get(self, request: Request):
        query = AlignmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        renderer = request.accepted_renderer
        download = isinstance(renderer, CSVRenderer | XLSXRenderer | ZIPRenderer)
        shown = None if download else params["limit"]  # a download holds every copied goal
        # JSON shows the first `limit` units; a download holds every one.
        units = EVERY_UNIT if download else UnitPick(limit=params["limit"])
        summary = alignment_summary(params.get("cycle"), unit=params.get("unit"), shown=shown, units=units)
        if download:
            return _download(summary, params.get("cycle"), renderer, params.get("section"))
        context = {"limit": params["limit"]}
        return Response(AlignmentSummarySerializer(summary, context=context).data)


def _download(summary, cycle, renderer, section: str | None):
    """The report as a file named for its cycle, unit and day: the long CSV, one section's tidy CSV, the ZIP of
    them all or the workbook."""
    if isinstance(renderer, CSVRenderer):
        if section:
            lines = tables.csv_lines(tables.sheet(summary, section))
        else:
            lines = csvcopy.csv_bytes(summary)  # the export job's CSV: its goal lists written by PostgreSQL
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        name = tables.report_name(summary, cycle, "csv", section)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    if isinstance(renderer, ZIPRenderer):
        member = partial(tables.report_name, summary, cycle, "csv")
        tables.write_zip(tables.sheets(summary), file, member)
    else:
        XLSXRenderer().write(tables.sheets(summary), file)
    file.seek(0)
    name = tables.report_name(summary, cycle, renderer.format)
    return FileResponse(file, as_attachment=True, filename=name, content_type=renderer.media_type)


@extend_schema_view(
    list=extend_schema(
        summary="List export jobs",
        description="Your export jobs of the alignment report, newest first (an admin sees everyone's). HR and admins "
        "only. Paginated.",
    ),
    retrieve=extend_schema(
        summary="Read an export job",
        description="Its status and progress (0–100), and `download_url` once the file is ready. Poll this until "
        "`status` is done or failed. Someone else's job answers 404 (except to an admin).",
    ),
    create=extend_schema(
        summary="Start an export job",
        description="Builds the alignment report as CSV, XLSX or a ZIP of tidy CSVs in the background (in the "
        "embedded mode, before answering). The file is kept in the configured storage until `expires_at` "
        "(EXPORT_EXPIRES_HOURS after it is done), downloadable by whoever asked for it and by admins. HR and admins "
        "only.",
        request=ExportJobCreateSerializer,
        responses={201: ExportJobSerializer},
    ),
)
class ExportJobViewSet(
    JsonErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet
):
    serializer_class = ExportJobSerializer
    permission_classes = (drf_permissions.IsAuthenticated, CanViewReports)

    def get_queryset(self):
        """The caller's jobs; an admin's, everyone's."""
        return permissions.visible_export_jobs(self.request.user).order_by("-created", "-id")

    def create(self, request: Request, *args, **kwargs) -> Response:
        params = ExportJobCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        job = services.export_job_create(actor=request.user, **params.validated_data)
        job.refresh_from_db()  # in the embedded mode the job has already run
        headers = {"Location": request.build_absolute_uri(reverse("export-job-detail", args=[job.pk]))}
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(
        summary="Download an export job's file",
        description="The file, once the job is done. 409 while it is not done (or failed), 410 once it has expired.",
        responses={
            (200, CSVRenderer.media_type): OpenApiResponse(OpenApiTypes.STR, description="The report as CSV."),
            (200, XLSXRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The report as XLSX."),
            (200, ZIPRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="Tidy CSVs, zipped."),
            (409, "application/json"): OpenApiResponse(ErrorSerializer, description="The file is not ready."),
            (410, "application/json"): OpenApiResponse(ErrorSerializer, description="The export has expired."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=(JSONRenderer, CSVRenderer, XLSXRenderer, ZIPRenderer))
    def download(self, request: Request, pk=None):
        job = self.get_object()
        if services.export_job_is_expired(job):
            raise Gone()
        if job.status != ExportJob.Status.DONE or not job.file:
            raise NotReady()
        media_type = {"csv": CSVRenderer, "zip": ZIPRenderer}.get(job.format, XLSXRenderer).media_type
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=media_type)
