"""People and units found by searching (apps.core.picker): the person to recognise, the unit of a strategic intent.
An organisation of 100,000 people has 11,000 units: a <select> of either is megabytes of HTML (the recognise page
took 50 s for a leader: docs/benchmarks.md)."""

import re

from django.db.models import QuerySet
from django.urls import reverse

from apps.core.picker import Finder

from .models import Person, Unit

FIELD_NAME = re.compile(r"^[a-z][a-z_]{0,29}$")


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("unit").order_by("name", "username", "pk")


def person_label(person: Person) -> str:
    unit = f" · {person.unit.name}" if person.unit_id else ""
    return f"{person} ({person.username}){unit}" if person.name else f"{person.username}{unit}"


def all_units() -> QuerySet[Unit]:
    return Unit.objects.select_related("parent").order_by("tree_id", "lft")


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name


def people_finder() -> Finder:
    return Finder(("name", "username"), person_label, "people", reverse("org:people-options"))


def units_finder() -> Finder:
    return Finder(("name",), unit_label, "units", reverse("org:units-options"))
