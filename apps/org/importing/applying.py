"""Writing a checked plan. The caller holds the transaction; every write here is a batched bulk query,
so the number of queries depends on the number of batches, not on the number of rows."""

import secrets
from collections.abc import Callable, Iterator
from itertools import groupby

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from apps.core.bulk import bulk_update_objects
from apps.core.history import diff, record_changes
from apps.core.models import ObjectChange
from apps.org import signals, tree
from apps.org.models import Person, Unit

from .planning import ImportPlan, PersonChange
from .state import Role

BATCH_SIZE = 1000
# Kind of a unit the import creates, by its depth in the path: Company/Division/Department/Team/Team…
# HR can correct a kind in the admin; an import never changes the kind of an existing unit.
KIND_BY_DEPTH = {1: Unit.Kind.COMPANY, 2: Unit.Kind.DIVISION, 3: Unit.Kind.DEPARTMENT}
DEEPER_KIND = Unit.Kind.TEAM
# Person fields as bulk_update names them (foreign keys by field name), with the attribute that holds the value.
ATTRIBUTE = {"name": "name", "email": "email", "unit": "unit_id", "manager": "manager_id", "role": "role"}
ATTRIBUTE |= {"is_active": "is_active", "is_staff": "is_staff", "is_superuser": "is_superuser"}
# What the history of a new person records (as person_create does, plus what an import sets).
CREATED_FIELDS = {"username": "username", "employee_id": "employee_id", "is_active": "is_active"}
CREATED_FIELDS |= {name: ATTRIBUTE[name] for name in ("name", "email", "unit", "manager", "role")}


def apply_plan(plan: ImportPlan, actor) -> list[Person]:
    """Create the missing units, then the new people, then update and deactivate the rest. Answers the new people."""
    unit_id = _create_units(plan, actor)
    new_people = _create_people(plan, unit_id, actor)
    _update_people(plan, unit_id, {person.employee_id: person.pk for person in new_people}, actor)
    signals.organisation_changed.send(sender=Person)
    return new_people


def kind_for_depth(depth: int) -> str:
    return KIND_BY_DEPTH.get(depth, DEEPER_KIND)


# --- Units ---------------------------------------------------------------------------------------


def _create_units(plan: ImportPlan, actor) -> Callable[[tuple[str, ...]], int | None]:
    """Insert the missing units level by level (a parent's id is needed by its children); one tree rebuild."""
    created: dict[tuple[str, ...], int] = {}

    def unit_id(path: tuple[str, ...]) -> int | None:
        return created.get(path) or plan.state.units.find(path)

    if plan.new_units:
        with tree.bulk_unit_writes():
            for depth, group in groupby(plan.new_units, key=len):
                paths = list(group)
                units = [Unit(name=p[-1], kind=kind_for_depth(depth), parent_id=unit_id(p[:-1])) for p in paths]
                tree.bulk_create_units(units, batch_size=BATCH_SIZE)
                created.update((path, unit.pk) for path, unit in zip(paths, units, strict=True))
        record_changes(actor=actor, model=Unit, changes=_unit_history(created, unit_id))
    return unit_id


def _unit_history(created: dict, unit_id: Callable) -> Iterator[tuple[int, str, dict]]:
    for path, pk in created.items():
        after = {"name": path[-1], "kind": kind_for_depth(len(path)), "parent": unit_id(path[:-1])}
        yield pk, ObjectChange.Action.CREATE, diff({}, after)


# --- New people ----------------------------------------------------------------------------------


def _create_people(plan: ImportPlan, unit_id: Callable, actor) -> list[Person]:
    """Insert new people, then point those whose manager is also new at that manager (a second bulk query)."""
    if not plan.creates:
        return []
    people = [_new_person(change, plan.usernames[change.employee_id], unit_id) for change in plan.creates]
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    pks = {person.employee_id: person.pk for person in people}
    later = []
    for person, change in zip(people, plan.creates, strict=True):
        if isinstance(change.target.manager, str):
            person.manager_id = pks[change.target.manager]
            later.append(person)
    bulk_update_objects(later, ["manager"], batch_size=BATCH_SIZE)
    record_changes(actor=actor, model=Person, changes=(_creation(person) for person in people))
    return people


def _new_person(change: PersonChange, username: str, unit_id: Callable) -> Person:
    """New people get an unusable password: they set one through their invitation (or sign in through SSO)."""
    target = change.target
    return Person(
        username=username,
        name=target.name,
        email=target.email,
        unit_id=unit_id(target.unit_path),
        manager_id=target.manager if isinstance(target.manager, int) else None,
        role=target.role,
        employee_id=change.employee_id,
        is_active=target.is_active,
        **Person.admin_flags(target.role),
        password=unusable_password(),
    )


def unusable_password() -> str:
    """What make_password(None) returns — "!" and 40 random characters — from one call to the OS's random
    source instead of 40 (make_password(None) alone took 4 s for 50,000 people)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _creation(person: Person) -> tuple[int, str, dict]:
    after = {name: getattr(person, attribute) for name, attribute in CREATED_FIELDS.items()}
    return person.pk, ObjectChange.Action.CREATE, diff({}, after)


# --- Updates and deactivations -------------------------------------------------------------------


def _update_people(plan: ImportPlan, unit_id: Callable, new_pks: dict[str, int], actor) -> None:
    """One bulk_update over every changed person, on the union of the fields that change for anyone."""
    changes = [*plan.updates, *plan.deactivations]
    if not changes:
        return
    written = [(change, _new_values(change, unit_id, new_pks)) for change in changes]
    fields = sorted({name for _, values in written for name in values})
    people = [_updated_person(change.current, values, fields) for change, values in written]
    bulk_update_objects(people, fields, batch_size=BATCH_SIZE)
    record_changes(actor=actor, model=Person, changes=(_update_history(change, values) for change, values in written))


def _new_values(change: PersonChange, unit_id: Callable, new_pks: dict[str, int]) -> dict:
    """The changed fields' new values, by bulk_update field name; a role change to or from admin moves the flags."""
    target, current = change.target, change.current
    values = {}
    for name in change.fields:
        if name == "unit":
            values[name] = unit_id(target.unit_path)
        elif name == "manager":
            values[name] = new_pks[target.manager] if isinstance(target.manager, str) else target.manager
        else:
            values[name] = getattr(target, name)
    if "role" in values and (target.role == Role.ADMIN) != (current.role == Role.ADMIN):
        values.update(Person.admin_flags(target.role))
    return values


def _updated_person(current, values: dict, fields: list[str]) -> Person:
    """A Person carrying, for each field written, its new value or else its current one (written back as is)."""
    person = Person(pk=current.pk)
    for name in fields:
        attribute = ATTRIBUTE[name]
        setattr(person, attribute, values.get(name, getattr(current, attribute)))
    return person


def _update_history(change: PersonChange, values: dict) -> tuple[int, str, dict]:
    current = change.current
    before = {name: getattr(current, ATTRIBUTE[name]) for name in values}
    return current.pk, ObjectChange.Action.UPDATE, diff(before, values)
