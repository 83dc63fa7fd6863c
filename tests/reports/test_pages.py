"""The alignment pages: the organisation, a unit (down to its goals), the printable page and export jobs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.goals.models import Layer
from apps.reports.models import ExportJob
from tests.factories import GoalFactory, PersonFactory, UnitFactory

ROLES_WITHOUT_ACCESS = ["leader", "manager", "employee", "other_employee"]


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def _pages(cast) -> list[str]:
    return [
        reverse("reports:alignment"),
        reverse("reports:alignment-unit", args=[cast.sales.pk]),
        reverse("reports:alignment-print"),
    ]


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS)
def test_only_hr_and_admins_see_the_pages(browser, cast, role):
    for url in _pages(cast):
        assert browser(role).get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admins_see_the_pages(browser, cast, role):
    for url in _pages(cast):
        assert browser(role).get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    response = client.get(reverse("reports:alignment"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_unit_is_404(browser, cast):
    assert browser("hr").get(reverse("reports:alignment-unit", args=[999999])).status_code == 404


def test_the_page_shows_every_section_of_the_report(browser, nord, cast):
    html = browser("hr").get(reverse("reports:alignment"), {"cycle": nord.cycle.pk}).content.decode()
    for section_id in ("units", "intents", "gaps", "copies", "cadence", "motivation", "orphaned", "at-risk", "stale"):
        assert f'id="{section_id}"' in html, section_id
    nord_page = browser("hr").get(reverse("reports:alignment-unit", args=[nord.nord.pk]), {"cycle": nord.cycle.pk})
    assert "38%</span> coverage: 3 of 8 reach a published strategic intent" in nord_page.content.decode()
    gaps = _section(html, "gaps")
    assert gaps.index("Double revenue") < gaps.index("Increase revenue by 10%")
    assert "−50 pts" in gaps
    assert "increase revenue  by 10%" in _section(html, "copies")
    assert "10.0 d" in _section(html, "cadence")


def test_the_organisation_links_each_unit_to_its_drill_down(browser, nord, cast):
    html = browser("hr").get(reverse("reports:alignment"), {"cycle": nord.cycle.pk}).content.decode()
    assert f"{reverse('reports:alignment-unit', args=[nord.team_a.pk])}?cycle={nord.cycle.pk}" in html


def test_a_unit_page_shows_its_figures_its_units_and_its_goals(browser, nord, cast):
    url = reverse("reports:alignment-unit", args=[nord.sales.pk])
    html = browser("hr").get(url, {"cycle": nord.cycle.pk}).content.decode()
    assert "coverage: 3 of 6 reach" in html
    units = _section(html, "units")
    assert "Team A" in units and "Team B" in units and "Ops" not in units
    goals = _section(html, "goals")
    assert reverse("goals:detail", args=[nord.goals["T1"].pk]) in goals  # filed under Sales itself
    assert "Close three deals" not in goals  # filed under Team A: on Team A's page
    assert "Orphaned" not in goals


def test_a_team_page_flags_its_goals(browser, nord, cast):
    html = browser("hr").get(reverse("reports:alignment-unit", args=[nord.team_a.pk]), {"cycle": nord.cycle.pk})
    goals = _section(html.content.decode(), "goals")
    row = goals.split("Learn Norwegian")[1].split("</tr>")[0]
    assert "Orphaned" in row and "No metric" in row
    copied = goals.split("increase revenue  by 10%")[1].split("</tr>")[0]
    assert "Copied" in copied
    assert "Mentor a junior" in goals  # a draft is still one of the team's goals
    assert "Nord</a>" in html.content.decode() and "Sales</a>" in html.content.decode()  # the breadcrumb


def test_motivation_is_shown_per_unit_for_five_people_or_more_never_who(browser, nord, cast):
    crew = UnitFactory(name="Crew", parent=nord.ops)
    for n in range(5):
        person = PersonFactory(username=f"crew{n}", name=f"Crewmate {n}", unit=crew)
        GoalFactory(layer=Layer.PERSONAL, cycle=nord.cycle, unit=crew, owner=person, motivation="own", why="secret")
    html = browser("hr").get(reverse("reports:alignment-unit", args=[nord.ops.pk]), {"cycle": nord.cycle.pk})
    motivation = _section(html.content.decode(), "motivation")
    assert "Crew" in motivation and "Crewmate" not in motivation and "secret" not in motivation


def test_the_printable_page_has_the_report_without_the_forms(browser, nord, cast):
    html = browser("hr").get(reverse("reports:alignment-print"), {"cycle": nord.cycle.pk}).content.decode()
    assert 'class="printable"' in html and "data-print" in html
    assert '<form method="get" class="filters' not in html and "Export CSV" not in html
    assert 'id="gaps"' in html and "Double revenue" in html


def test_the_printable_page_of_a_unit(browser, nord, cast):
    html = browser("hr").get(reverse("reports:alignment-print"), {"cycle": nord.cycle.pk, "unit": nord.team_b.pk})
    assert "Team B" in html.content.decode() and "Team A" not in _section(html.content.decode(), "units")


def test_long_lists_open_on_demand_but_print_in_full(browser, nord, cast):
    page = browser("hr").get(reverse("reports:alignment"), {"cycle": nord.cycle.pk}).content.decode()
    assert "<summary>Show the 3 orphaned goals</summary>" in _section(page, "orphaned")
    printable = browser("hr").get(reverse("reports:alignment-print"), {"cycle": nord.cycle.pk}).content.decode()
    assert "<details" not in _section(printable, "orphaned") and "Learn Norwegian" in _section(printable, "orphaned")


def test_every_figure_of_a_report_table_carries_its_column_name(browser, nord, cast):
    html = browser("hr").get(reverse("reports:alignment"), {"cycle": nord.cycle.pk}).content.decode()
    row = _section(html, "units").split("<tbody>")[1].split("</tr>")[0]
    labels = [cell.split('"')[0] for cell in row.split('data-label="')[1:]]
    header = _section(html, "units").split("<thead>")[1].split("</thead>")[0]
    columns = [cell.split("<")[0] for cell in header.split('<th scope="col">')[1:]]
    assert labels == columns[1:]  # every column but the unit's name


def test_print_styles_hide_the_navigation(client):
    css = open("static/css/app.css").read()
    assert "@media print" in css and ".topbar, .no-print" in css


# --- Exports from the pages --------------------------------------------------------------------------


def test_a_small_organisation_downloads_directly(browser, cast):
    html = browser("hr").get(reverse("reports:alignment")).content.decode()
    assert '/api/v1/reports/alignment/?format=zip" download>Download CSV tables (ZIP)' in html
    assert '/api/v1/reports/alignment/?format=xlsx" download>Download XLSX' in html
    assert '/api/v1/reports/alignment/?format=csv&amp;section=orphaned-goals" download>Orphaned goals' in html


def test_a_unit_page_downloads_that_units_report(browser, cast):
    html = browser("hr").get(reverse("reports:alignment-unit", args=[cast.sales.pk])).content.decode()
    assert f"/api/v1/reports/alignment/?unit={cast.sales.pk}&amp;format=zip" in html
    assert f"/api/v1/reports/alignment/?unit={cast.sales.pk}&amp;format=csv&amp;section=units" in html


def test_a_large_organisation_exports_through_a_job(browser, cast, settings, commit):
    settings.EXPORT_INLINE_MAX_PEOPLE = 3
    page = browser("hr").get(reverse("reports:alignment")).content.decode()
    assert "Download CSV" not in page and 'value="xlsx">Export XLSX' in page
    assert 'value="zip">Export CSV tables (ZIP)' in page
    with commit():
        response = browser("hr").post(reverse("reports:export-create"), {"format": "xlsx", "cycle": cast.year.pk})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export", args=[job.pk])
    assert (job.format, job.cycle, job.requested_by, job.status) == ("xlsx", cast.year, cast.hr, "done")
    html = browser("hr").get(response["Location"]).content.decode()
    assert reverse("export-job-download", args=[job.pk]) in html and "every 2s" not in html


def test_the_job_page_polls_until_the_job_is_done(browser, cast):
    job = ExportJob.objects.create(requested_by=cast.hr, format="csv", status="running", progress=40)
    url = reverse("reports:export", args=[job.pk])
    html = browser("hr").get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="40"' in html
    fragment = browser("hr").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="export-status"') and "<html" not in fragment


def test_someone_elses_job_page_is_404(browser, cast, other_hr):
    job = ExportJob.objects.create(requested_by=cast.hr, format="csv")
    assert browser(other_hr).get(reverse("reports:export", args=[job.pk])).status_code == 404
    assert browser("admin").get(reverse("reports:export", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_an_employee_or_manager_cannot_start_or_follow_a_job(browser, cast, role):
    job = ExportJob.objects.create(requested_by=cast.hr, format="csv")
    assert browser(role).post(reverse("reports:export-create"), {"format": "csv"}).status_code == 403
    assert browser(role).get(reverse("reports:export", args=[job.pk])).status_code == 403
    assert ExportJob.objects.count() == 1


def test_an_expired_job_page_says_so(browser, cast):
    from datetime import timedelta

    from django.utils import timezone

    job = ExportJob.objects.create(
        requested_by=cast.hr, format="csv", status="done", expires_at=timezone.now() - timedelta(minutes=1)
    )
    html = browser("hr").get(reverse("reports:export", args=[job.pk])).content.decode()
    assert "expired" in html and "download" not in html.split('id="export-status"')[1]


# --- Query counts ------------------------------------------------------------------------------------


def _grow(cast, n: int) -> None:
    for i in range(n):
        unit = UnitFactory(name=f"Squad {n}-{i}", parent=cast.ops)
        person = PersonFactory(username=f"sq{n}-{i}", unit=unit)
        GoalFactory(layer=Layer.PERSONAL, parent=cast.other_trans, unit=unit, owner=person, title=f"Cut costs {i}")
        GoalFactory(layer=Layer.OPERATIONAL, parent=cast.other_trans, unit=cast.ops, owner=person)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("page", "pinned", "on_postgresql"),
    # The figures are stored (apps.reports.stored): one query reads the rows of the units shown and of those above
    # them (and the roots, for the whole organisation's totals), whatever the size of the organisation.
    # Each counts the header's unread-notifications COUNT too (one query on every page).
    # A unit's page on PostgreSQL: its goals without a metric are gathered with sequential scans off for that one
    # query (apps.reports.selectors._gathered): SET LOCAL and RESET in a savepoint, four statements more.
    [("reports:alignment", 17, 0), ("reports:alignment-unit", 21, 4), ("reports:alignment-print", 16, 0)],
)
def test_pages_cost_a_fixed_number_of_queries(browser, cast, page, pinned, on_postgresql, commit):
    if connection.vendor == "postgresql":
        pinned += on_postgresql
    url = reverse(page, args=[cast.ops.pk]) if page.endswith("unit") else reverse(page)
    client = browser("hr")
    with commit():
        _grow(cast, 2)
    _queries(client, url)  # the first report stores its figures
    small = _queries(client, url)
    with commit():  # the rollup job keeps them current
        _grow(cast, 10)
    assert (small, _queries(client, url)) == (pinned, pinned)


def test_the_tiles_name_each_figure_in_words(browser, cast):
    text = browser("hr").get(reverse("reports:alignment")).content.decode()
    assert "at risk · off track" not in text
    assert "active goals at risk" in text and "active goals off track" in text
