"""The X-matrix (apps.reports.xmatrix): which intents and goals it shows, the strength of each tie, ties inherited
through translational ancestors, what a viewer may see, and the page."""

from datetime import date

import pytest

from apps.goals.models import GoalLink, Layer
from apps.goals.services import goal_archive
from apps.reports.xmatrix import Strength, Tie, xmatrix
from tests.factories import CycleFactory, GoalFactory, MetricFactory


def ties_of(matrix, goal) -> dict:
    return next(row.ties for row in matrix.rows if row.goal.pk == goal.pk)


def row_ids(matrix) -> list[int]:
    return [row.goal.pk for row in matrix.rows]


def translational(cast, title, parent=None, **extra):
    return GoalFactory(
        title=title,
        layer=Layer.TRANSLATIONAL,
        parent=parent or cast.intent,
        unit=cast.team,
        owner=cast.manager,
        **extra,
    )


def test_the_parent_intent_is_a_strong_tie(cast):
    ties = ties_of(xmatrix(cast.admin, cast.year), cast.trans)
    assert ties == {cast.intent.pk: Tie(cast.intent.pk, Strength.STRONG)}


def test_a_contributes_link_is_a_medium_tie_and_a_supports_link_a_weak_one(cast):
    GoalLink.objects.create(source=cast.trans, target=cast.draft_intent, kind=GoalLink.Kind.CONTRIBUTES)
    GoalLink.objects.create(source=cast.other_trans, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)
    matrix = xmatrix(cast.admin, cast.year)
    assert ties_of(matrix, cast.trans)[cast.draft_intent.pk].strength == Strength.MEDIUM
    assert ties_of(matrix, cast.other_trans)[cast.draft_intent.pk].strength == Strength.WEAK


def test_a_goal_under_a_translational_goal_inherits_its_ties_through_it(cast):
    GoalLink.objects.create(source=cast.trans, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)
    child = translational(cast, "Open Singapore", parent=cast.trans)
    ties = ties_of(xmatrix(cast.admin, cast.year), child)
    assert ties[cast.intent.pk] == Tie(cast.intent.pk, Strength.STRONG, via_id=cast.trans.pk)
    assert ties[cast.draft_intent.pk] == Tie(cast.draft_intent.pk, Strength.WEAK, via_id=cast.trans.pk)


def test_the_strongest_tie_wins_and_the_nearest_among_equals(cast):
    GoalLink.objects.create(source=cast.trans, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)
    child = translational(cast, "Open Singapore", parent=cast.trans)
    GoalLink.objects.create(source=child, target=cast.draft_intent, kind=GoalLink.Kind.CONTRIBUTES)
    GoalLink.objects.create(source=child, target=cast.intent, kind=GoalLink.Kind.CONTRIBUTES)
    ties = ties_of(xmatrix(cast.admin, cast.year), child)
    assert ties[cast.draft_intent.pk] == Tie(cast.draft_intent.pk, Strength.MEDIUM)  # its own medium over weak
    assert ties[cast.intent.pk] == Tie(cast.intent.pk, Strength.STRONG, via_id=cast.trans.pk)  # strong over medium


def test_links_to_goals_that_are_not_intents_are_no_ties(cast):
    GoalLink.objects.create(source=cast.other_trans, target=cast.trans, kind=GoalLink.Kind.CONTRIBUTES)
    assert set(ties_of(xmatrix(cast.admin, cast.year), cast.other_trans)) == {cast.intent.pk}


def test_operational_and_personal_goals_are_not_rows(cast):
    assert set(row_ids(xmatrix(cast.admin, cast.year))) == {cast.trans.pk, cast.other_trans.pk}


def test_archived_goals_are_left_out(cast):
    spare = translational(cast, "Spare")
    goal_archive(actor=None, goal=spare)
    assert spare.pk not in row_ids(xmatrix(cast.admin, cast.year))


def test_an_archived_intent_is_no_column(cast):
    goal_archive(actor=None, goal=cast.draft_intent)
    assert cast.draft_intent.pk not in [intent.pk for intent in xmatrix(cast.admin, cast.year).intents]


def test_a_quarters_matrix_has_the_years_intents_and_only_the_quarters_goals(cast):
    quarter = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    in_quarter = translational(cast, "Q1 push", cycle=quarter)
    matrix = xmatrix(cast.admin, quarter)
    assert cast.intent.pk in [intent.pk for intent in matrix.intents]
    assert row_ids(matrix) == [in_quarter.pk]


def test_a_years_matrix_holds_the_goals_of_its_quarters(cast):
    quarter = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    in_quarter = translational(cast, "Q1 push", cycle=quarter)
    assert in_quarter.pk in row_ids(xmatrix(cast.admin, cast.year))


