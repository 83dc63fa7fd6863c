"""More API routes of apps.goals, included under /api/v1/ by goalcascade.api_urls (beside the router there)."""

urlpatterns: list = []
