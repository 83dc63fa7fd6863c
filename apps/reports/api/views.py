"""reports/alignment/: the alignment summary as JSON, or downloaded as CSV or XLSX."""

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.goals import permissions

from .. import export
from ..renderers import CSVRenderer, XLSXRenderer
from ..selectors import alignment_summary
from .serializers import AlignmentQuerySerializer, AlignmentSummarySerializer


class CanViewReports(drf_permissions.BasePermission):
    message = "Only HR and admins see the alignment report."

    def has_permission(self, request, view) -> bool:
        return permissions.can_view_alignment_report(request.user)


class AlignmentReportView(APIView):
    permission_classes = (drf_permissions.IsAuthenticated, CanViewReports)
    renderer_classes = (JSONRenderer, CSVRenderer, XLSXRenderer)

    @extend_schema(
        summary="The alignment summary",
        description="How much of the work has a path to strategy: goals per layer, orphaned goals, people without "
        "goals, stale goals, motivation in aggregate. HR and admins only. `?format=csv` downloads it as one table "
        "(a `section` column says what each row is), `?format=xlsx` as a workbook with one sheet per list; "
        "both hold every row.",
        parameters=[
            AlignmentQuerySerializer,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "xlsx"],
                description="json (default), csv or xlsx.",
            ),
        ],
        responses={
            (200, "application/json"): AlignmentSummarySerializer,
            (200, CSVRenderer.media_type): OpenApiResponse(OpenApiTypes.STR, description="The summary as CSV."),
            (200, XLSXRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The summary as XLSX."),
        },
    )
    def get(self, request: Request):
        query = AlignmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        summary = alignment_summary(query.validated_data.get("cycle"))
        if isinstance(request.accepted_renderer, CSVRenderer):
            rows = CSVRenderer().stream(export.csv_rows(summary))
            response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="alignment.csv"'
            return response
        if isinstance(request.accepted_renderer, XLSXRenderer):
            file = XLSXRenderer().spooled(export.sheets(summary))
            return FileResponse(
                file, as_attachment=True, filename="alignment.xlsx", content_type=XLSXRenderer.media_type
            )
        context = {"limit": query.validated_data["limit"]}
        return Response(AlignmentSummarySerializer(summary, context=context).data)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever download was asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
