"""Checking one row on its own: each cell against the rule for its column.

A row always yields an Entry, even with problems, so that the checks across the file (duplicate
ids, managers, loops) still see its employee id and manager id: one typo in an email must not
turn into "unknown manager" on every row that reports to that person.

Empty and absent cells, decided here because the issue is silent:
- manager_id empty: no manager (the top of a chain); column absent: everyone keeps their manager.
- role empty or column absent: the person keeps their role; a new person is an employee.
- active empty or column absent: active.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from apps.org.models import Person, Unit

from .parsing import Problem, Row

PATH_SEPARATOR = "/"
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "active"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "inactive"})
EMPLOYEE_ID_MAX = Person._meta.get_field("employee_id").max_length
NAME_MAX = Person._meta.get_field("name").max_length
EMAIL_MAX = Person._meta.get_field("email").max_length
UNIT_NAME_MAX = Unit._meta.get_field("name").max_length
# Company / division / department / region / team, with room to spare: deeper is a broken file, not an organisation.
UNIT_DEPTH_MAX = 15


@dataclass(slots=True)
class Entry:
    """What one row asks for. `manager_id` and `role` are None when the file leaves them as they are."""

    row: int
    employee_id: str
    name: str
    email: str
    unit_path: tuple[str, ...]
    manager_id: str | None
    role: str | None
    active: bool


class CellError(Exception):
    """The cell breaks its column's rule; the message says which and how to fix it."""


def check_row(row: Row) -> tuple[Entry, list[Problem]]:
    """The row's Entry and the problems of its cells (each with the row number and column)."""
    problems: list[Problem] = []
    values = {}
    for column, check in CHECKS.items():
        try:
            values[column] = check(_no_nul(row.get(column)))
        except CellError as exc:
            problems.append(Problem(row.number, column, str(exc)))
            values[column] = FALLBACK[column]
    return Entry(row=row.number, **values), problems


def _no_nul(value: str | None) -> str | None:
    if value and "\x00" in value:
        raise CellError("The cell contains a NUL character, which no text field can hold: re-export the file.")
    return value


def _employee_id(value: str | None) -> str:
    if not value:
        raise CellError("Missing employee id: every row needs one, it is how people are matched.")
    if len(value) > EMPLOYEE_ID_MAX:
        raise CellError(f"An employee id has at most {EMPLOYEE_ID_MAX} characters.")
    return value


def _name(value: str | None) -> str:
    if not value:
        raise CellError("Missing name.")
    if len(value) > NAME_MAX:
        raise CellError(f"A name has at most {NAME_MAX} characters.")
    return value


def _email(value: str | None) -> str:
    if not value:
        raise CellError("Missing email: a new person needs it to set a password.")
    email = BaseUserManager.normalize_email(value)
    if len(email) > EMAIL_MAX:
        raise CellError(f"An email address has at most {EMAIL_MAX} characters.")
    try:
        validate_email(email)
    except ValidationError:
        raise CellError(f"{value!r} is not a valid email address.") from None
    return email


def _unit_path(value: str | None) -> tuple[str, ...]:
    if not value:
        raise CellError("Missing unit path, e.g. Company/Sales/APAC.")
    parts = tuple(part.strip() for part in value.split(PATH_SEPARATOR))
    if len(parts) > UNIT_DEPTH_MAX:
        raise CellError(f"The unit path has {len(parts):,} levels; an organisation goes at most {UNIT_DEPTH_MAX} deep.")
    for position, part in enumerate(parts, start=1):
        if not part:
            raise CellError(f"The unit path {value!r} has an empty part (part {position}): remove the extra '/'.")
        if len(part) > UNIT_NAME_MAX:
            raise CellError(f"Part {position} of the unit path is longer than {UNIT_NAME_MAX} characters.")
    return parts


def _manager_id(value: str | None) -> str | None:
    if value and len(value) > EMPLOYEE_ID_MAX:
        raise CellError(f"An employee id has at most {EMPLOYEE_ID_MAX} characters.")
    return value


def _role(value: str | None) -> str | None:
    if not value:
        return None
    role = value.lower()
    if role not in Person.Role.values:
        raise CellError(f"Unknown role {value!r}: use one of {', '.join(Person.Role.values)} (or leave it empty).")
    return role


def _active(value: str | None) -> bool:
    if not value:
        return True
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{value!r} is not a yes/no value: use yes or no (true/false and 1/0 work too).")


CHECKS: dict[str, Callable] = {
    "employee_id": _employee_id,
    "name": _name,
    "email": _email,
    "unit_path": _unit_path,
    "manager_id": _manager_id,
    "role": _role,
    "active": _active,
}
# What a bad cell stands for while the rest of the file is checked (the row is never imported).
FALLBACK = {
    "employee_id": "",
    "name": "",
    "email": "",
    "unit_path": (),
    "manager_id": None,
    "role": None,
    "active": True,
}
