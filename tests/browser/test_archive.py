"""Archiving in a real browser: a confirmation that says what goes with the goal (checked with axe-core), Undo
right after, and the Archived list on My goals to restore from."""

from playwright.sync_api import Page, expect

from apps.goals.models import Goal

from .helpers import log_in, serious_accessibility_problems

MANDARIN = "Learn conversational Mandarin"


def archived(title: str) -> bool:
    return Goal.objects.get(title=title).archived_at is not None


def test_archive_asks_first_and_undo_brings_the_goal_back(demo, page: Page):
    log_in(page, "emma")
    page.goto(f"/goals/{Goal.objects.get(title=MANDARIN).pk}/")
    page.get_by_role("link", name="Archive…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Archive “{MANDARIN}”?")
    expect(page.get_by_role("heading", name="What stays")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    assert not archived(MANDARIN)

    page.get_by_role("button", name=f"Archive “{MANDARIN}”").click()
    expect(page.locator(".messages")).to_contain_text(f"“{MANDARIN}” is archived")
    assert archived(MANDARIN)

    page.locator(".messages").get_by_role("button", name="Undo").click()
    expect(page.locator(".messages")).to_contain_text("is restored")
    assert not archived(MANDARIN)


def test_an_archived_goal_is_found_and_restored_from_my_goals(demo, page: Page):
    log_in(page, "emma")
    page.goto(f"/goals/{Goal.objects.get(title=MANDARIN).pk}/archive/")
    page.get_by_role("button", name=f"Archive “{MANDARIN}”").click()

    page.goto("/my-goals/")
    page.get_by_role("navigation", name="Which goals to list").get_by_role("link", name="Archived").click()
    archived_list = page.get_by_role("region", name="Archived goals")
    expect(archived_list.get_by_role("link", name=MANDARIN)).to_be_visible()
    assert serious_accessibility_problems(page) == []

    archived_list.get_by_role("button", name=f"Restore “{MANDARIN}”").click()
    expect(page.locator(".messages")).to_contain_text("is restored")
    assert not archived(MANDARIN)
