"""The import's two safety rules, in one place for the page, the API, the command and the background jobs.

Deactivations: an import that deactivates more than DEACTIVATION_SHARE of the active people the import can
touch (those with an employee id) goes through only with the expected count typed in (`confirm_deactivations`);
a one-row file must never switch off the organisation behind an ordinary "Confirm". Fewer need no number.

New top units: a unit path whose first part is not the name of an existing top unit is a problem (with the
closest name as "did you mean…") once the organisation has a top unit, unless the import allows a new one
(`allow_new_root`). Names match exactly, as everywhere in a path, so "acme" beside "Acme" is a problem too.
"""

import difflib
from collections.abc import Iterable

from .parsing import Problem
from .rows import Entry
from .state import OrgState

DEACTIVATION_SHARE = 0.10
CONFIRM_FIELD = "confirm_deactivations"
ALLOW_ROOT_FIELD = "allow_new_root"


def confirmation_needed(deactivations: int, active: int) -> bool:
    """Whether deactivating `deactivations` of `active` people takes the typed count (more than the share)."""
    return deactivations > 0 and deactivations > active * DEACTIVATION_SHARE


def active_with_employee_id(state: OrgState) -> int:
    return sum(1 for person in state.by_employee_id.values() if person.is_active)


def confirmation_problem(*, deactivations: int, active: int, typed: int | None) -> Problem | None:
    """Why the import may not go through as confirmed, or None: the typed count is needed and is not the count."""
    if not confirmation_needed(deactivations, active) or typed == deactivations:
        return None
    share = f"{DEACTIVATION_SHARE:.0%}"
    told = "no count was given" if typed is None else f"{typed} was given"
    message = (
        f"This import deactivates {deactivations} of the {active} active people with an employee id, more than "
        f"{share}: confirm it with {CONFIRM_FIELD}={deactivations} ({told}). Nothing was changed."
    )
    return Problem(None, CONFIRM_FIELD, message)


def root_problems(entries: Iterable[Entry], state: OrgState, *, allow_new_root: bool) -> list[Problem]:
    """A row whose unit path starts outside the existing top units, unless a new one is allowed (or there is none)."""
    roots = state.units.root_names()
    if allow_new_root or not roots:
        return []
    message_for: dict[str, str | None] = {}
    problems = []
    for entry in entries:
        if not entry.unit_path:
            continue
        first = entry.unit_path[0]
        if first not in message_for:
            message_for[first] = None if first in roots else _root_message(first, roots)
        if message_for[first]:
            problems.append(Problem(entry.row, "unit_path", message_for[first]))
    return problems


def _root_message(first: str, roots: list[str]) -> str:
    guess = closest(first, roots)
    if guess.lower() == first.lower():
        why = f"{first!r} is not the top unit's name: names match exactly, case included."
    else:
        why = f"{first!r} is not the name of a top unit, so the import would add a second top unit beside {guess!r}."
    return (
        f"{why} Did you mean {guess!r}? A unit path starts at the top of the organisation; to add a new top unit on "
        f"purpose, import with {ALLOW_ROOT_FIELD}."
    )


def closest(name: str, candidates: list[str]) -> str:
    """The candidate most like `name`, ignoring case (the first when none is alike)."""
    lowered = {candidate.lower(): candidate for candidate in reversed(candidates)}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0)
    return lowered[match[0]] if match else candidates[0]
