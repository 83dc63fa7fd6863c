"""API routes of apps.goal_templates, included under /api/v1/ by goalcascade.api_urls."""

from rest_framework.routers import DefaultRouter

from .views import TemplateViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("templates", TemplateViewSet, basename="template")
urlpatterns = [url for url in router.urls if url.name != "api-root"]
