"""Search and the parent picker in Chromium: the header's box finds a goal by a word of its description, and an
employee types into the picker and picks a parent; axe-core finds nothing serious on either page."""

from playwright.sync_api import Page, expect

from apps.goals import picker
from apps.goals.models import Goal

from .helpers import log_in, serious_accessibility_problems

REVENUE = "Increase revenue from $100m to $200m"
APAC = "Generate 20% of sales in APAC"
HIRE = "Hire 3 sales people and ramp each to $6m ARR"


def test_the_header_search_finds_a_goal_by_a_word_of_its_description(demo, page: Page):
    hire = Goal.objects.get(title=HIRE)
    Goal.objects.filter(pk=hire.pk).update(description="Recruit seasoned account executives for Singapore.")
    log_in(page, "emma")
    page.get_by_role("searchbox", name="Search goals, people and units").fill("executives")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.get_by_role("region", name="Goals")
    expect(results.get_by_role("link", name=HIRE)).to_be_visible()
    assert serious_accessibility_problems(page) == []


def test_an_employee_types_into_the_parent_picker_and_picks_a_parent(demo, page: Page, monkeypatch):
    monkeypatch.setattr(picker, "PICKER_THRESHOLD", 2)  # the demo's small org, as if it had thousands of goals
    log_in(page, "emma")
    page.goto("/my-goals/new/")
    page.get_by_label("Title").fill("Shadow two enterprise sales calls")
    search = page.get_by_label("Contributes to")
    expect(search).to_have_attribute("aria-autocomplete", "list")
    search.press_sequentially("ramp each", delay=30)
    choice = page.get_by_role("radio", name=f"{REVENUE} › {APAC} › {HIRE}")
    expect(choice).to_be_visible()
    expect(page.locator(".picker-summary")).to_have_text("1 match.")
    choice.check()
    assert serious_accessibility_problems(page) == []
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_text("It now counts towards the goal above it.")).to_be_visible()
    assert Goal.objects.get(title="Shadow two enterprise sales calls").parent.title == HIRE
