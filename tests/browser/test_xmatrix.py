"""The X-matrix and the calibration pages in Chromium: the demo's matrix reads in words, prints on one landscape A4
page, scrolls inside its own region on a phone, and axe-core finds nothing serious."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from apps.cycles.models import Cycle
from apps.goals.models import Goal, GoalLink, Layer
from apps.org.models import Person
from apps.reviews.models import Review
from apps.reviews.services import review_save
from tests.factories import GoalFactory, MetricFactory, PersonFactory

from .helpers import log_in, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}
A4_LANDSCAPE = (842, 595)  # points (Chromium rounds A4 to 11.69 × 8.27 in: within a point or two)


def _open_xmatrix(page: Page, username: str = "emma") -> None:
    log_in(page, username)
    page.goto("/xmatrix/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("X-matrix")


def test_the_demo_xmatrix_shows_intents_goals_and_ties_in_words(demo, page: Page):
    _open_xmatrix(page)
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Increase revenue from $100m to $200m")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Generate 20% of sales in APAC")).to_be_visible()
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Generate 20% of sales in APAC"))
    expect(row).to_contain_text("strong (its cascade parent)")  # the words a screen reader reads
    expect(row).to_contain_text("APAC share of sales")
    expect(row).to_contain_text("Marco Manager")
    assert serious_accessibility_problems(page) == []


def test_the_printed_xmatrix_is_one_landscape_a4_page(demo, page: Page):
    _open_xmatrix(page)
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", landscape=True, print_background=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_LANDSCAPE[0], abs=2)
    assert float(box.height) == pytest.approx(A4_LANDSCAPE[1], abs=2)
    text = pdf.pages[0].extract_text()
    assert "Grow UK sales by 50%" in text and "Accelerate digital transformation" in " ".join(text.split())


def _a_busier_quarter() -> None:
    """Three more intents in the demo's year and sixteen more translational goals in its quarter, each with a metric
    or two and a link to another intent: some twenty goals under five intents."""
    quarter = Cycle.objects.get(parent__isnull=False)
    lena, mia = Person.objects.get(username="lena"), Person.objects.get(username="mia")
    intents = list(Goal.objects.filter(layer=Layer.INTENT).order_by("pk"))
    for n in range(3):
        title = f"Become the most trusted supplier in segment {n}"
        intents.append(GoalFactory(title=title, layer=Layer.INTENT, cycle=quarter.parent, unit=lena.unit, owner=lena))
    for n in range(16):
        goal = GoalFactory(
            title=f"Cut unplanned downtime on production line {n} by a third",
            layer=Layer.TRANSLATIONAL,
            parent=intents[n % 5],
            cycle=quarter,
            unit=mia.unit,
            owner=mia,
        )
        MetricFactory(goal=goal, name="Downtime hours per month", start=40, target=25, current=33, display_unit="hours")
        if n % 2:
            MetricFactory(goal=goal, name="Incidents closed", start=0, target=12, current=5)
        kind = GoalLink.Kind.CONTRIBUTES if n % 3 else GoalLink.Kind.SUPPORTS
        GoalLink.objects.create(source=goal, target=intents[(n + 1) % 5], kind=kind)


def test_a_typical_quarter_prints_on_one_landscape_a4_page(demo, page: Page):
    _a_busier_quarter()
    _open_xmatrix(page, "lena")
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(22)
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", landscape=True, print_background=True)))
    assert len(pdf.pages) == 1
    assert "production line 15" in " ".join(pdf.pages[0].extract_text().split())


def test_on_a_phone_the_matrix_scrolls_inside_its_region(demo, new_page):
    page = new_page(viewport=PHONE)
    _open_xmatrix(page)
    region = page.get_by_role("region", name="translational goal")
    expect(region).to_be_visible()
    widths = region.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1]  # the matrix scrolls sideways inside the region…
    scroll = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 0  # …and the page itself does not
    assert serious_accessibility_problems(page) == []


def _reviewed_teams() -> None:
    """Three managers' teams with reviews in the demo's quarter: one of five people scoring high, one of five low,
    and one of three (too few to show)."""
    quarter = Cycle.objects.get(parent__isnull=False)
    for name, scores in (("Hugo High", [0.9] * 5), ("Lou Low", [0.1] * 5), ("Fay Few", [0.5] * 3)):
        boss = PersonFactory(name=name, role=Person.Role.MANAGER)
        for score in scores:
            person = PersonFactory(unit=boss.unit, manager=boss)
            goal = GoalFactory(layer=Layer.PERSONAL, cycle=quarter, unit=boss.unit, owner=person)
            review_save(actor=person, goal=goal, relevance=Review.Relevance.SUPPORTED, score=score, reflection="Mine")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_calibration_page_has_no_serious_accessibility_problems(demo, new_page, viewport):
    _reviewed_teams()
    page = new_page(viewport=viewport) if viewport else new_page()
    log_in(page, "hana")
    page.goto("/reports/calibration/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calibration of reviews")
    managers = page.get_by_role("table")
    expect(managers.get_by_role("row", name="Hugo High")).to_contain_text("Above the organisation")
    expect(managers.get_by_role("row", name="Lou Low")).to_contain_text("Below the organisation")
    expect(page.locator("#not-shown")).to_contain_text("Not shown: 1 manager with fewer than 5 people")
    assert serious_accessibility_problems(page) == []
