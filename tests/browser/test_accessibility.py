"""Every page each role reaches, checked with axe-core in Chromium at a laptop and a phone width: nothing serious
or critical (issue 15's bar: 0 serious violations)."""

import pytest
from playwright.sync_api import Page

from apps.goal_templates.models import GoalTemplate
from apps.goals.models import Goal, Layer
from apps.proposals.models import Proposal

from .helpers import log_in, serious_accessibility_problems

EVERYONE = [
    "/",
    "/map/",
    "/my-goals/",
    "/my-goals/new/",
    "/check-in/",
    "/notifications/",
    "/preferences/",
    "/search/?q=sales",
    "/one-on-ones/",
    "/me/coaching/",
    "/recognise/",
    "/proposals/",
    "/review/",
    "/xmatrix/",
]
PAGES = {
    "lena": [*EVERYONE, "/strategy/", "/strategy/new/", "/templates/", "/templates/new/"],
    "marco": [*EVERYONE, "/templates/"],
    "emma": EVERYONE,
    "hana": [
        *EVERYONE,
        "/alignment/",
        "/alignment/print/",
        "/reports/calibration/",
        "/people/import/",
        "/people/not-activated/",
    ],
    "admin": ["/", "/strategy/", "/alignment/", "/reports/calibration/"],
}
PHONE = {"width": 390, "height": 844}


def catchball_and_close_pages() -> list[str]:
    """The pages of catchball, templates and the cycle's close that need an id: what Marco opens in the demo."""
    waiting = Proposal.objects.get(title="Run a monthly partner webinar for Singapore resellers")
    template = GoalTemplate.objects.get(title="Build my first-quarter pipeline")
    quarter = Goal.objects.get(title="Hire 3 sales people and ramp each to $6m ARR").cycle
    return [
        f"/proposals/{waiting.pk}/",
        f"/proposals/new/?parent={waiting.parent_id}",
        f"/templates/{template.pk}/",
        f"/cycles/{quarter.pk}/review/",
    ]


def goal_pages() -> list[str]:
    """A goal of each layer: its page, and the forms its owner opens from it."""
    hire = Goal.objects.get(title="Hire 3 sales people and ramp each to $6m ARR")
    apac = Goal.objects.get(title="Generate 20% of sales in APAC")
    personal = Goal.objects.filter(layer=Layer.PERSONAL, owner__username="marco").first() or hire
    return [
        f"/goals/{apac.pk}/",
        f"/goals/{hire.pk}/",
        f"/goals/{apac.pk}/translate/",
        f"/goals/{hire.pk}/edit/",
        f"/goals/{hire.pk}/move/",
        f"/goals/{hire.pk}/metrics/new/",
        f"/goals/{personal.pk}/",
        f"/map/children/{apac.pk}/",  # a branch of the map as a page of its own (the map without JavaScript)
        "/map/?unit_q=sales",  # the unit search's matches, shown after Show
    ]


# Every role, on a laptop and on a phone.
RUNS = [(name, viewport) for viewport in (None, PHONE) for name in sorted(PAGES)]


@pytest.mark.parametrize(("username", "viewport"), RUNS, ids=[f"{n}-{'phone' if v else 'laptop'}" for n, v in RUNS])
def test_every_page_of_every_role_has_no_serious_accessibility_problem(demo, new_page, username, viewport):
    page: Page = new_page(**({"viewport": viewport} if viewport else {}))
    log_in(page, username)
    paths = PAGES[username] + (goal_pages() + catchball_and_close_pages() if username == "marco" else [])
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        problems = serious_accessibility_problems(page)
        if problems:
            found[path] = problems
    assert found == {}
