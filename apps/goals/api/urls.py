"""More API routes of apps.goals, included under /api/v1/ by goalcascade.api_urls (beside the router there)."""

from rest_framework.routers import DefaultRouter

from .links import LinkViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("links", LinkViewSet, basename="link")

urlpatterns: list = router.urls
