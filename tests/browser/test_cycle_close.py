"""The cycle's close (issue 14): a leader, whose team has written its reviews, reviews their own goal, signs off a
report's review, carries an unfinished goal with a goal under it over to the next quarter, and closes the quarter.
The review page is checked with axe-core at a laptop and a phone width."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from apps.cycles.models import Cycle
from apps.goals.models import Goal, Layer
from apps.reviews import services
from apps.reviews.models import Review
from tests.cast import build_cast
from tests.factories import PASSWORD, CycleFactory, GoalFactory

from .helpers import log_in, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def quarter(transactional_db):
    """FY2027's first quarter: the leader's two goals, one with a goal under it, and the team's goals, reviewed."""
    cast = build_cast()
    q1 = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    CycleFactory(name="2027-Q2", start=date(2027, 4, 1), end=date(2027, 6, 30), parent=cast.year)
    anchors = GoalFactory(
        title="Win three anchor clients", layer=Layer.TRANSLATIONAL, parent=cast.intent, cycle=q1, unit=cast.sales,
        owner=cast.leader,
    )  # fmt: skip
    jakarta = GoalFactory(
        title="Open Jakarta", layer=Layer.TRANSLATIONAL, parent=cast.intent, cycle=q1, unit=cast.sales,
        owner=cast.leader,
    )  # fmt: skip
    GoalFactory(
        title="Hire a country lead", layer=Layer.OPERATIONAL, parent=jakarta, unit=cast.team, owner=cast.manager
    )
    pitch = GoalFactory(
        title="Pitch ten prospects", layer=Layer.OPERATIONAL, parent=anchors, unit=cast.team, owner=cast.manager
    )
    deal = GoalFactory(title="Close my first deal in Q1", layer=Layer.PERSONAL, parent=pitch, owner=cast.employee)
    Goal.objects.filter(pk=anchors.pk).update(progress=0.8)
    for goal, owner in ((pitch, cast.manager), (deal, cast.employee)):
        services.review_save(actor=owner, goal=goal, relevance=Review.Relevance.SUPPORTED, reflection="Went well.")
    return {"q1": q1, "anchors": anchors, "jakarta": jakarta}


def _no_serious_problems(page: Page) -> None:
    assert serious_accessibility_problems(page) == []


def test_a_leader_reviews_carries_over_and_closes_the_quarter(quarter, new_page):
    page = new_page()
    log_in(page, "leader", PASSWORD)
    page.goto("/review/")
    page.get_by_role("link", name="2027-Q1").click()
    expect(page.get_by_role("heading", name="Close the cycle: 2027-Q1", level=1)).to_be_visible()
    _no_serious_problems(page)

    anchors = page.locator(f"#goal-{quarter['anchors'].pk}")
    expect(anchors.get_by_label("Final score (%)")).to_have_value("80.0")  # prefilled from progress
    anchors.get_by_label("Did it support the outcome above it?").select_option("supported")
    anchors.get_by_label("Your reflection").fill("Two of three signed; the third slipped to April.")
    anchors.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Your review of “Win three anchor clients” is saved.")).to_be_visible()

    page.get_by_role("button", name="Sign off the review of Pitch ten prospects").click()
    expect(page.get_by_text("You signed off the review of “Pitch ten prospects”.")).to_be_visible()

    jakarta = page.locator(f"#goal-{quarter['jakarta'].pk}")
    jakarta.get_by_label("Continue in").select_option(label="2027-Q2")
    jakarta.get_by_role("button", name="Carry over").click()
    expect(page.get_by_text("“Open Jakarta” continues in 2027-Q2.")).to_be_visible()
    expect(page.locator(f"#goal-{quarter['jakarta'].pk}")).to_contain_text("Carried over")

    page.get_by_role("button", name="Close cycle").click()
    expect(page.get_by_text("2027-Q1 is closed.")).to_be_visible()
    expect(page.locator("#cycle-status")).to_have_text("Closed")
    assert Cycle.objects.get(pk=quarter["q1"].pk).status == Cycle.Status.CLOSED
    assert Goal.objects.filter(carried_from__isnull=False, cycle__name="2027-Q2").count() == 2
    _no_serious_problems(page)

    phone = new_page(viewport=PHONE)
    log_in(phone, "leader", PASSWORD)
    phone.goto(f"/cycles/{quarter['q1'].pk}/review/")
    _no_serious_problems(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_closing_too_early_says_what_is_missing(quarter, new_page):
    page = new_page()
    log_in(page, "leader", PASSWORD)
    page.goto(f"/cycles/{quarter['q1'].pk}/review/")
    page.get_by_role("button", name="Close cycle").click()
    expect(page.get_by_role("alert").filter(has_text="neither reviewed nor carried over")).to_be_visible()
    expect(page.locator("#cycle-status")).to_have_text("Active")
    _no_serious_problems(page)
