"""Who may do what with proposals: one place, used by the services, the API, the pages and the admin.

- Anyone may propose under a parent goal they can see (apps.goals.permissions.can_view_goal).
- A proposal is seen by its proposer, the parent goal's owner and that owner's manager chain, and admins. For
  anyone else — HR and leaders outside the chain included — it does not exist (404).
- The parent's owner (and admins) answer it: accept, ask for changes, decline. The proposer cannot accept their own
  proposal unless they own the parent.
- The proposer alone edits and resubmits it.
"""

from django.db.models import Q

from apps.goals.models import Goal
from apps.goals.permissions import can_view_goal, in_owner_chain
from apps.org import selectors as org
from apps.org.permissions import access_for

from .models import Proposal


def visible_proposals_q(person) -> Q:
    access = access_for(person)
    if access is None:
        return Q(pk__in=[])
    if access.is_admin:
        return Q()
    return (
        Q(proposer_id=person.pk)
        | Q(parent__owner_id=person.pk)
        | Q(parent__owner_id__in=org.reports_subquery(person))
        | Q(parent__owner__unit_id__in=access.led_unit_ids)
    )


def can_view_proposal(person, proposal: Proposal) -> bool:
    access = access_for(person)
    if access is None:
        return False
    if access.is_admin or proposal.proposer_id == person.pk:
        return True
    owner = proposal.parent.owner
    return in_owner_chain(person, owner.pk, owner.unit_id)


def can_propose_under(person, parent: Goal) -> bool:
    return can_view_goal(person, parent)


def can_answer(person, proposal: Proposal) -> bool:
    """Accept, ask for changes or decline: the parent's owner and admins."""
    access = access_for(person)
    if access is None:
        return False
    return access.is_admin or proposal.parent.owner_id == person.pk


def can_edit(person, proposal: Proposal) -> bool:
    """Edit and resubmit: the proposer alone."""
    return access_for(person) is not None and proposal.proposer_id == person.pk
