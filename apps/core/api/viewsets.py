"""What every API viewset shares."""

from rest_framework import permissions, viewsets


class ApiViewSet(viewsets.GenericViewSet):
    # Ids are 64-bit integers: anything else in the path is simply not found.
    lookup_value_regex = r"[0-9]{1,18}"

    def filter_queryset(self, queryset):
        # Filters and ordering shape lists; one object is found by its id alone, archived or not.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class ObjectRule(permissions.BasePermission):
    """Applies a rule from a permissions module to one object: reading is decided by the queryset
    (what the caller may not see is not found), changing by `rule(user, obj)` (403 when refused)."""

    rule = None
    message = "Your role may not change this."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return type(self).rule(request.user, obj)
