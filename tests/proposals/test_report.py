"""The alignment report's share of goals that came from a proposal, per unit: on the page, in the API answer and in
the exports. A proposal counts nowhere until it is accepted."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.proposals import services
from apps.reports import export, tables
from apps.reports.selectors import alignment_summary

pytestmark = pytest.mark.django_db


def _team(summary, cast):
    return next(row.figures for row in summary.units if row.unit == cast.team)


def test_a_pending_proposal_counts_nowhere(cast, proposal):
    team = _team(alignment_summary(cast.year), cast)
    assert (team.cascade_goals, team.from_proposals) == (2, 0)  # trans and oper, neither from a proposal


def test_an_accepted_proposal_counts_in_its_units_share(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    summary = alignment_summary(cast.year)
    team = _team(summary, cast)
    assert (team.cascade_goals, team.from_proposals, team.proposal_share) == (3, 1, 1 / 3)
    assert summary.totals.from_proposals == 1


def test_the_share_rolls_up_the_unit_tree(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    sales = next(row.figures for row in alignment_summary(cast.year).units if row.unit == cast.sales)
    assert sales.from_proposals == 1


def test_a_unit_without_translational_or_operational_goals_has_no_share(cast):
    people = next(row.figures for row in alignment_summary(cast.year).units if row.unit == cast.people_unit)
    assert people.proposal_share is None


def test_the_api_answer_carries_the_share_per_unit_and_in_all(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    client = APIClient()
    client.force_authenticate(cast.hr)
    body = client.get("/api/v1/reports/alignment/", {"cycle": cast.year.pk}).json()
    assert body["proposals"]["from_proposals"] == 1
    team = next(unit for unit in body["units"]["results"] if unit["id"] == cast.team.pk)
    assert team["proposals"] == {"cascade_goals": 3, "from_proposals": 1, "share": pytest.approx(1 / 3)}


def test_the_units_sheet_has_the_share_column(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    sheet = tables.sheet(alignment_summary(cast.year, shown=None), "units")
    header = sheet.header
    team = next(row for row in sheet.rows() if row[0] == cast.team.pk)
    assert team[header.index("Share from proposals (%)")] == pytest.approx(1 / 3, abs=1e-6)


def test_the_long_csv_has_the_share_per_unit(cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    rows = list(export.csv_rows(alignment_summary(cast.year, shown=None)))
    assert ["unit.goals_from_proposals", cast.team.pk, "APAC team", "", "", "", "", 1] in rows


def test_the_report_page_shows_the_share(client, cast, proposal):
    services.proposal_accept(actor=cast.manager, proposal=proposal)
    client.force_login(cast.hr)
    page = client.get(reverse("reports:alignment"), {"cycle": cast.year.pk}).content.decode()
    assert "From proposals" in page and "1 of 3 (33%)" in page
