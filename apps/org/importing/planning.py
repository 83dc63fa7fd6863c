"""From checked rows to a plan: the checks across the whole file, and what would change.

Matching is by employee id only. A person created by hand (no employee id, such as the first
admin) is never matched, updated or deactivated by an import; to bring such an account under
the HR file, set its employee id first (the preview warns when a new row shares its email).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from apps.org import permissions

from . import notes, safety
from .parsing import Problem, Sheet, sort_problems
from .rows import Entry, check_row
from .state import OrgState, PersonState, Role
from .usernames import usernames_for

CREATE, UPDATE, DEACTIVATE = "create", "update", "deactivate"
# File column of each Person field the import writes (problems and the preview speak in columns).
COLUMN_OF = {
    "name": "name",
    "email": "email",
    "unit": "unit_path",
    "manager": "manager_id",
    "role": "role",
    "is_active": "active",
}
LOOP_SHOWN = 8  # members of a manager loop named in its message


@dataclass(slots=True)
class Target:
    """What a person should look like after the import. `manager` is a pk, or the employee id of a new person."""

    name: str
    email: str
    unit_path: tuple[str, ...]
    manager: int | str | None
    role: str
    is_active: bool


@dataclass(slots=True)
class PersonChange:
    """One person the import creates, updates or deactivates, and which of their fields change."""

    action: str
    entry: Entry | None  # None: a person missing from the file
    current: PersonState | None  # None: a new person
    target: Target
    fields: tuple[str, ...]

    @property
    def row(self) -> int | None:
        return self.entry.row if self.entry else None

    @property
    def employee_id(self) -> str:
        return self.entry.employee_id if self.entry else self.current.employee_id

    @property
    def name(self) -> str:
        return self.target.name


@dataclass
class ImportPlan:
    """What an import would do (or did, once `applied`), or the problems that stop it."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_units: list[tuple[str, ...]] = field(default_factory=list)
    creates: list[PersonChange] = field(default_factory=list)
    updates: list[PersonChange] = field(default_factory=list)
    deactivations: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    usernames: dict[str, str] = field(default_factory=dict)
    state: OrgState | None = field(default=None, repr=False)
    active_people: int = 0  # active people with an employee id before the import: whom it may deactivate
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.new_units or self.creates or self.updates or self.deactivations)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": len(self.creates),
            "updated": len(self.updates),
            "deactivated": len(self.deactivations),
            "unchanged": self.unchanged,
            "units_created": len(self.new_units),
            "invitations": self.invitations,
        }

    @property
    def confirmation_count(self) -> int | None:
        """The number a confirmation must carry (apps.org.importing.safety), or None when a plain one is enough."""
        deactivations = len(self.deactivations)
        return deactivations if safety.confirmation_needed(deactivations, self.active_people) else None

    @property
    def invitations(self) -> int:
        """Invitations the import sends (or would): one to each new person it leaves active (every row has an email)."""
        return sum(1 for change in self.creates if change.target.is_active and change.target.email)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c['created']} created, {c['updated']} updated, {c['deactivated']} deactivated, "
            f"{c['unchanged']} unchanged; {c['units_created']} new unit(s); {c['invitations']} invitation(s)."
        )

    def describe(self, change: PersonChange) -> list[tuple[str, str, str]]:
        """(column, old, new) for each changed field, in the file's terms (unit paths, employee ids)."""
        return [(COLUMN_OF[name], *self._shown(change, name)) for name in change.fields]

    def _shown(self, change: PersonChange, name: str) -> tuple[str, str]:
        current, target = change.current, change.target
        if name == "unit":
            return (self.state.units.path_of(current.unit_id) if current else ""), "/".join(target.unit_path)
        if name == "manager":
            new = target.manager if isinstance(target.manager, str) else self.state.label(target.manager)
            return (self.state.label(current.manager_id) if current else ""), new
        if name == "is_active":
            return ("yes" if current.is_active else "no") if current else "", "yes" if target.is_active else "no"
        old = getattr(current, name) if current else ""
        return str(old), str(getattr(target, name))


