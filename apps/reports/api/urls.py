"""More API routes of apps.reports, included under /api/v1/ by goalcascade.api_urls (beside the router there)."""

urlpatterns: list = []
