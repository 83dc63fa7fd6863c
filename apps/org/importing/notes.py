"""Warnings: what the preview points out without stopping the import (each by row and column, like problems)."""

from typing import TYPE_CHECKING

from .parsing import Problem
from .rows import Entry
from .state import OrgState

if TYPE_CHECKING:
    from .planning import ImportPlan


def warnings_for(plan: "ImportPlan", first: dict[str, Entry], state: OrgState, actor) -> list[Problem]:
    """What the preview points out without stopping the import."""
    return [
        *_inactive_manager_warnings(first, state),
        *_email_warnings(plan, state),
        *_shared_email_warnings(first),
        *_self_deactivation_warning(plan, actor),
    ]


def _inactive_manager_warnings(first: dict[str, Entry], state: OrgState) -> list[Problem]:
    """Someone active reports to a person this import leaves inactive."""
    warnings = []
    for entry in first.values():
        manager = first.get(entry.manager_id) if entry.manager_id else None
        existing = state.by_employee_id.get(entry.manager_id) if entry.manager_id and not manager else None
        if not entry.active or not (manager or existing):
            continue
        if manager is not None and not manager.active:
            warnings.append(Problem(entry.row, "manager_id", f"The manager {entry.manager_id} is marked inactive."))
        elif existing is not None:
            warnings.append(
                Problem(
                    entry.row,
                    "manager_id",
                    f"The manager {entry.manager_id} is not in this file: after the import they are inactive.",
                )
            )
    return warnings


def _shared_email_warnings(first: dict[str, Entry]) -> list[Problem]:
    """Two rows with one email: allowed (the model allows it), but a password reset would mail both accounts."""
    seen: dict[str, int] = {}
    warnings = []
    for entry in first.values():
        key = entry.email.lower()
        if key and key in seen:
            warnings.append(Problem(entry.row, "email", f"Row {seen[key]} has the same email."))
        seen.setdefault(key, entry.row)
    return warnings


def _email_warnings(plan: "ImportPlan", state: OrgState) -> list[Problem]:
    """A new row whose email an existing account already uses: probably the same person, created by hand."""
    by_email = {}
    for person in state.people.values():
        if person.email:
            by_email.setdefault(person.email.lower(), person)
    warnings = []
    for change in plan.creates:
        other = by_email.get(change.entry.email.lower())
        if other is None:
            continue
        message = f"{other.username} already uses this email: a second account will be created."
        if not other.employee_id:
            message += f" To keep one account, give {other.username} employee id {change.employee_id} first."
        warnings.append(Problem(change.row, "email", message))
    return warnings


def _self_deactivation_warning(plan: "ImportPlan", actor) -> list[Problem]:
    actor_pk = getattr(actor, "pk", None)
    if actor_pk is not None and any(change.current.pk == actor_pk for change in plan.deactivations):
        return [Problem(None, "", "This import deactivates your own account: you will be signed out.")]
    return []
