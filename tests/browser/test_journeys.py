"""The user journeys of DESIGN.md, end to end in a real browser: what each person sees and does."""

import csv
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from apps.goals.demo import DEMO_PASSWORD
from apps.goals.models import Goal, Layer
from tests.factories import PASSWORD, GoalFactory, MetricFactory, PersonFactory, UnitFactory

from .helpers import log_in, map_node, map_percentage, serious_accessibility_problems

REVENUE = "Increase revenue from $100m to $200m"
DIGITAL = "Accelerate digital transformation"
APAC = "Generate 20% of sales in APAC"
HIRE = "Hire 3 sales people and ramp each to $6m ARR"
MANDARIN = "Learn conversational Mandarin"
ELIS_GOAL = "Ramp to $2m ARR in my first two quarters"


def nav(page: Page, name: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def goal_id(title: str) -> int:
    return Goal.objects.get(title=title).pk


def check_in_in_place(page: Page, card: Locator, value: str, note: str) -> None:
    """Record a check-in from the metric's inline form and see it confirmed without leaving the page."""
    url = page.url
    page.evaluate("window.sameDocument = true")  # gone if the browser loads a new document
    metric = card.locator("article.metric")
    metric.get_by_label("New value").fill(value)
    metric.get_by_label("Note").fill(note)
    with page.expect_response(lambda r: r.url.endswith("/checkin/") and r.request.method == "POST") as posted:
        metric.get_by_role("button", name="Check in").click()
    assert posted.value.ok
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(card.get_by_role("status")).to_have_text("Check-in recorded.")
    assert page.url == url
    assert page.evaluate("window.sameDocument") is True
    # The focus stays where the person is: on the check-in button of the updated metric, not on <body>.
    expect(card.locator("article.metric").get_by_role("button", name="Check in")).to_be_focused()


def test_leader_drafts_an_intent_that_employees_see_only_once_published(demo, new_page, screenshot):
    title = "Win 500 new mid-market customers"
    leader = new_page()
    log_in(leader, "lena")
    nav(leader, "Strategy")
    expect(leader).to_have_url(re.compile(r"/strategy/$"))
    leader.get_by_role("link", name="Draft a new intent").click()
    leader.get_by_label("Title").fill(title)
    leader.get_by_label("Why").fill("Mid-market buyers are the fastest-growing segment we do not serve yet.")
    leader.locator("#id_metric-name").fill("New mid-market customers")
    leader.locator("#id_metric-unit").select_option(label="Number")
    leader.locator("#id_metric-start").fill("0")
    leader.locator("#id_metric-target").fill("500")
    leader.get_by_role("button", name="Save draft").click()

    expect(leader.get_by_text("Draft saved. Only leaders see it until you publish it.")).to_be_visible()
    expect(leader.get_by_role("heading", level=1)).to_have_text(title)
    expect(leader.locator("section.card .status")).to_have_text("Draft")
    metrics = leader.get_by_role("region", name="Metrics")
    expect(metrics.get_by_role("heading", name="New mid-market customers")).to_be_visible()
    expect(metrics.locator(".metric-figures")).to_contain_text("of 500 (from 0)")
    draft_url = leader.url

    nav(leader, "Strategy")
    row = leader.get_by_role("row").filter(has=leader.get_by_role("link", name=title, exact=True))
    expect(row.locator(".status")).to_have_text("Draft")

    employee = new_page()
    log_in(employee, "emma")
    nav(employee, "Strategy map")
    # The map opens on the intents and the goals under them, whose link badges may name an intent too.
    expect(employee.locator("#intents a.title").filter(has_text=REVENUE)).to_be_visible()
    expect(employee.get_by_text(title)).to_have_count(0)
    assert employee.goto(draft_url).status == 404

    row.get_by_role("button", name="Publish").click()
    expect(leader.get_by_text(f"“{title}” is published: everyone can see it and translate it.")).to_be_visible()
    expect(row.locator(".status")).to_have_text("Active")

    employee.goto("/map/")
    node = employee.locator("li.node").filter(has=employee.get_by_role("link", name=title, exact=True))
    expect(node).to_be_visible()
    expect(node.get_by_text("Draft", exact=True)).to_have_count(0)
    expect(node.locator(".layer-badge")).to_have_text("Strategic intent")
    screenshot(leader, "1-leader-strategy")
    screenshot(employee, "1-employee-map")


def test_manager_translates_a_goal_in_their_own_words_after_a_copy_warning(demo, page, screenshot):
    copied = "Generate 20% of sales in the APAC region"
    reworded = "Sign 5 enterprise customers through the new Singapore office"
    apac = goal_id(APAC)
    log_in(page, "marco")
    page.goto(f"/goals/{apac}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(APAC)
    page.get_by_role("link", name="Translate for my team").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(APAC)
    page.get_by_label("Title").fill(copied)
    page.get_by_label("Layer").select_option(label="Operational goal")
    page.locator("#id_unit").select_option(label="APAC Sales Team")
    page.get_by_label("Metric", exact=True).fill("Enterprise customers signed in Singapore")
    page.locator("#id_metric_unit").select_option(label="Number")
    page.get_by_label("Start").fill("0")
    page.get_by_label("Target").fill("5")
    page.get_by_role("button", name="Save team goal").click()

    warning = page.get_by_role("alert").filter(has_text="This reads like a copy of the goal above")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("% alike")
    expect(page.get_by_text("translate, don't copy")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(copied)
    assert not Goal.objects.filter(title=copied).exists()

    page.get_by_label("Title").fill(reworded)
    expect(page.get_by_label("Metric", exact=True)).to_have_value("Enterprise customers signed in Singapore")
    page.get_by_role("button", name=re.compile("^Save")).click()

    expect(page.get_by_text("Your team's goal is in the cascade.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(reworded)
    crumbs = page.get_by_role("navigation", name="Line of sight")
    expect(crumbs.get_by_role("link")).to_have_text(["Strategy map", REVENUE, APAC])
    expect(page.locator("section.card .layer").first).to_contain_text("Operational goal")
    metrics = page.get_by_role("region", name="Metrics")
    expect(metrics.get_by_role("heading", name="Enterprise customers signed in Singapore")).to_be_visible()
    expect(metrics.locator(".metric-figures")).to_contain_text("0 of 5 (from 0)")
    screenshot(page, "2-manager-translated-goal")


def test_employee_links_a_personal_goal_and_checks_in_in_place(demo, page, screenshot):
    title = "Give 10 enterprise demos in Singapore"
    chain = f"{REVENUE} › {APAC} › {HIRE}"
    log_in(page, "emma")
    nav(page, "My goals")
    page.get_by_role("link", name="Add a personal goal").click()
    page.get_by_label("Title").fill(title)
    picker = page.get_by_label("Contributes to")
    options = picker.locator("option").all_inner_texts()
    assert chain in options
    assert all(option.split(" › ")[0] in {REVENUE, DIGITAL} for option in options[1:]), options
    picker.select_option(label=chain)
    page.get_by_label("Why this matters to me").fill("Demos are where I learn what enterprise buyers need.")
    page.get_by_label("Who I want to become through it").fill("Someone buyers call first")
    page.get_by_label("Where this goal comes from").select_option(label="My own")
    page.get_by_label("Metric", exact=True).fill("Enterprise demos given")
    page.locator("#id_metric_unit").select_option(label="Number")
    page.get_by_label("Start").fill("0")
    page.get_by_label("Target").fill("10")
    page.get_by_role("button", name="Save goal").click()

    expect(page).to_have_url(re.compile(r"/my-goals/$"))
    expect(page.get_by_text("Your goal is saved. It now counts towards the goal above it.")).to_be_visible()
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name=title))
    expect(card.locator(".path")).to_have_text(chain)
    check_in_in_place(page, card, "4", "Two demos for a bank")
    expect(card.locator(".metric-figures")).to_contain_text("4 of 10 (from 0)")

    card.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("navigation", name="Line of sight").get_by_role("link")).to_have_text(
        ["Strategy map", REVENUE, APAC, HIRE]
    )
    expect(page.get_by_text("Someone buyers call first")).to_be_visible()
    history = page.locator("details.history")
    history.locator("summary").click()
    expect(history.locator("summary")).to_have_text("1 check-in")
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td")).to_have_text(
        [re.compile(r"\d+ \w+ \d{4}"), "4", "7/10", "Two demos for a bank", "", "Emma Employee"]
    )
    chart = page.get_by_role("img", name=re.compile(r"^Check-in history of Enterprise demos given: 1 check-in"))
    expect(chart).to_be_visible()
    polyline = chart.locator("polyline")
    expect(polyline).to_have_count(1)
    assert len(polyline.get_attribute("points").split()) == 2  # the start, then the check-in
    screenshot(page, "3-employee-goal-page")


@pytest.fixture
def support_cascade(transactional_db) -> Goal:
    """An intent whose progress comes from the goals below it, down to one employee's personal goal.

    (In the demo every goal between emma and her intent has metrics of its own, so by the progress
    rules her check-ins move the goals' rolled-up figures up to the first such goal, not the intent.)
    """
    company = UnitFactory(name="Globex", kind="company")
    team = UnitFactory(name="Support team", parent=company)
    erin = PersonFactory(username="erin", name="Erin Employee", unit=team)
    intent = GoalFactory(layer=Layer.INTENT, title="Keep every customer we win", unit=company)
    churn = GoalFactory(layer=Layer.TRANSLATIONAL, parent=intent, unit=team, title="Halve churn in support accounts")
    tickets = GoalFactory(
        layer=Layer.PERSONAL, parent=churn, unit=team, owner=erin, title="Answer every ticket within a day"
    )
    MetricFactory(goal=tickets, name="Tickets answered within a day (%)", start=0, target=100)
    return intent


def test_an_employee_check_in_moves_the_intent_on_the_strategy_map(support_cascade, page, screenshot):
    log_in(page, "erin", PASSWORD)
    nav(page, "Strategy map")
    expect(map_node(page, support_cascade.pk)).to_contain_text(support_cascade.title)
    before = map_percentage(page, support_cascade.pk)

    nav(page, "My goals")
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name="Answer every ticket within a day"))
    check_in_in_place(page, card, "60", "Backlog cleared")

    nav(page, "Strategy map")
    expect(map_node(page, support_cascade.pk).locator(".pct")).not_to_have_text(before)
    assert (before, map_percentage(page, support_cascade.pk)) == ("0%", "60%")
    screenshot(page, "4-map-after-check-in")


