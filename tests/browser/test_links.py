"""A goal that serves two intents (issue 14, links): a manager links their translational goal to a second intent
from the goal page, sees it there and on the strategy map; axe-core finds no serious problem on either page."""

import re

from playwright.sync_api import Page, expect

from apps.goals.models import Goal

from .helpers import log_in, map_node, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}

APAC = "Generate 20% of sales in APAC"
REVENUE = "Increase revenue from $100m to $200m"
DIGITAL = "Accelerate digital transformation"


def _goal_id(title: str) -> int:
    return Goal.objects.get(title=title).pk


def _no_serious_problems(page: Page) -> None:
    assert serious_accessibility_problems(page) == []


def test_a_manager_links_their_goal_to_a_second_intent_and_sees_it_on_the_goal_page_and_the_map(demo, page):
    apac, revenue, digital = _goal_id(APAC), _goal_id(REVENUE), _goal_id(DIGITAL)
    log_in(page, "marco")
    page.goto(f"/goals/{apac}/")
    links = page.locator("#links")
    expect(links.get_by_role("heading", name="Links beside the cascade")).to_be_visible()
    links.get_by_label("Link it to another goal it").select_option("contributes")
    links.get_by_role("button", name="Choose the goal…").click()

    expect(page.get_by_role("heading", name=f"Link “{APAC}” to another goal", level=1)).to_be_visible()
    _no_serious_problems(page)
    expect(page.get_by_label("How it serves the other goal")).to_have_value("contributes")
    page.get_by_label("Goal to link to").select_option(label=DIGITAL)
    page.get_by_label("Weight").fill("2")
    page.get_by_role("button", name="Save").click()

    links = page.locator("#links")
    expect(links.get_by_role("heading", name="Also contributes to")).to_be_visible()
    expect(links.get_by_role("link", name=DIGITAL, exact=True)).to_be_visible()
    expect(links).to_contain_text("weight 2")
    _no_serious_problems(page)

    page.goto("/map/")
    expect(page.locator(f"#node-{revenue} > .branch .toggle")).to_have_attribute("aria-expanded", "true")  # opens open
    row = map_node(page, apac)
    expect(row).to_contain_text(f"also contributes to: {DIGITAL}")
    expect(row.get_by_role("link", name=DIGITAL, exact=True)).to_be_visible()
    _no_serious_problems(page)

    page.goto(f"/goals/{digital}/")
    incoming = page.locator("#links")
    expect(incoming.get_by_role("heading", name="Contributions from other goals")).to_be_visible()
    expect(incoming.get_by_role("link", name=APAC, exact=True)).to_be_visible()


def test_the_links_read_and_are_removed_on_a_phone(demo, new_page):
    from apps.goals import links

    apac, digital = Goal.objects.get(title=APAC), Goal.objects.get(title=DIGITAL)
    links.link_create(actor=None, source=apac, target=digital, kind="contributes", weight=1)
    phone = new_page(viewport=PHONE)
    log_in(phone, "marco")
    phone.goto(f"/goals/{apac.pk}/")
    section = phone.locator("#links")
    expect(section.get_by_role("link", name=DIGITAL, exact=True)).to_be_visible()
    _no_serious_problems(phone)
    section.get_by_role("link", name=re.compile(rf"^Remove the link to “{re.escape(DIGITAL)}”")).click()
    expect(phone.get_by_role("heading", name="Remove the link?", level=1)).to_be_visible()
    _no_serious_problems(phone)
    phone.get_by_role("button", name="Remove the link").click()
    expect(phone.locator("#links")).to_contain_text("No links")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
