"""Who may do what with 1:1s: one place, used by the API, the pages and the admin.

- A series is between a manager and one report: the report's manager (`person.manager`) or a lead of a unit that
  holds the report (their unit or one above it: apps.org's `led_unit_ids`). Either of the two may start it.
- Only the two participants see the series, its meetings, agenda, shared notes and action items. Nobody else does:
  not the manager above (skip-level), not HR, not admins — for them it does not exist (404). A 1:1 is a private
  conversation; the manager above sees the report's goals where they always did.
- A private note is its author's alone (DESIGN.md "Whose words are whose"): no one else ever reads it, the other
  participant included.
"""

from django.db.models import Q

from apps.org.models import Person
from apps.org.permissions import access_for
from apps.org.selectors import led_unit_ids

from .models import ActionItem, Meeting, Series


def may_pair(manager: Person, report: Person) -> bool:
    """Whether `manager` may hold 1:1s with `report`: their manager, or a lead of a unit holding them."""
    if manager.pk == report.pk or not report.is_active or not manager.is_active:
        return False
    if report.manager_id == manager.pk:
        return True
    return report.unit_id is not None and report.unit_id in led_unit_ids(manager)


def can_start_series(actor, *, manager: Person, report: Person) -> bool:
    """Either participant starts it, for a pair that may meet."""
    if access_for(actor) is None or actor.pk not in (manager.pk, report.pk):
        return False
    return may_pair(manager, report)


def participant_q(person, prefix: str = "") -> Q:
    """Series (reached through `prefix`) that `person` takes part in; nothing for anyone else."""
    if access_for(person) is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}manager_id": person.pk}) | Q(**{f"{prefix}report_id": person.pk})


def takes_part(person, series: Series) -> bool:
    return access_for(person) is not None and person.pk in series.participant_ids()


def can_change_action_item(person, item: ActionItem) -> bool:
    return takes_part(person, item.meeting.series)


def can_write_in(person, meeting: Meeting) -> bool:
    """Agenda items, shared notes, action items and one's own private note: the two participants."""
    return takes_part(person, meeting.series)
