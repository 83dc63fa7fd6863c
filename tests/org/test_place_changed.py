"""A change of someone's role, manager or unit leadership — what they may see, who reads their reflections — is
recorded and mailed to them (at a real SMTP server), never made behind their back."""

import pytest

from apps.core.models import ObjectChange
from apps.org import services
from tests.factories import PersonFactory, UnitFactory
from tests.mailserver import Inbox


@pytest.fixture
def people(db):
    return {
        "hr": PersonFactory(username="hana", role="hr", name="Hana HR"),
        "emma": PersonFactory(username="emma", name="Emma Employee", email="emma@example.com"),
        "boss": PersonFactory(username="boss", name="Bo Boss"),
    }


def test_a_new_manager_and_role_are_mailed_to_the_person(people, smtp_server, commit):
    with commit():
        services.person_update(actor=people["hr"], person=people["emma"], manager=people["boss"], role="manager")
    [message] = smtp_server.to("emma@example.com")
    text = Inbox.text(message)
    assert "Hana HR changed your place" in text
    assert "manager: nobody → Bo Boss" in text and "role: Employee → Manager" in text
    assert ObjectChange.objects.filter(object_id=people["emma"].pk, changes__has_key="manager").exists()


def test_becoming_a_units_lead_is_mailed_to_the_new_and_the_former_lead(people, smtp_server, commit):
    team = UnitFactory(name="Nordics", lead=people["boss"])
    people["boss"].email = "bo@example.com"
    people["boss"].save()
    with commit():
        services.unit_update(actor=people["hr"], unit=team, lead=people["emma"])
    assert "lead of Nordics: no → yes" in Inbox.text(smtp_server.to("emma@example.com")[0])
    assert "lead of Nordics: yes → no" in Inbox.text(smtp_server.to("bo@example.com")[0])


def test_other_changes_send_nothing(people, smtp_server, commit):
    with commit():
        services.person_update(actor=people["hr"], person=people["emma"], name="Emma E.")
    assert smtp_server.to("emma@example.com") == []
