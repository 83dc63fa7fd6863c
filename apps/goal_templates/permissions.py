"""Who may do what with goal templates: one place, used by the API, the pages and the services.

- Reading: everyone signed in reads the templates in use, like a library: a template holds no one's private words
  (never a personal goal's reflection) and no figures of anyone's work.
- Creating (from scratch or from a goal): admins, leaders, and whoever acts as a manager — leads a unit or has
  reports (apps.org.permissions.Access). Saving a goal as a template also needs seeing the goal.
- Changing or archiving a template: its author and admins.
- Assigning: whoever may create templates, and only to recipients of their own: admins to anyone; anyone else to
  themselves, to people in their manager chain (apps.org Access.manages: their reports, directly or not, and the
  people of the units they lead) and to the units they lead or under them. The parent must be a goal they see.
"""

from django.db.models import Q

from apps.goals.permissions import can_view_goal
from apps.org.models import Person, Unit
from apps.org.permissions import access_for

from .models import GoalTemplate


def can_read_templates(person) -> bool:
    return access_for(person) is not None


def acts_as_manager(person) -> bool:
    """Whether `person` leads a unit or has reports: from what their Access read already, else one query (kept on
    the Access for the rest of the request, so the goal page's panel costs one query at most)."""
    access = access_for(person)
    if access is None:
        return False
    known = access.__dict__
    if known.get("led_unit_ids") or known.get("report_ids"):
        return True
    if "led_unit_ids" in known and "report_ids" in known:
        return False
    if "templates_acts_as_manager" not in known:
        leads_or_manages = Q(manager_id=person.pk) | Q(pk=person.pk, led_units__isnull=False)
        known["templates_acts_as_manager"] = Person.objects.filter(leads_or_manages).exists()
    return known["templates_acts_as_manager"]


def can_create_template(person) -> bool:
    access = access_for(person)
    if access is None:
        return False
    return access.sees_everything or acts_as_manager(person)


def can_save_goal_as_template(person, goal) -> bool:
    return can_create_template(person) and can_view_goal(person, goal)


def can_change_template(person, template: GoalTemplate) -> bool:
    access = access_for(person)
    if access is None:
        return False
    return access.is_admin or template.created_by_id == person.pk


def can_assign_templates(person) -> bool:
    return can_create_template(person)


def people_refused(actor, people: list[Person]) -> list[int]:
    """The ids of `people` that `actor` may not give a goal to (none for an admin)."""
    access = access_for(actor)
    if access is None:
        return [person.pk for person in people]
    if access.is_admin:
        return []
    return [p.pk for p in people if p.pk != actor.pk and not access.manages(p.pk, p.unit_id)]


def units_refused(actor, units: list[Unit]) -> list[int]:
    """The ids of `units` whose lead `actor` may not give a goal to: units outside the subtrees they lead."""
    access = access_for(actor)
    if access is None:
        return [unit.pk for unit in units]
    if access.is_admin:
        return []
    return [unit.pk for unit in units if unit.pk not in access.led_unit_ids]


def assignable_unit_ids(person) -> frozenset[int] | None:
    """The units `person` may assign to; None means every unit (admins)."""
    access = access_for(person)
    if access is None:
        return frozenset()
    return None if access.is_admin else access.led_unit_ids