def build_plan(sheet: Sheet, state: OrgState, actor, *, allow_new_root: bool = False) -> ImportPlan:
    """Check every row and the file as a whole against `state`; list what would change."""
    plan = ImportPlan(rows=len(sheet.rows), ignored_columns=sheet.ignored_columns, state=state)
    plan.active_people = safety.active_with_employee_id(state)
    checked = [check_row(row) for row in sheet.rows]
    entries = [entry for entry, _ in checked]
    first = _first_by_employee_id(entries)
    problems = [*sheet.problems, *(p for _, row_problems in checked for p in row_problems)]
    problems += _duplicate_problems(entries, first)
    problems += _manager_problems(first, state)
    problems += safety.root_problems(entries, state, allow_new_root=allow_new_root)
    _classify(plan, first, state)
    problems += _admin_problems(plan, actor)
    plan.problems = sort_problems(problems)
    plan.new_units = state.units.missing(entry.unit_path for entry in first.values() if entry.unit_path)
    taken = {person.username for person in state.people.values()}
    plan.usernames = usernames_for([change.entry for change in plan.creates], taken)
    plan.warnings = sort_problems(notes.warnings_for(plan, first, state, actor))
    return plan


# --- Checks across the file ----------------------------------------------------------------


def _first_by_employee_id(entries: list[Entry]) -> dict[str, Entry]:
    first: dict[str, Entry] = {}
    for entry in entries:
        if entry.employee_id:
            first.setdefault(entry.employee_id, entry)
    return first


def _duplicate_problems(entries: list[Entry], first: dict[str, Entry]) -> list[Problem]:
    return [
        Problem(
            entry.row,
            "employee_id",
            f"The employee id {entry.employee_id!r} is also on row {first[entry.employee_id].row}.",
        )
        for entry in entries
        if entry.employee_id and first[entry.employee_id] is not entry
    ]


def _manager_problems(first: dict[str, Entry], state: OrgState) -> list[Problem]:
    problems = [
        Problem(
            entry.row,
            "manager_id",
            f"Unknown manager id {entry.manager_id!r}: nobody in this file or already here has that employee id.",
        )
        for entry in first.values()
        if entry.manager_id and entry.manager_id not in first and entry.manager_id not in state.by_employee_id
    ]
    return problems + _loop_problems(first, state)


def _loop_problems(first: dict[str, Entry], state: OrgState) -> list[Problem]:
    """A manager chain that comes back to where it started, through the file and through people already here."""
    next_of = _chain_step(first, state)
    problems = []
    for loop in _find_loops(first, next_of):
        members = [node for node in loop if isinstance(node, str)]
        names = [node if isinstance(node, str) else state.label(node) for node in loop]
        if len(loop) == 1:
            message = "A person cannot be their own manager."
        else:
            shown = " → ".join(names[:LOOP_SHOWN]) + (" → …" if len(names) > LOOP_SHOWN else "")
            message = f"The manager chain loops: {shown} → {names[0]} ({len(loop)} people)."
        problems += [Problem(first[member].row, "manager_id", message) for member in members]
    return problems


def _chain_step(first: dict[str, Entry], state: OrgState) -> Callable[[str | int], str | int | None]:
    """Who someone's manager would be after the import. Nodes: employee ids (people in the file), pks (the rest)."""
    in_file = {state.by_employee_id[eid].pk: eid for eid in first if eid in state.by_employee_id}

    def node(pk: int | None) -> str | int | None:
        return in_file.get(pk, pk) if pk is not None else None

    def step(current: str | int) -> str | int | None:
        if isinstance(current, int):
            return node(state.people[current].manager_id)
        entry = first[current]
        if entry.manager_id is None:  # no manager_id column: the manager stays
            existing = state.by_employee_id.get(current)
            return node(existing.manager_id) if existing else None
        if entry.manager_id in first:
            return entry.manager_id
        existing = state.by_employee_id.get(entry.manager_id)
        return node(existing.pk) if existing else None

    return step