def test_a_quarters_goal_under_a_years_translational_goal_inherits_its_tie(cast):
    quarter = CycleFactory(name="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cast.year)
    in_quarter = translational(cast, "Q1 push", parent=cast.trans, cycle=quarter)
    ties = ties_of(xmatrix(cast.admin, quarter), in_quarter)
    assert ties == {cast.intent.pk: Tie(cast.intent.pk, Strength.STRONG, via_id=cast.trans.pk)}


def test_goals_of_another_cycle_are_left_out(cast):
    other = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    intent = GoalFactory(title="Later", layer=Layer.INTENT, cycle=other, unit=cast.company, owner=cast.leader)
    later = translational(cast, "Later work", parent=intent)
    matrix = xmatrix(cast.admin, cast.year)
    assert intent.pk not in [i.pk for i in matrix.intents] and later.pk not in row_ids(matrix)


def test_an_employee_sees_no_draft_intent_and_no_tie_to_it(cast):
    GoalLink.objects.create(source=cast.trans, target=cast.draft_intent, kind=GoalLink.Kind.CONTRIBUTES)
    matrix = xmatrix(cast.employee, cast.year)
    assert [intent.pk for intent in matrix.intents] == [cast.intent.pk]
    assert set(ties_of(matrix, cast.trans)) == {cast.intent.pk}


def test_a_draft_translational_goal_shows_only_to_who_may_see_drafts(cast):
    draft = translational(cast, "Not yet", status="draft")
    assert draft.pk in row_ids(xmatrix(cast.leader, cast.year))
    assert draft.pk not in row_ids(xmatrix(cast.employee, cast.year))


def test_a_goal_does_not_inherit_through_an_ancestor_the_viewer_may_not_see(cast):
    draft = translational(cast, "Not yet", status="draft")
    child = translational(cast, "Under a draft", parent=draft)
    assert child.pk not in row_ids(xmatrix(cast.employee, cast.year))
    assert ties_of(xmatrix(cast.leader, cast.year), child)[cast.intent.pk].via_id == draft.pk


def test_rows_carry_their_metrics(cast):
    metric = MetricFactory(goal=cast.trans, name="Share")
    row = next(row for row in xmatrix(cast.admin, cast.year).rows if row.goal.pk == cast.trans.pk)
    assert row.metrics == [metric]


def test_the_matrix_costs_the_same_queries_whatever_its_size(cast, django_assert_max_num_queries):
    cast.manager.__dict__.pop("_access", None)
    with django_assert_max_num_queries(10) as few:
        xmatrix(cast.manager, cast.year)
    for n in range(10):
        goal = translational(cast, f"More {n}")
        MetricFactory(goal=goal)
        translational(cast, f"Under {n}", parent=goal)
        GoalLink.objects.create(source=goal, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)
    cast.manager.__dict__.pop("_access", None)
    with django_assert_max_num_queries(10) as many:
        matrix = xmatrix(cast.manager, cast.year)
    assert len(matrix.rows) == 22
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "leader", "manager", "employee", "other_employee", "hr"])
def test_everyone_signed_in_reads_the_xmatrix_page(cast, browser, role):
    assert browser(role).get("/xmatrix/").status_code == 200


def test_the_xmatrix_page_needs_a_sign_in(cast, client):
    response = client.get("/xmatrix/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_shows_intents_goals_ties_in_words_and_metrics(cast, browser):
    MetricFactory(goal=cast.trans, name="APAC share", start=8, target=20, current=11, display_unit="%")
    GoalLink.objects.create(source=cast.other_trans, target=cast.draft_intent, kind=GoalLink.Kind.SUPPORTS)
    page = browser("leader").get("/xmatrix/", {"cycle": cast.year.pk}).content.decode()
    for text in ("Double revenue", "Enter a new market", "Grow APAC", "Cut costs", "APAC share: 11% → 20%"):
        assert text in page
    assert "strong (its cascade parent)" in page and "weak (supports it)" in page
    assert 'role="region"' in page and "<caption" in page


def test_the_page_for_an_employee_has_no_draft_intent(cast, browser):
    page = browser("employee").get("/xmatrix/", {"cycle": cast.year.pk}).content.decode()
    assert "Double revenue" in page and "Enter a new market" not in page


def test_an_unknown_cycle_on_the_page_is_an_error_next_to_the_picker(cast, browser):
    response = browser("employee").get("/xmatrix/", {"cycle": "999999"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_the_page_costs_the_same_queries_whatever_its_size(cast, browser, django_assert_max_num_queries):
    client = browser("manager")
    with django_assert_max_num_queries(25) as few:
        client.get("/xmatrix/", {"cycle": cast.year.pk})
    for n in range(8):
        MetricFactory(goal=translational(cast, f"More {n}"))
    with django_assert_max_num_queries(25) as many:
        client.get("/xmatrix/", {"cycle": cast.year.pk})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_page_says_what_a_nested_goal_sits_under_and_through_which_goal_it_serves(cast, browser):
    translational(cast, "Open Singapore", parent=cast.trans)
    page = browser("manager").get("/xmatrix/", {"cycle": cast.year.pk}).content.decode()
    assert "under “Grow APAC”" in page
    assert "strong (its cascade parent), through “Grow APAC”" in page
