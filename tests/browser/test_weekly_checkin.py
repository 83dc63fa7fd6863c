"""The weekly check-in in a real browser: keyboard first, one submit for everything, figures updated in place with
the focus kept, errors marked per row with the focus on the first. The action budget of the issue is asserted as a
rule of the UI (one pass of Enter through the rows checks in on everything); timings are the benchmark's."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.goals.models import CheckIn, Goal, Metric
from bench.checkin_scenario import (
    MAX_ACTIONS,
    METRIC_GOALS,
    METRICS_EACH,
    PASSWORD,
    USERNAME,
    Counter,
    build_scenario,
    check_in_on_everything,
)

from .helpers import log_in


@pytest.fixture
def wendy(transactional_db) -> dict:
    return build_scenario()


def test_one_pass_of_the_keyboard_checks_in_on_everything_within_the_budget(wendy, page: Page, screenshot):
    log_in(page, USERNAME, PASSWORD)
    page.evaluate("window.sameDocument = true")
    counter = Counter(page)
    check_in_on_everything(page, counter)

    expect(page.locator("#weekly-status")).to_have_text("Recorded 11 check-ins.")
    assert CheckIn.objects.count() == METRIC_GOALS * METRICS_EACH + 1
    assert counter.actions <= MAX_ACTIONS, counter.log
    # In place: the same document, the focus still on the button, the figures already rolled up (eager).
    expect(page.locator("#weekly-submit")).to_be_focused()
    goal = wendy["goals"][0]
    expect(page.locator(f"#figures-{goal.pk} .pct")).to_have_text("26%")  # (12 + 40) / 2 of 100
    assert Goal.objects.get(pk=goal.pk).progress == pytest.approx(0.26)
    assert Goal.objects.get(pk=wendy["manual"].pk).manual_progress == pytest.approx(0.4)
    # The rows start again from the new values, unticked.
    expect(page.get_by_role("group", name="Metric 1.1").get_by_label("This week")).to_have_value("12")
    expect(page.locator("[data-same]:checked")).to_have_count(0)
    screenshot(page, "weekly-check-in-done")


def test_unchanged_rows_record_the_same_value_and_skipped_rows_nothing(wendy, page: Page):
    log_in(page, USERNAME, PASSWORD)
    page.goto("/check-in/")
    first = page.get_by_role("group", name="Metric 1.1")
    expect(first.get_by_label("This week")).to_be_focused()
    page.keyboard.press("Enter")  # unchanged: same as last week
    expect(first.get_by_label("Same as last week")).to_be_checked()
    second = page.get_by_role("group", name="Metric 1.2").get_by_label("This week")
    expect(second).to_be_focused()
    page.get_by_role("button", name="Check in on everything").click()
    expect(page.locator("#weekly-status")).to_have_text("Recorded 1 check-in.")
    [checkin] = CheckIn.objects.all()
    assert (checkin.metric.name, checkin.value) == ("Metric 1.1", 0)


def test_a_bad_value_records_nothing_and_takes_the_focus(wendy, page: Page):
    log_in(page, USERNAME, PASSWORD)
    page.goto("/check-in/")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Check in on everything").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was recorded")
    bad = page.get_by_role("group", name="Metric 1.2").get_by_label("This week")
    expect(bad).to_be_focused()
    expect(bad).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#m{}-errors".format(Metric.objects.get(name="Metric 1.2").pk))).to_contain_text(
        "Enter a number."
    )
    assert not CheckIn.objects.exists()


def test_every_field_has_a_label_and_no_script_breaks_the_policy(wendy, page: Page):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, USERNAME, PASSWORD)
    page.goto("/check-in/")
    fields = page.locator("form.weekly input:not([type=hidden]), form.weekly select")
    expect(fields.first).to_be_visible()
    for i in range(fields.count()):
        field = fields.nth(i)
        name = field.evaluate("el => el.labels && el.labels.length ? el.labels[0].textContent.trim() : ''")
        assert name, field.evaluate("el => el.outerHTML")
    assert page.get_by_role("group").count() == METRIC_GOALS * METRICS_EACH + 1
    assert violations == []


def test_it_works_without_javascript(wendy, new_page):
    page = new_page(java_script_enabled=False)
    log_in(page, USERNAME, PASSWORD)
    page.goto("/check-in/")
    page.get_by_role("group", name="Metric 2.1").get_by_label("This week").fill("30")
    page.get_by_role("group", name="Metric 2.2").get_by_label("Same as last week").check()
    page.get_by_role("button", name="Check in on everything").click()
    expect(page.get_by_text("Recorded 2 check-ins.")).to_be_visible()
    assert re.search(r"/check-in/$", page.url)
