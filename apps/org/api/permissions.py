"""DRF permission classes for the organisation's rules (apps.org.permissions), shared by the org and cycles APIs."""

from rest_framework import permissions as drf_permissions

from apps.core.api.viewsets import ObjectRule

from .. import permissions


class ManagesOrg(drf_permissions.BasePermission):
    """Everyone signed in reads the organisation; admins and HR change it."""

    message = "Only HR and admins change the organisation."

    def has_permission(self, request, view) -> bool:
        return request.method in drf_permissions.SAFE_METHODS or permissions.can_manage_org(request.user)


class ManagesOrgOrSetsCadence(ManagesOrg):
    """units/: as ManagesOrg, and a unit's lead may PATCH its `checkin_cadence_days` alone (the service checks that
    they lead it)."""

    def has_permission(self, request, view) -> bool:
        if super().has_permission(request, view):
            return True
        data = request.data
        return view.action == "partial_update" and isinstance(data, dict) and set(data) == {"checkin_cadence_days"}


class CanChangePerson(ObjectRule):
    rule = permissions.can_change_person
    message = "Only an admin changes an admin's account."


class CanImport(drf_permissions.BasePermission):
    """Import jobs, read or started: HR and admins only."""

    message = "Only HR and admins import people."

    def has_permission(self, request, view) -> bool:
        return permissions.can_manage_org(request.user)
