"""What the journeys do over and over, written as a person would do it."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from apps.goals.demo import DEMO_PASSWORD


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form and land on My work."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()


def map_node(page: Page, goal_id: int) -> Locator:
    """One node of the strategy map: its own row (not the rows of the goals under it)."""
    return page.locator(f"#node-{goal_id} .node-row").first


def map_percentage(page: Page, goal_id: int) -> str:
    """The progress a node of the strategy map shows, e.g. "31%"."""
    return map_node(page, goal_id).locator(".pct").inner_text().strip()


def serious_accessibility_problems(page: Page) -> list[str]:
    """What axe-core (the engine of axe DevTools and Lighthouse) finds on the page at impact serious or critical,
    one line per rule with where: an empty list is a pass."""
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
