"""The catchball journey (issue 14): an employee proposes a goal under a team goal, the manager asks for a change
with a comment, the employee edits and resubmits, the manager accepts it, and the goal appears on the strategy map.
The proposal pages are checked with axe-core, the employee's on a phone."""

from playwright.sync_api import Page, expect

from apps.goals.models import Goal

from .helpers import log_in, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}
REVENUE = "Increase revenue from $100m to $200m"
APAC = "Generate 20% of sales in APAC"
FIRST = "Run partner webinars in Singapore"
BETTER = "Run 6 partner webinars in Singapore by June"
ASK = "How many, and by when?"


def _no_serious_problems(page: Page) -> None:
    assert serious_accessibility_problems(page) == []


def _open_proposal(page: Page, title: str) -> None:
    page.goto("/proposals/")
    expect(page.get_by_role("heading", name="Proposals", level=1)).to_be_visible()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def test_an_employee_proposal_travels_up_and_back_and_lands_on_the_map(demo, new_page, screenshot):
    apac = Goal.objects.get(title=APAC)

    emma = new_page(viewport=PHONE)
    log_in(emma, "emma")
    emma.goto(f"/goals/{apac.pk}/")
    emma.get_by_role("link", name="Propose a goal under this").click()
    expect(emma.get_by_role("heading", name="Propose a goal", level=1)).to_be_visible()
    _no_serious_problems(emma)
    screenshot(emma, "1-employee-proposes")
    emma.get_by_label("Title").fill(FIRST)
    emma.get_by_label("Why").fill("Partners ask us for product training.")
    emma.get_by_role("button", name="Propose").click()
    expect(emma.get_by_role("heading", name=FIRST, level=1)).to_be_visible()
    expect(emma.locator("#conversation")).to_contain_text("proposed it")
    _no_serious_problems(emma)

    marco = new_page()
    log_in(marco, "marco")
    marco.goto("/proposals/")
    expect(marco.get_by_role("checkbox", name=FIRST)).to_be_visible()
    _no_serious_problems(marco)
    marco.get_by_role("link", name=f"Open {FIRST}").click()
    marco.get_by_role("button", name="Ask for changes").click()  # without a comment: refused, next to the field
    expect(marco.get_by_text("Say why in a comment")).to_be_visible()
    marco.get_by_label("Comment").fill(ASK)
    marco.get_by_role("button", name="Ask for changes").click()
    expect(marco.get_by_text("Sent back.")).to_be_visible()
    expect(marco.locator("#conversation")).to_contain_text(ASK)
    _no_serious_problems(marco)
    screenshot(marco, "2-manager-asks-for-a-change")

    _open_proposal(emma, FIRST)
    expect(emma.locator("#conversation")).to_contain_text(ASK)
    emma.get_by_role("link", name="Change it").click()
    emma.get_by_label("Title").fill(BETTER)
    emma.get_by_role("button", name="Save").click()
    expect(emma.get_by_role("heading", name=BETTER, level=1)).to_be_visible()
    emma.get_by_label("Comment (optional)").fill("Six, one a month.")
    emma.get_by_role("button", name="Resubmit").click()
    expect(emma.get_by_text("Resubmitted: it waits for an answer again.")).to_be_visible()
    _no_serious_problems(emma)
    width = emma.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the proposal page fits a phone without sideways scrolling"
    screenshot(emma, "3-employee-resubmits")

    marco.goto("/proposals/")
    screenshot(marco, "4-waiting-for-the-manager")
    marco.get_by_role("checkbox", name=BETTER).check()
    marco.get_by_role("button", name="Accept selected").click()
    expect(marco.get_by_text("Accepted 1 proposal.")).to_be_visible()
    # The demo keeps another proposal waiting for Marco (its catchball under way): this one is no longer listed.
    expect(marco.get_by_role("checkbox", name=BETTER)).to_have_count(0)

    goal = Goal.objects.get(title=BETTER)
    assert (goal.owner.username, goal.parent_id, goal.status) == ("emma", apac.pk, "active")
    emma.goto("/map/")
    revenue = Goal.objects.get(title=REVENUE)
    # The map opens on the intents and the goals under them: APAC shows at once, its own goals load on demand.
    expect(emma.locator(f"#node-{revenue.pk} > .branch .toggle")).to_have_attribute("aria-expanded", "true")
    emma.locator(f"#node-{apac.pk} > .branch .toggle").click()
    expect(emma.locator(f"#children-{apac.pk}").get_by_role("link", name=BETTER, exact=True)).to_be_visible()
    screenshot(emma, "5-on-the-map")