def test_hr_sees_alignment_and_downloads_it_as_csv(demo, page, screenshot):
    log_in(page, "hana")
    nav(page, "Alignment")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alignment")
    tiles = page.locator(".tile")
    expect(tiles.filter(has_text="people own a goal")).to_contain_text("90% of 10 people own a goal")
    expect(tiles.filter(has_text="people without a goal").locator(".big")).to_have_text("1")
    orphaned = int(tiles.filter(has_text="orphaned goals").locator(".big").inner_text())
    assert orphaned >= 1
    orphan_table = page.locator("section.card").filter(has=page.get_by_role("heading", name="Orphaned goals"))
    orphan_table.locator("summary").click()  # a long list opens on demand
    expect(orphan_table.get_by_role("row").filter(has_text=MANDARIN)).to_contain_text("Not linked to any goal")

    page.get_by_text("One table as CSV").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Orphaned goals", exact=True).click()
    download = downloading.value
    today = timezone.localdate().isoformat()
    assert download.suggested_filename == f"alignment-active-cycles-orphaned-goals-{today}.csv"
    with Path(download.path()).open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))

    assert list(rows[0]) == ["Id", "Goal", "Layer", "Owner", "Unit", "Cycle", "Why orphaned"]
    orphan_rows = {row["Goal"]: row for row in rows}
    assert len(orphan_rows) == orphaned
    cycle = Goal.objects.get(title=MANDARIN).cycle.name
    assert list(orphan_rows[MANDARIN].values())[2:] == [
        "Personal goal",
        "Emma Employee",
        "APAC Sales Team",
        cycle,
        "Not linked to any goal",
    ]
    screenshot(page, "5-hr-alignment")


