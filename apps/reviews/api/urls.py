"""API routes of apps.reviews, included under /api/v1/ by goalcascade.api_urls."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from .views import GoalCarryOverView, ReviewViewSet

router = SimpleRouter()
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = [
    # Ids are 64-bit integers: anything longer names nothing (404), as in every other route.
    re_path(r"^goals/(?P<pk>[0-9]{1,18})/carry-over/$", GoalCarryOverView.as_view(), name="goal-carry-over"),
    *router.urls,
]
