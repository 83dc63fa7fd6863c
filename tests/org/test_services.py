"""Writes to people and units through the services."""

from apps.org import services
from tests.factories import PersonFactory


def test_the_admin_flags_follow_a_role_change(db):
    person = PersonFactory(role="employee")
    services.person_update(actor=None, person=person, role="admin")
    person.refresh_from_db()
    assert (person.is_staff, person.is_superuser) == (True, True)
    services.person_update(actor=None, person=person, role="hr")
    person.refresh_from_db()
    assert (person.is_staff, person.is_superuser) == (False, False)