def test_map_reads_without_javascript_and_login_works_with_the_keyboard(demo, new_page, screenshot):
    page = new_page(java_script_enabled=False)
    page.goto("/accounts/login/")
    username = page.get_by_label("Username")
    for _ in range(10):  # from wherever the page puts the focus, Tab until the username field has it
        if username.evaluate("field => field === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(username).to_be_focused()
    page.keyboard.type("emma")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()

    page.goto("/map/")
    cascade = page.get_by_role("region", name=re.compile("^The cascade of"))
    for intent in (REVENUE, DIGITAL):
        expect(
            cascade.locator("#intents > li.node > .branch").get_by_role("link", name=intent, exact=True)
        ).to_be_visible()
    branches = cascade.locator("#intents > li.node:has(> .branch)")
    assert branches.count() == 2
    for branch in branches.all():
        pk = branch.get_attribute("id").removeprefix("node-")
        expect(branch.locator("> .branch a.title")).to_have_attribute("href", f"/goals/{pk}/")
        expect(branch.locator("> .branch a.count")).to_have_attribute("href", f"/goals/{pk}/#children")
        expect(branch.locator("> .branch a.toggle")).to_have_attribute("href", f"/map/children/{pk}/")

    # The intents open with the goals under them; a deeper branch's toggle is a link to a page of its goals.
    apac = cascade.locator(f"#node-{goal_id(APAC)}")
    expect(apac.get_by_role("link", name=APAC, exact=True)).to_be_visible()
    apac.locator("> .branch a.toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Under “{APAC}”")
    crumbs = page.get_by_role("navigation", name="Where this is")
    expect(crumbs.get_by_role("link")).to_have_text(["Strategy map", REVENUE])
    under = page.get_by_role("region", name=f"Goals under “{APAC}”")
    expect(under.locator("li.node").first).to_be_visible()
    page.go_back()

    revenue = cascade.locator(f"#node-{goal_id(REVENUE)}")
    # Without JavaScript the branch cannot open in place: "3 below" leads to the goal's page and its goals.
    fallback = revenue.locator("> .branch").get_by_role("link", name="3 below")
    expect(fallback).to_be_visible()
    fallback.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REVENUE)
    under = page.get_by_role("region", name="Goals under it")
    for child in ("Grow US territory sales by 30%", "Grow UK sales by 50%", APAC):
        expect(under.get_by_role("link", name=child, exact=True)).to_be_visible()
    screenshot(page, "6-no-js-goal-page")


