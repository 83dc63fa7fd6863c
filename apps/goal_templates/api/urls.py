"""API routes of apps.goal_templates, included under /api/v1/ by goalcascade.api_urls."""

urlpatterns: list = []
