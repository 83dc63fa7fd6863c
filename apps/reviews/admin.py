"""Reviews in the Django admin: read only (they are written through apps.reviews.services by their goal's owner and
signed off by the owner's manager chain). The reflection is the owner's words: shown to admins (who may read it,
apps.reviews.permissions), never to other staff."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.org.permissions import access_for

from .models import Review

FIELDS = ("goal", "score", "relevance", "author", "signed_off_by", "signed_off_at", "created", "updated")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("goal", "score", "relevance", "signed_off_by", "signed_off_at")
    list_filter = ("relevance",)
    list_select_related = ("goal", "signed_off_by")
    raw_id_fields = ("goal", "author", "signed_off_by")

    def get_fields(self, request, obj=None):
        access = access_for(request.user)
        return (*FIELDS, "reflection") if access is not None and access.is_admin else FIELDS

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)
