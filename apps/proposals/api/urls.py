"""API routes of apps.proposals, included under /api/v1/ by goalcascade.api_urls."""

from rest_framework.routers import DefaultRouter

from .views import ProposalViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("proposals", ProposalViewSet, basename="proposal")
urlpatterns = [url for url in router.urls if url.name != "api-root"]
