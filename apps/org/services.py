"""Writes to units and people."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from apps.core.history import diff, record_change, snapshot
from apps.core.models import ObjectChange
from apps.core.validation import FieldsPermissionDenied, check_choice, check_known_fields

from . import invitations, permissions, signals, tree
from .models import Person, Unit


@transaction.atomic
def unit_create(
    *,
    actor: Person | None,
    name: str,
    kind: str = Unit.Kind.TEAM,
    parent: Unit | None = None,
    lead: Person | None = None,
) -> Unit:
    if not name or not name.strip():
        raise ValidationError({"name": "A unit needs a name."})
    check_choice(kind, Unit.Kind, "kind")
    _check_own_lead(actor=actor, lead=lead)
    if Unit.objects.filter(parent=parent, name=name.strip()).exists():
        raise ValidationError({"name": f"{parent or 'The top level'} already has a unit named {name.strip()!r}."})
    unit = tree.insert_unit(Unit(name=name.strip(), kind=kind, parent=parent, lead=lead))
    record_change(
        actor=actor,
        obj=unit,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(unit, ("name", "kind", "parent", "lead"))),
    )
    signals.organisation_changed.send(sender=Unit)
    return unit


@transaction.atomic
def unit_move(*, actor: Person | None, unit: Unit, parent: Unit | None) -> Unit:
    if parent is not None and (parent.pk == unit.pk or parent.is_descendant_of(unit)):
        raise ValidationError({"parent": "A unit cannot sit under itself or one of its own units."})
    if Unit.objects.filter(parent=parent, name=unit.name).exclude(pk=unit.pk).exists():
        raise ValidationError({"parent": f"{parent or 'The top level'} already has a unit named {unit.name!r}."})
    old = unit.parent_id
    tree.move_unit(unit, parent)
    record_change(
        actor=actor, obj=unit, action=ObjectChange.Action.MOVE, changes={"parent": [old, parent.pk if parent else None]}
    )
    signals.organisation_changed.send(sender=Unit)
    return unit


def _check_own_place(*, actor: Person | None, person: Person | None, fields: dict) -> None:
    """Nobody changes their own role or manager, nor names themselves anyone's manager; only an admin gives the
    admin and leader roles (DESIGN.md: a person's place in the organisation decides what they may read). The
    system (actor None: the import command, migrations) is not a person and may."""
    if actor is None:
        return
    refused = {}
    if person is not None and person.pk == actor.pk:
        refused |= {
            name: f"Nobody changes their own {name}: ask HR or an admin."
            for name in ("role", "manager")
            if name in fields and fields[name] != getattr(person, name)
        }
    manager = fields.get("manager")
    if manager is not None and manager.pk == actor.pk and "manager" not in refused:
        refused["manager"] = "Nobody names themselves someone's manager: ask another HR person or an admin."
    role = fields.get("role")
    if role is not None and "role" not in refused and not permissions.can_assign_role(actor, role):
        if person is None or role != person.role:
            refused["role"] = "Only an admin makes someone an admin or a leader."
    if refused:
        raise FieldsPermissionDenied(refused)


def _check_own_lead(*, actor: Person | None, lead: Person | None) -> None:
    if actor is not None and lead is not None and lead.pk == actor.pk:
        raise FieldsPermissionDenied(
            {"lead": "Nobody makes themselves a unit's lead: ask another HR person or an admin."}
        )


def _check_manager(person: Person | None, manager: Person | None) -> None:
    """A manager chain never loops back to the person."""
    seen, current = set(), manager
    while current is not None and current.pk not in seen:
        if person is not None and current.pk == person.pk:
            raise ValidationError({"manager": "A person cannot report to themselves, directly or through others."})
        seen.add(current.pk)
        current = current.manager


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    username: str,
    password: str | None = None,
    name: str = "",
    email: str = "",
    unit: Unit | None = None,
    manager: Person | None = None,
    role: str = Person.Role.EMPLOYEE,
    employee_id: str | None = None,
    invite: bool = True,
) -> Person:
    """A new person. Without a password but with an email, they are mailed an invitation once this commits (unless
    `invite` is false: single sign-on creates people who are signing in already)."""
    if not username or not username.strip():
        raise ValidationError({"username": "A person needs a username."})
    if Person.objects.filter(username=username).exists():
        raise ValidationError({"username": f"The username {username!r} is taken."})
    check_choice(role, Person.Role, "role")
    _check_own_place(actor=actor, person=None, fields={"role": role, "manager": manager})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": "Enter a valid email address."}) from None
    _check_manager(None, manager)
    person = Person(
        username=username.strip(),
        name=name,
        email=email,
        unit=unit,
        manager=manager,
        role=role,
        employee_id=employee_id or None,
        **Person.admin_flags(role),
    )
    if password:
        try:
            validate_password(password, person)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    record_change(
        actor=actor,
        obj=person,
        action=ObjectChange.Action.CREATE,
        changes=diff({}, snapshot(person, ("username", "name", "unit", "manager", "role"))),
    )
    if invite:
        invitations.invitations_for_new_people(people=[person], actor=actor)
    signals.organisation_changed.send(sender=Person, units={person.unit_id})
    return person


PERSON_FIELDS = ("name", "email", "unit", "manager", "role", "employee_id", "is_active")


@transaction.atomic
def person_update(*, actor: Person | None, person: Person, **fields) -> Person:
    check_known_fields(fields, PERSON_FIELDS)
    _check_own_place(actor=actor, person=person, fields=fields)
    if "role" in fields:
        check_choice(fields["role"], Person.Role, "role")
    if "manager" in fields:
        _check_manager(person, fields["manager"])
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError:
            raise ValidationError({"email": "Enter a valid email address."}) from None
    if "role" in fields:
        fields.update(Person.admin_flags(fields["role"]))
    before = snapshot(person, fields)
    old_unit_id = person.unit_id
    old_manager = person.manager if "manager" in fields else None
    for name, value in fields.items():
        setattr(person, name, value)
    changes = diff(before, snapshot(person, fields))
    if changes:
        person.save(update_fields=list(fields))
        record_change(actor=actor, obj=person, action=ObjectChange.Action.UPDATE, changes=changes)
        _tell_of_new_place(actor, person, changes, old_manager)
        # Only a person's unit and whether they are active move a figure: those of their old and new units.
        counted = {old_unit_id, person.unit_id} if {"unit", "is_active"} & set(changes) else set()
        signals.organisation_changed.send(sender=Person, units=counted)
    return person


def _tell_of_lead_change(actor: Person | None, unit: Unit, lead_ids: list) -> None:
    """The person who leads a unit now, and the one who led it, learn it by mail."""
    if actor is None:
        return
    people = Person.objects.in_bulk([pk for pk in lead_ids if pk])
    old, new = (people.get(pk) for pk in lead_ids)
    for person, change in ((new, ["no", "yes"]), (old, ["yes", "no"])):
        if person is not None and person.pk != actor.pk:
            invitations.place_changed_notice(actor=actor, person=person, changes={f"lead of {unit.name}": change})


def _tell_of_new_place(actor: Person | None, person: Person, changes: dict, old_manager: Person | None) -> None:
    """A change of someone's role or manager (what they may see, who reads their reflection) is mailed to them."""
    told = {}
    if "role" in changes:
        told["role"] = [Person.Role(value).label for value in changes["role"]]
    if "manager" in changes:
        told["manager"] = [str(old_manager) if old_manager else "nobody", str(person.manager or "nobody")]
    if told and actor is not None and actor.pk != person.pk:
        invitations.place_changed_notice(actor=actor, person=person, changes=told)


@transaction.atomic
def unit_update(*, actor: Person | None, unit: Unit, **fields) -> Unit:
    """Rename a unit or change its kind or lead; moves go through unit_move."""
    check_known_fields(fields, {"name", "kind", "lead"})
    if "lead" in fields and getattr(fields["lead"], "pk", None) != unit.lead_id:
        _check_own_lead(actor=actor, lead=fields["lead"])
    if "kind" in fields:
        check_choice(fields["kind"], Unit.Kind, "kind")
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError({"name": "A unit needs a name."})
    if (
        "name" in fields
        and Unit.objects.filter(parent_id=unit.parent_id, name=fields["name"]).exclude(pk=unit.pk).exists()
    ):
        raise ValidationError(
            {"name": f"{unit.parent or 'The top level'} already has a unit named {fields['name']!r}."}
        )
    before = snapshot(unit, fields)
    for name, value in fields.items():
        setattr(unit, name, value)
    changes = diff(before, snapshot(unit, fields))
    if changes:
        # Tree fields are untouched: update() bypasses MPTT's save, which is what we want here.
        Unit.objects.filter(pk=unit.pk).update(**fields)
        record_change(actor=actor, obj=unit, action=ObjectChange.Action.UPDATE, changes=changes)
        if "lead" in changes:
            _tell_of_lead_change(actor, unit, changes["lead"])
        signals.organisation_changed.send(sender=Unit, units=set())  # a name or a lead: no figure moves
    return unit


def unit_set_checkin_cadence(*, actor: Person | None, unit: Unit, days) -> Unit:
    """How often the unit's goals want a check-in (days, 1–365): the unit's lead (or one above), HR or an admin;
    the system (actor None) too. Its owners are reminded when a goal of the unit has none for this long."""
    if actor is not None and not permissions.can_set_checkin_cadence(actor, unit):
        raise FieldsPermissionDenied({"checkin_cadence_days": "Only the unit's lead, HR and admins set its cadence."})
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError({"checkin_cadence_days": "A whole number of days from 1 to 365."})
    if days != unit.checkin_cadence_days:
        changes = {"checkin_cadence_days": [unit.checkin_cadence_days, days]}
        Unit.objects.filter(pk=unit.pk).update(checkin_cadence_days=days)
        unit.checkin_cadence_days = days
        record_change(actor=actor, obj=unit, action=ObjectChange.Action.UPDATE, changes=changes)
        signals.organisation_changed.send(sender=Unit, units=set())  # the setting, not the check-ins counted
    return unit
