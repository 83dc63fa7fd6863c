"""The REST API, under /api/v1/ (see DESIGN.md, "The REST API contract")."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from apps.core.api.views import not_found
from apps.cycles.api.views import CycleViewSet
from apps.goals.api.batch import CheckInBatchView
from apps.goals.api.comments import GoalCommentViewSet
from apps.goals.api.views import GoalViewSet, MetricViewSet
from apps.notifications.api.views import NotificationViewSet, PreferencesView
from apps.one_on_ones.api.views import ActionItemViewSet, MeetingViewSet, SeriesMeetingViewSet, SeriesViewSet
from apps.org.api.views import ImportJobViewSet, PasswordResetView, PersonViewSet, TokenView, UnitViewSet
from apps.recognition.api.views import CoachingProfileView, RecognitionView, WinListView
from apps.reports.api.views import AlignmentReportView, ExportJobViewSet
from apps.search.api.views import SearchView

router = DefaultRouter()
router.include_format_suffixes = False
router.register("units", UnitViewSet, basename="unit")
router.register("people/import-jobs", ImportJobViewSet, basename="import-job")
router.register("people", PersonViewSet, basename="person")
router.register("cycles", CycleViewSet, basename="cycle")
router.register("goals", GoalViewSet, basename="goal")
router.register(r"goals/(?P<goal_id>[0-9]{1,18})/comments", GoalCommentViewSet, basename="goal-comment")
router.register("metrics", MetricViewSet, basename="metric")
router.register("reports/exports", ExportJobViewSet, basename="export-job")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("one-on-ones", SeriesViewSet, basename="one-on-one")
router.register(r"one-on-ones/(?P<series_id>[0-9]{1,18})/meetings", SeriesMeetingViewSet, basename="one-on-one-meeting")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-items", ActionItemViewSet, basename="action-item")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/password-reset/", PasswordResetView.as_view(), name="api-password-reset"),
    path("reports/alignment/", AlignmentReportView.as_view(), name="alignment-report"),
    path("checkins/batch/", CheckInBatchView.as_view(), name="checkin-batch"),
    path("me/preferences/", PreferencesView.as_view(), name="me-preferences"),
    path("search/", SearchView.as_view(), name="search"),
    path("people/<int:pk>/coaching-profile/", CoachingProfileView.as_view(), name="coaching-profile"),
    path("wins/", WinListView.as_view(), name="wins"),
    path("recognitions/", RecognitionView.as_view(), name="recognitions"),
    *router.urls,
    # Each app's own routes beside the router's (issue 14: links, carry-over, proposals, reviews, templates…).
    path("", include("apps.goals.api.urls")),
    path("", include("apps.proposals.api.urls")),
    path("", include("apps.reviews.api.urls")),
    path("", include("apps.goal_templates.api.urls")),
    path("", include("apps.reports.api.urls")),
    # Anything else under /api/v1/ is a JSON 404, like every other API error (not the site's HTML page).
    re_path(r"", not_found),
]
