from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M` (default 50, at most 500); answers {"count", "next", "previous", "results"}."""

    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = "Number of results per page (default 50, at most 500)."

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "How many results there are in all.",
            "next": "The URL of the next page; null on the last.",
            "previous": "The URL of the previous page; null on the first.",
            "results": "This page's results.",
        }
        for name, description in descriptions.items():
            paginated["properties"][name]["description"] = description
        return paginated
