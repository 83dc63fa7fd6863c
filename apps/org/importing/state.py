"""The organisation as the import sees it: every person and unit, read in two queries.

The import compares the whole file with the whole organisation (who is missing, whose manager
chain loops through people not in the file), so it reads everything once into light tuples
instead of asking the database row by row.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from apps.org.models import Person, Unit

Role = Person.Role


class PersonState(NamedTuple):
    """One person as stored, with just what the import compares and writes."""

    pk: int
    employee_id: str | None
    username: str
    name: str
    email: str
    unit_id: int | None
    manager_id: int | None
    role: str
    is_active: bool
    is_staff: bool
    is_superuser: bool

    @property
    def is_admin_account(self) -> bool:
        """Person.is_admin_account, for a stored row: only an admin changes these accounts."""
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def label(self) -> str:
        return self.employee_id or self.username


class UnitIndex:
    """Units by (parent, name), so that a path like ("Company", "Sales") resolves without a query."""

    def __init__(self, rows: Iterable[tuple[int, str, int | None]]):
        self._child: dict[tuple[int | None, str], int] = {}
        self._parent: dict[int, int | None] = {}
        self._name: dict[int, str] = {}
        for pk, name, parent_id in sorted(rows):
            # Two top-level units may share a name (the unique constraint ignores a null parent): the oldest wins.
            self._child.setdefault((parent_id, name), pk)
            self._parent[pk] = parent_id
            self._name[pk] = name

    def find(self, path: tuple[str, ...]) -> int | None:
        """The unit at `path` from the top, or None when some part of it does not exist yet."""
        pk = None
        for name in path:
            pk = self._child.get((pk, name))
            if pk is None:
                return None
        return pk

    def root_names(self) -> list[str]:
        """The names of the top units, oldest first."""
        return [name for (parent_id, name) in self._child if parent_id is None]

    def path_of(self, pk: int | None) -> str:
        names: list[str] = []
        while pk is not None:
            names.append(self._name[pk])
            pk = self._parent[pk]
        return "/".join(reversed(names))

    def missing(self, paths: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
        """Every unit the paths need that does not exist, parents before children."""
        needed = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
        return sorted((path for path in needed if self.find(path) is None), key=lambda p: (len(p), p))


@dataclass
class OrgState:
    people: dict[int, PersonState]
    by_employee_id: dict[str, PersonState]
    units: UnitIndex

    def label(self, pk: int | None) -> str:
        return self.people[pk].label if pk is not None else ""


def load_state() -> OrgState:
    """Everyone (active or not, with or without an employee id) and every unit: two queries."""
    people = {
        row.pk: row for row in map(PersonState._make, Person.objects.order_by().values_list(*PersonState._fields))
    }
    by_employee_id = {person.employee_id: person for person in people.values() if person.employee_id}
    units = UnitIndex(Unit.objects.order_by().values_list("pk", "name", "parent_id"))
    return OrgState(people=people, by_employee_id=by_employee_id, units=units)
