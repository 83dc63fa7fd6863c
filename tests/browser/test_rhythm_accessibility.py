"""The weekly rhythm's pages in a real browser, checked with axe-core: nothing serious or critical for the people
who use them (an employee checking in and reading notifications, a manager commenting on a team goal)."""

import pytest
from playwright.sync_api import Page, expect

from apps.goals.models import Goal

from .helpers import log_in, serious_accessibility_problems


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("emma", "/check-in/", "Weekly check-in"),
        ("emma", "/notifications/", "Notifications"),
        ("emma", "/preferences/", "Preferences"),
        ("marco", "/preferences/", "Preferences"),
    ],
)
def test_the_weekly_rhythm_pages_have_no_serious_accessibility_problems(demo, page: Page, username, path, heading):
    log_in(page, username)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert serious_accessibility_problems(page) == []


def test_a_goal_page_with_comments_has_no_serious_accessibility_problems(demo, page: Page):
    hire = Goal.objects.get(title="Hire 3 sales people and ramp each to $6m ARR")
    log_in(page, "marco")
    page.goto(f"/goals/{hire.pk}/")
    page.get_by_role("textbox", name="Comment").fill("Great progress, @emma — can you share the Singapore pipeline?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".mention").first).to_have_text("@emma")
    assert serious_accessibility_problems(page) == []
