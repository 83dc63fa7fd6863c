"""The alignment report on paper and on a phone: printed to PDF on A4 (portrait and landscape) every column of
every table is there; at 390 px each unit is a card whose figures carry their names, with nothing to scroll
sideways and nothing serious for axe-core."""

import io
import unicodedata

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .helpers import log_in, serious_accessibility_problems

PHONE = {"width": 390, "height": 844}
# @page's margins are 10 mm left and right: A4 is 794 × 1123 CSS pixels.


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text without spaces or line breaks (a header may wrap in its cell, and a wrap loses its space),
    ligatures ("ﬀ") unfolded."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_the_printed_report_has_every_column_on_a4(demo, page: Page, landscape):
    log_in(page, "hana")
    page.goto("/alignment/print/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alignment report")
    headers = [" ".join(text.split()) for text in page.locator("table thead th").all_inner_texts()]
    assert {"Unit", "At risk", "Off track", "Gaps", "Copies", "Health"} <= set(headers)
    page.emulate_media(media="print")
    text = _pdf_text(page.pdf(format="A4", landscape=landscape, print_background=True))
    assert [header for header in headers if "".join(header.split()) not in text] == []
    # The paper's width inside its margins (A4 less 2 × 10 mm), in CSS pixels: no table runs off it.
    page.set_viewport_size({"width": 1047 if landscape else 718, "height": 1000})
    cut = page.evaluate(
        """() => [...document.querySelectorAll('table')].filter(table =>
            table.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"""
    )
    assert cut == 0


def test_on_a_phone_each_unit_is_a_card_of_labelled_figures(demo, new_page):
    page = new_page(viewport=PHONE)
    log_in(page, "hana")
    page.goto("/alignment/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alignment")
    columns = page.locator("table.units thead th").all_inner_texts()
    first_unit = page.locator("table.units tbody tr").first
    figures = first_unit.locator("td[data-label]")
    shown = figures.evaluate_all(
        """cells => cells.map(cell => {
            const before = getComputedStyle(cell, '::before');
            const box = cell.getBoundingClientRect();
            return [before.content.replace(/^"|"$/g, ''), box.width > 0 && box.height > 0, before.display !== 'none'];
        })"""
    )
    assert [label for label, _, _ in shown] == columns[1:]  # every figure is named by its column
    assert all(visible and label_shown for _, visible, label_shown in shown)
    scroll = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert scroll <= 0  # nothing to scroll sideways


def test_on_a_phone_measured_and_rolled_up_bars_differ_without_colour(demo, new_page):
    page = new_page(viewport=PHONE)
    log_in(page, "hana")
    page.goto("/alignment/")
    fill = page.evaluate(
        """() => ['measured', 'rollup'].map(kind => {
            const bar = document.querySelector(`#intents .bar.${kind} > span`);
            return bar ? getComputedStyle(bar).backgroundImage : null;
        })"""
    )
    assert fill[0] == "none" and "repeating-linear-gradient" in fill[1]  # solid beside striped
    expect(page.locator("#intents .legend")).to_contain_text("rolled up (striped)")


def test_on_a_phone_the_page_is_short(demo, new_page):
    page = new_page(viewport=PHONE)
    log_in(page, "hana")
    page.goto("/alignment/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alignment")
    closed = page.locator("details.rows:not([open])")
    assert closed.count() >= 3  # long lists wait behind "Show the …"
    assert page.evaluate("() => document.documentElement.scrollHeight") < 9000


def test_the_report_at_phone_width_has_no_serious_accessibility_problems(demo, new_page):
    page = new_page(viewport=PHONE)
    log_in(page, "hana")
    page.goto("/alignment/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alignment")
    assert serious_accessibility_problems(page) == []
