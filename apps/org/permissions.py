"""Who a person is in the organisation, and who may change the organisation: one place, used by the API,
the pages, the import and the admin.

`Access` holds what every permission check needs about one person's place in the organisation
(their reports, the units they lead), read once per request. The goal rules built on it live in
apps.goals.permissions; who may see reports, in apps.reports.permissions.
"""

from functools import cached_property

from django.db.models import QuerySet

from . import selectors
from .models import ImportJob, Person

Role = Person.Role


class Access:
    """What one person's permission checks need, read lazily and at most once."""

    def __init__(self, person: Person):
        self.person = person
        self.role = person.role
        self.is_admin = person.is_admin_account

    @property
    def sees_everything(self) -> bool:
        return self.is_admin or self.role == Role.LEADER

    @cached_property
    def report_ids(self) -> frozenset[int]:
        """Everyone who reports to this person, directly or not."""
        return selectors.report_ids(self.person)

    @cached_property
    def led_unit_ids(self) -> frozenset[int]:
        """The units this person leads, and every unit under them: their people are in this person's chain."""
        return selectors.led_unit_ids(self.person)

    @cached_property
    def scope_unit_ids(self) -> frozenset[int]:
        """ "Their units' subtree": where this person may change cascade goals."""
        if self.role in (Role.LEADER, Role.MANAGER):
            return selectors.own_and_led_unit_ids(self.person)
        return self.led_unit_ids

    def manages(self, person_id: int, unit_id: int | None) -> bool:
        """Whether this person is in the manager chain of the person (`person_id`, in unit `unit_id`)."""
        return person_id in self.report_ids or (unit_id is not None and unit_id in self.led_unit_ids)


def access_for(person) -> Access | None:
    """The Access of a signed-in person, kept on the object for the rest of the request; None when anonymous."""
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    access = person.__dict__.get("_access")
    if access is None:
        access = person.__dict__["_access"] = Access(person)
    return access


def can_manage_org(person) -> bool:
    """Create and change units, people and cycles."""
    access = access_for(person)
    return access is not None and (access.is_admin or access.role == Role.HR)


def can_change_person(actor, person: Person) -> bool:
    """HR looks after people, but only an admin changes an admin's account."""
    if not can_manage_org(actor):
        return False
    return access_for(actor).is_admin or not person.is_admin_account


def can_set_checkin_cadence(person, unit) -> bool:
    """How often a unit's goals want a check-in: its lead (or a lead of a unit above it), HR and admins."""
    access = access_for(person)
    if access is None:
        return False
    return can_manage_org(person) or unit.pk in access.led_unit_ids


# Roles that see everything (drafts, every private reflection of their units): only an admin grants them.
ADMIN_GRANTED_ROLES = (Role.ADMIN, Role.LEADER)


def can_assign_role(actor, role: str) -> bool:
    """Only an admin makes someone an admin or a leader."""
    return can_manage_org(actor) and (access_for(actor).is_admin or role not in ADMIN_GRANTED_ROLES)


def visible_import_jobs(person, queryset: QuerySet[ImportJob] | None = None) -> QuerySet[ImportJob]:
    """Import jobs of a person who may import: their own; an admin's, everyone's. Others' do not exist for them."""
    queryset = ImportJob.objects.all() if queryset is None else queryset
    access = access_for(person)
    if access is None or not can_manage_org(person):
        return queryset.none()
    return queryset if access.is_admin else queryset.filter(requested_by_id=person.pk)