def test_employee_gets_not_found_and_not_allowed_pages(demo, page, screenshot):
    elis_goal, revenue = goal_id(ELIS_GOAL), goal_id(REVENUE)
    log_in(page, "emma")

    response = page.goto(f"/goals/{elis_goal}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_text(ELIS_GOAL)).to_have_count(0)

    response = page.goto(f"/goals/{revenue}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not do this")
    expect(page.get_by_text("You may see this goal but not change it.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_count(0)
    screenshot(page, "7-employee-forbidden")


def test_hr_checks_an_org_chart_then_imports_it(demo, page, screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    chart = tmp_path / "people.csv"
    chart.write_text(
        "employee_id,name,email,unit_path,manager_id,role,active\n"
        "N1,Nina North,nina@example.com,Acme Corp/Sales/Nordics,,manager,yes\n"
        "N2,Nils Nord,nils@example.com,Acme Corp/Sales/Nordics,N1,,yes\n",
        encoding="utf-8",
    )
    log_in(page, "hana")
    nav(page, "Import people")
    page.get_by_label("HR file").set_input_files(str(chart))
    page.get_by_role("button", name="Check the file").click()

    tiles = page.locator(".tile")
    expect(tiles.filter(has_text="to create").locator(".big")).to_have_text("2")
    expect(page.get_by_role("row").filter(has_text="Nils Nord")).to_contain_text("Acme Corp/Sales/Nordics")
    assert not PersonFactory._meta.model.objects.filter(employee_id="N1").exists()  # the check wrote nothing
    screenshot(page, "6-hr-import-checked")

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("status")).to_contain_text("Imported: 2 created")
    nils = PersonFactory._meta.model.objects.get(employee_id="N2")
    assert nils.manager.employee_id == "N1" and nils.unit.name == "Nordics"
    page.get_by_role("link", name="← Import people").click()
    expect(page.get_by_role("row").filter(has_text="people.csv").first).to_contain_text("Imported")
    screenshot(page, "7-hr-import-done")


def test_the_content_security_policy_blocks_nothing_the_pages_need(demo, page, screenshot):
    violations: list[str] = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url} {message.location}: {message.text[:90]}")

    page.on("console", watch)
    log_in(page, "emma")
    for name in ("My goals", "Strategy map", "My work"):
        nav(page, name)
        page.wait_for_load_state("networkidle")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui")).to_be_visible()
    assert violations == []


def test_a_map_branch_opens_and_closes_from_the_keyboard(demo, page):
    log_in(page, "emma")
    page.goto("/map/")
    revenue_pk, apac_pk = goal_id(REVENUE), goal_id(APAC)
    # An intent opens with its goals shown: Enter closes it, and Space opens it again.
    toggle = page.locator(f"#node-{revenue_pk} > .branch .toggle")
    expect(toggle).to_have_accessible_name(f"Goals under “{REVENUE}”")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    children = page.locator(f"#children-{revenue_pk}")
    expect(children.get_by_role("link", name=APAC, exact=True)).to_be_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(children).to_be_hidden()
    page.keyboard.press(" ")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page).to_have_url(re.compile("/map/$"))  # the toggle did not follow its link
    # A deeper branch loads on demand; the focus stays on its toggle.
    toggle = page.locator(f"#node-{apac_pk} > .branch .toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#children-{apac_pk} li.node").first).to_be_visible()
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#children-{apac_pk}")).to_be_hidden()


