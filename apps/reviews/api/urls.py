"""API routes of apps.reviews, included under /api/v1/ by goalcascade.api_urls."""

urlpatterns: list = []
