"""A choice among thousands, made by searching (apps.core.picker), on people and units (apps.org.picker)."""

import pytest
from django import forms

from apps.core import picker
from apps.org import picker as org_picker
from apps.org.models import Person, Unit
from tests.factories import PersonFactory, UnitFactory


@pytest.fixture
def people(db):
    unit = UnitFactory(name="Lisbon office")
    return [
        PersonFactory(username="ana", name="Ana Pereira", unit=unit),
        PersonFactory(username="anabel", name="Anabel Costa", unit=unit),
        PersonFactory(username="bruno", name="Bruno Costa", unit=None),
        PersonFactory(username="gone", name="Ana Gone", is_active=False),
    ]


def field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=Person.objects.none())


def test_a_field_with_few_candidates_stays_a_select_of_them_all(people):
    f = field()
    picker.fit(f, org_picker.active_people(), org_picker.people_finder())
    assert isinstance(f.widget, forms.Select)
    assert {p.username for p in f.queryset} == {"ana", "anabel", "bruno"}  # the inactive one is no candidate


def test_past_the_threshold_it_becomes_a_search_that_still_checks_the_id_against_the_candidates(people, monkeypatch):
    monkeypatch.setattr(picker, "THRESHOLD", 2)
    f = field()
    picker.fit(f, org_picker.active_people(), org_picker.people_finder())
    assert isinstance(f.widget, picker.SearchPicker)
    assert f.clean(str(people[0].pk)) == people[0]
    with pytest.raises(forms.ValidationError):
        f.clean(str(people[3].pk))  # inactive: not a candidate, whatever the widget showed


def test_every_word_must_match_a_name_or_username_the_picked_one_first(people):
    finder = org_picker.people_finder()
    rows, summary = finder.options(org_picker.active_people(), "costa an", selected=None)
    assert [row.label for row in rows] == ["Anabel Costa (anabel) · Lisbon office"]
    assert summary == "1 match."
    rows, _ = finder.options(org_picker.active_people(), "an", selected=str(people[2].pk))
    assert [(row.pk, row.checked) for row in rows] == [
        (people[2].pk, True),
        (people[0].pk, False),
        (people[1].pk, False),
    ]
    assert finder.options(org_picker.active_people(), "", None) == ([], finder.summary("", 0))  # nothing typed: no read


def test_too_short_a_text_finds_nothing_when_the_finder_says_so(people):
    finder = picker.Finder(("name",), str, "people", "/", shortest=3)
    assert finder.options(org_picker.active_people(), "an", None) == ([], "Type at least 3 characters.")
    assert len(finder.options(org_picker.active_people(), "ana", None)[0]) == 2


def test_at_most_match_limit_matches(db, monkeypatch):
    monkeypatch.setattr(picker, "MATCH_LIMIT", 3)
    for n in range(5):
        UnitFactory(name=f"Squad {n}")
    rows, summary = org_picker.units_finder().options(org_picker.all_units(), "squad", None)
    assert len(rows) == 3 and summary.startswith("The first 3 matches")


@pytest.mark.parametrize(("url", "name"), [("/people/options/", "to"), ("/units/options/", "unit")])
def test_the_options_answer_as_one_types(client, people, url, name):
    client.force_login(people[0])
    response = client.get(url, {"name": name, f"{name}_q": "lisbon" if name == "unit" else "costa"})
    assert response.status_code == 200
    text = response.content.decode()
    assert f'name="{name}"' in text
    assert ("Lisbon office" in text) if name == "unit" else ("Anabel Costa" in text and "Bruno Costa" in text)


@pytest.mark.parametrize("name", ["", "To", "x" * 40, "to; drop"])
def test_the_options_refuse_a_field_name_that_is_not_one(client, people, name):
    client.force_login(people[0])
    response = client.get("/people/options/", {"name": name})
    assert response.status_code == 400 and b"?name=" in response.content


def test_the_options_are_for_people_signed_in(client, people):
    assert client.get("/people/options/", {"name": "to", "to_q": "ana"}).status_code == 302
    assert Unit.objects.exists()