def _find_loops(starts: Iterable[str], next_of: Callable) -> list[list]:
    """Loops of a graph where each node has at most one successor; each node is walked once (O(n))."""
    done: set = set()
    loops = []
    for start in starts:
        path, on_path, node = [], {}, start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = next_of(node)
        if node is not None and node in on_path:
            loops.append(path[on_path[node] :])
        done.update(path)
    return loops


def _admin_problems(plan: ImportPlan, actor) -> list[Problem]:
    """Only an admin makes someone an admin or a leader, or changes an admin's account (apps.org.permissions)."""
    if actor is None or permissions.can_assign_role(actor, Role.ADMIN):
        return []
    problems = []
    for change in [*plan.creates, *plan.updates, *plan.deactivations]:
        if change.current is not None and change.current.is_admin_account:
            problems.append(_admin_account_problem(change))
        elif "role" in change.fields and not permissions.can_assign_role(actor, change.target.role):
            message = (
                f"Only an admin can make someone {'an admin' if change.target.role == Role.ADMIN else 'a leader'}."
            )
            problems.append(Problem(change.row, "role", message))
    return problems


def _admin_account_problem(change: PersonChange) -> Problem:
    if change.entry is None:
        message = f"{change.current.label} is an admin and is not in the file: only an admin can deactivate them."
        return Problem(None, "employee_id", message)
    column = COLUMN_OF[change.fields[0]]
    return Problem(change.row, column, "This person is an admin: only an admin can change their account.")


# --- What changes ------------------------------------------------------------------------------


def target_of(entry: Entry, current: PersonState | None, state: OrgState) -> Target:
    """The person as the row describes them; what the row leaves out stays as it is (or takes the default)."""
    if entry.manager_id is None:
        manager = current.manager_id if current else None
    elif not entry.manager_id:
        manager = None
    else:
        existing = state.by_employee_id.get(entry.manager_id)
        manager = existing.pk if existing else entry.manager_id
    role = entry.role or (current.role if current else Role.EMPLOYEE)
    return Target(entry.name, entry.email, entry.unit_path, manager, role, entry.active)


def changed_fields(target: Target, current: PersonState, state: OrgState) -> tuple[str, ...]:
    new_unit = state.units.find(target.unit_path)
    differs = {
        "name": target.name != current.name,
        "email": target.email != current.email,
        "unit": new_unit is None or new_unit != current.unit_id,
        "manager": isinstance(target.manager, str) or target.manager != current.manager_id,
        "role": target.role != current.role,
        "is_active": target.is_active != current.is_active,
    }
    return tuple(name for name, changed in differs.items() if changed)


def _classify(plan: ImportPlan, first: dict[str, Entry], state: OrgState) -> None:
    """Sort every row into create, update, deactivate or unchanged; add the people missing from the file."""
    for entry in first.values():
        current = state.by_employee_id.get(entry.employee_id)
        target = target_of(entry, current, state)
        if current is None:
            plan.creates.append(PersonChange(CREATE, entry, None, target, tuple(COLUMN_OF)))
            continue
        fields = changed_fields(target, current, state)
        if not fields:
            plan.unchanged += 1
        elif "is_active" in fields and not target.is_active:
            plan.deactivations.append(PersonChange(DEACTIVATE, entry, current, target, fields))
        else:
            plan.updates.append(PersonChange(UPDATE, entry, current, target, fields))
    for person in state.by_employee_id.values():
        if person.employee_id not in first and person.is_active:
            plan.deactivations.append(_missing(person))


def _missing(person: PersonState) -> PersonChange:
    """Someone with an employee id the file does not list: only is_active changes (the rest is never written)."""
    target = Target(person.name, person.email, (), person.manager_id, person.role, False)
    return PersonChange(DEACTIVATE, None, person, target, ("is_active",))
