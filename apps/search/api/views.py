"""GET /api/v1/search/: the same search as the header's box, as JSON."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from .serializers import SearchQuerySerializer, SearchResultsSerializer


class SearchView(APIView):
    permission_classes = (permissions.IsAuthenticated,)

    @extend_schema(
        summary="Search goals, people and units",
        description="Goals you may see whose title or description matches (a personal goal's why, identity and "
        "motivation are never searched), active people by name or username, and units by name; at most `limit` of "
        "each. Archived goals only with `archived=true`. 400 names `q` when it is missing, empty, longer than 200 "
        "characters or holds a NUL.",
        parameters=[SearchQuerySerializer],
        responses={200: SearchResultsSerializer},
    )
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        results = selectors.search(
            request.user, params["q"], limit=params["limit"], include_archived=params["archived"]
        )
        return Response(SearchResultsSerializer(results, context={"chains": results.chains}).data)
