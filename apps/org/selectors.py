"""Reads of the organisation: who reports to whom, and which units a person looks after.

Each is one query whatever the size of the organisation: the manager chain is walked with a
recursive CTE (PostgreSQL and SQLite both have them), unit subtrees with nested-set ranges.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Person, Unit


def _reports_sql() -> str:
    table = Person._meta.db_table
    manager = Person._meta.get_field("manager").column
    return (
        f"WITH RECURSIVE chain(id) AS ("
        f"SELECT id FROM {table} WHERE {manager} = %s "
        f"UNION SELECT p.id FROM {table} p JOIN chain c ON p.{manager} = c.id"
        f") SELECT id FROM chain"
    )


def reports_subquery(person: Person) -> RawSQL:
    """The ids of everyone who reports to `person`, directly or not, as a subquery (for `__in`)."""
    return RawSQL(_reports_sql(), [person.pk])


def report_ids(person: Person) -> frozenset[int]:
    """The ids of everyone who reports to `person`, directly or not (one query)."""
    return frozenset(Person.objects.filter(pk__in=reports_subquery(person)).values_list("pk", flat=True))


def _subtrees_of(anchors: QuerySet[Unit]) -> frozenset[int]:
    """The ids of the `anchors` units and of every unit under them (one query: a nested-set self-join)."""
    inside = anchors.filter(tree_id=OuterRef("tree_id"), lft__lte=OuterRef("lft"), rght__gte=OuterRef("rght"))
    return frozenset(Unit.objects.filter(Exists(inside)).values_list("pk", flat=True))


def unit_subtree_ids(units: Iterable[Unit]) -> frozenset[int]:
    """The ids of `units` and of every unit under them (one query)."""
    return _subtrees_of(Unit.objects.filter(pk__in=[unit.pk for unit in units]))


def led_units_subquery(person: Person) -> QuerySet[Unit]:
    """The ids of the units `person` leads and of every unit under them, as a subquery (for `__in`): for a leader of
    the whole organisation, thousands of ids the query need not carry."""
    led = Unit.objects.filter(
        lead=person, tree_id=OuterRef("tree_id"), lft__lte=OuterRef("lft"), rght__gte=OuterRef("rght")
    )
    return Unit.objects.filter(Exists(led)).values("pk")


def led_unit_ids(person: Person) -> frozenset[int]:
    """The units `person` leads and every unit under them (one query)."""
    return _subtrees_of(Unit.objects.filter(lead=person))


def own_and_led_unit_ids(person: Person) -> frozenset[int]:
    """The subtree of `person`'s own unit plus those of the units they lead (one query)."""
    return _subtrees_of(Unit.objects.filter(Q(lead=person) | Q(pk=person.unit_id)))
