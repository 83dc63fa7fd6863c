"""Every page each role reaches, checked with axe-core in Chromium at a laptop and a phone width: nothing serious
or critical (issue 15's bar: 0 serious violations)."""

import pytest
from playwright.sync_api import Page

from apps.goals.models import Goal, Layer

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
]
PAGES = {
    "lena": [*EVERYONE, "/strategy/", "/strategy/new/"],
    "marco": EVERYONE,
    "emma": EVERYONE,
    "hana": [*EVERYONE, "/alignment/", "/alignment/print/", "/people/import/", "/people/not-activated/"],
    "admin": ["/", "/strategy/", "/alignment/"],
}
PHONE = {"width": 390, "height": 844}


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
    paths = PAGES[username] + (goal_pages() if username == "marco" else [])
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        problems = serious_accessibility_problems(page)
        if problems:
            found[path] = problems
    assert found == {}