def test_a_refused_check_in_in_place_puts_the_focus_on_the_form(demo, page):
    log_in(page, "emma")
    nav(page, "My goals")
    card = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="Close my first $1m deal in Singapore")
    )
    metric = card.locator("article.metric")
    metric.get_by_label("New value").fill("lots")
    metric.get_by_label("New value").press("Enter")
    expect(metric.get_by_role("alert").first).to_be_visible()
    expect(card.locator("article.metric").get_by_label("New value")).to_be_focused()


def test_show_more_loads_the_next_goals_and_keeps_the_focus_in_the_list(demo, page):
    """Past 50 goals a level says "Show more"; the next ones replace it, and the focus goes to the first of them."""
    apac = Goal.objects.get(title=APAC)
    for i in range(55):
        GoalFactory(
            layer=Layer.OPERATIONAL,
            parent=apac,
            cycle=apac.cycle,
            unit=apac.unit,
            owner=apac.owner,
            status="active",
            title=f"Zz extra {i:02}",
        )
    log_in(page, "emma")
    page.goto("/map/")
    page.locator(f"#node-{apac.pk} > .branch .toggle").click()
    listing = page.locator(f"#list-{apac.pk}")
    more = listing.get_by_role("link", name="Show more goals of this list")
    expect(more).to_be_visible()
    assert listing.locator(":scope > li.node").count() == 50
    more.focus()
    page.keyboard.press("Enter")
    expect(listing.get_by_role("link", name="Zz extra 54", exact=True)).to_be_visible()
    expect(more).to_have_count(0)
    expect(page.locator(":focus")).to_have_class("title")
    assert serious_accessibility_problems(page) == []
