"""The templates journey (issue 14): a manager saves a goal as a template and assigns it to everyone in their team
under a team goal; an employee of the team finds the new goal on My goals. The template pages pass axe-core, at a
laptop and a phone width."""

from playwright.sync_api import Page, expect

from apps.goals.models import Goal

from .helpers import log_in, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}
SAVED = "Ramp to $2m ARR in my first two quarters"
PARENT = "Hire 3 sales people and ramp each to $6m ARR"


def _no_serious_problems(page: Page) -> None:
    assert serious_accessibility_problems(page) == []


def test_a_manager_saves_a_goal_as_template_and_assigns_it_to_the_team(demo, new_page):
    source = Goal.objects.get(title=SAVED)
    parent = Goal.objects.get(title=PARENT)

    marco = new_page()
    log_in(marco, "marco")
    marco.goto(f"/goals/{source.pk}/")
    marco.get_by_role("button", name="Save as template").click()
    expect(marco.get_by_role("heading", name=SAVED, level=1)).to_be_visible()
    expect(marco.get_by_role("heading", name="Assign")).to_be_visible()
    _no_serious_problems(marco)

    marco.get_by_label("Under the goal").select_option(str(parent.pk))
    marco.get_by_label("Everyone in").select_option(label="APAC Sales Team")
    marco.get_by_role("button", name="Assign").click()
    expect(marco.get_by_text("goals created from")).to_be_visible()

    marco.goto("/templates/")
    expect(marco.get_by_role("link", name=SAVED)).to_be_visible()
    _no_serious_problems(marco)

    emma = new_page(viewport=PHONE)
    log_in(emma, "emma")
    emma.get_by_role("navigation", name="Main").get_by_role("link", name="My goals", exact=True).click()
    expect(emma.get_by_role("heading", name="My goals", level=1)).to_be_visible()
    expect(emma.get_by_role("link", name=SAVED)).to_be_visible()
    emma.goto("/templates/")
    _no_serious_problems(emma)
    emma.get_by_role("link", name=SAVED).click()
    expect(emma.get_by_role("heading", name="Assign")).to_have_count(0)
    _no_serious_problems(emma)


def test_the_new_template_page_has_no_serious_accessibility_problem(demo, new_page):
    marco = new_page(viewport=PHONE)
    log_in(marco, "marco")
    marco.goto("/templates/")
    marco.get_by_role("link", name="New template").click()
    expect(marco.get_by_role("heading", name="New template", level=1)).to_be_visible()
    marco.get_by_role("button", name="Save").click()  # empty: the errors show next to the fields
    expect(marco.get_by_text("This field is required.").first).to_be_visible()
    _no_serious_problems(marco)
