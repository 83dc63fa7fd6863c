"""API routes of apps.proposals, included under /api/v1/ by goalcascade.api_urls."""

urlpatterns: list = []
