"""Who may do what with cycles beyond creating and changing them (apps.org.permissions.can_manage_org: HR, admins)."""

from apps.org.permissions import Role, access_for, can_manage_org


def can_close_cycle(person) -> bool:
    """Closing a cycle: those who change cycles (HR, admins) and leaders, who own the strategy it carried."""
    access = access_for(person)
    return access is not None and (can_manage_org(person) or access.role == Role.LEADER)
