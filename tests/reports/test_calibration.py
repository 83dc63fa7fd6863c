"""Calibration of review scores (apps.reports.calibration): per manager beside the organisation, outliers flagged,
nothing shown for fewer than five people, for HR and admins only."""

from datetime import date

import pytest

from apps.cycles.models import Cycle
from apps.goals.models import Layer
from apps.goals.services import goal_archive
from apps.org.models import Person
from apps.reports.calibration import MIN_PEOPLE, calibration, can_view_calibration
from apps.reviews.models import Review
from apps.reviews.services import review_save
from tests.factories import CycleFactory, GoalFactory, PersonFactory, UnitFactory


@pytest.fixture
def cycle(db) -> Cycle:
    return CycleFactory(name="Reviewed year", start=date(2027, 1, 1), end=date(2027, 12, 31))


def manager(name: str) -> Person:
    return PersonFactory(
        username=name, name=f"{name.title()} Boss", role=Person.Role.MANAGER, unit=UnitFactory(name=f"Unit of {name}")
    )


def team(boss: Person | None, cycle: Cycle, scores: list[float], unit=None) -> list[Review]:
    """One new person per score, reporting to `boss`, whose goal in `cycle` is reviewed with that score."""
    reviews = []
    for score in scores:
        person = PersonFactory(unit=unit or (boss.unit if boss else UnitFactory()), manager=boss)
        goal = GoalFactory(layer=Layer.PERSONAL, cycle=cycle, unit=person.unit, owner=person)
        reviews.append(
            review_save(
                actor=person, goal=goal, relevance=Review.Relevance.SUPPORTED, score=score, reflection="My own words"
            )
        )
    return reviews


def by_manager(result) -> dict[int, object]:
    return {figures.manager_id: figures for figures in result.managers}


def test_the_organisation_has_mean_stddev_and_histogram(cycle):
    team(manager("m1"), cycle, [0.1, 0.3, 0.5, 0.7, 0.9])
    result = calibration(cycle)
    assert result.organisation.people == 5 and result.organisation.reviews == 5
    assert result.organisation.mean == pytest.approx(0.5)
    assert result.stddev == pytest.approx(0.2828, abs=1e-3)  # population standard deviation
    assert [bucket.count for bucket in result.organisation.histogram] == [1, 1, 1, 1, 1]


def test_a_score_of_one_falls_in_the_last_bucket(cycle):
    team(manager("m1"), cycle, [1.0, 1.0, 0.0, 0.0, 0.8])
    assert [bucket.count for bucket in calibration(cycle).organisation.histogram] == [2, 0, 0, 0, 3]


def test_a_manager_above_the_organisation_by_more_than_one_stddev_is_flagged_above(cycle):
    high, low, middle = manager("high"), manager("low"), manager("middle")
    team(high, cycle, [1.0] * 5)
    team(low, cycle, [0.0] * 5)
    team(middle, cycle, [0.5] * 5)
    result = by_manager(calibration(cycle))
    assert result[high.pk].flag == "above"
    assert result[low.pk].flag == "below"
    assert result[middle.pk].flag is None


def test_a_manager_within_one_stddev_is_not_flagged(cycle):
    a, b = manager("a"), manager("b")
    team(a, cycle, [0.6] * 5)
    team(b, cycle, [0.4] * 5)
    result = calibration(cycle)
    assert result.stddev == pytest.approx(0.1)
    assert [figures.flag for figures in result.managers] == [None, None]  # 0.1 away: exactly one stddev


def test_a_manager_with_fewer_than_five_people_is_not_shown_but_counted(cycle):
    big, small = manager("big"), manager("small")
    team(big, cycle, [0.5] * MIN_PEOPLE)
    team(small, cycle, [0.9] * (MIN_PEOPLE - 1))
    result = calibration(cycle)
    assert list(by_manager(result)) == [big.pk]
    assert result.not_shown == 1
    assert result.organisation.people == 2 * MIN_PEOPLE - 1


def test_five_reviews_of_one_person_are_not_five_people(cycle):
    boss = manager("boss")
    person = PersonFactory(unit=boss.unit, manager=boss)
    for _ in range(5):
        goal = GoalFactory(layer=Layer.PERSONAL, cycle=cycle, unit=boss.unit, owner=person)
        review_save(actor=person, goal=goal, relevance=Review.Relevance.PARTLY, score=0.5)
    team(manager("other"), cycle, [0.5] * 5)
    result = calibration(cycle)
    assert boss.pk not in by_manager(result)
    assert result.not_shown == 1


def test_below_five_people_the_organisation_shows_no_figure(cycle):
    team(manager("m1"), cycle, [0.2, 0.4, 0.6, 0.8])
    result = calibration(cycle)
    assert not result.shown
    assert result.organisation.people == 4
    assert result.organisation.mean is None and result.stddev is None and result.organisation.histogram == []
    assert result.managers == []


def test_the_manager_is_the_owners_manager_when_the_report_is_read(cycle):
    old, new = manager("old"), manager("new")
    reviews = team(old, cycle, [0.5] * 5)
    Person.objects.filter(pk__in=[review.goal.owner_id for review in reviews]).update(manager=new)
    assert list(by_manager(calibration(cycle))) == [new.pk]


def test_people_without_a_manager_count_in_the_organisation_only(cycle):
    team(manager("m1"), cycle, [0.5] * 5)
    team(None, cycle, [0.9, 0.9])
    result = calibration(cycle)
    assert result.people_without_manager == 2
    assert result.organisation.people == 7
    assert len(result.managers) == 1


def test_reviews_of_other_cycles_do_not_count(cycle):
    boss = manager("boss")
    team(boss, cycle, [0.5] * 5)
    team(boss, CycleFactory(name="Another year", start=date(2028, 1, 1), end=date(2028, 12, 31)), [0.1] * 5)
    assert calibration(cycle).organisation.reviews == 5


def test_a_years_calibration_counts_the_quarters_inside_it(cycle):
    quarter = CycleFactory(name="Q1", start=date(2027, 1, 1), end=date(2027, 3, 31), parent=cycle)
    team(manager("boss"), quarter, [0.5] * 5)
    assert calibration(cycle).organisation.reviews == 5


def test_reviews_of_archived_goals_do_not_count(cycle):
    boss = manager("boss")
    reviews = team(boss, cycle, [0.5] * 6)
    goal_archive(actor=None, goal=reviews[0].goal)
    assert calibration(cycle).organisation.reviews == 5


def test_calibration_costs_the_same_queries_whatever_the_reviews(cycle, django_assert_max_num_queries):
    team(manager("a"), cycle, [0.5] * 5)
    with django_assert_max_num_queries(3):
        calibration(cycle)
    for name in ("b", "c", "d"):
        team(manager(name), cycle, [0.7] * 6)
    with django_assert_max_num_queries(3):
        assert len(calibration(cycle).managers) == 4


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("hr", True),
        ("leader", False),
        ("manager", False),
        ("employee", False),
        ("other_employee", False),
    ],
)
def test_only_hr_and_admins_may_view_calibration(cast, role, allowed):
    assert can_view_calibration(cast.person(role)) is allowed


# --- The page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("hr", 200), ("leader", 403), ("manager", 403), ("employee", 403), ("other_employee", 403)],
)
def test_the_calibration_page_is_for_hr_and_admins(cast, browser, role, status):
    assert browser(role).get("/reports/calibration/").status_code == status


def test_the_calibration_page_needs_a_sign_in(cast, client):
    response = client.get("/reports/calibration/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_calibration_page_shows_managers_flags_and_the_hidden_count(cast, browser):
    high, low = manager("high"), manager("low")
    team(high, cast.year, [1.0] * 5)
    team(low, cast.year, [0.0] * 5)
    team(manager("few"), cast.year, [0.5] * 3)
    page = browser("hr").get("/reports/calibration/", {"cycle": cast.year.pk}).content.decode()
    assert "High Boss" in page and "Low Boss" in page and "Few Boss" not in page
    assert "Above the organisation" in page and "Below the organisation" in page
    assert "Not shown: 1 manager with fewer than 5 people" in page


def test_the_calibration_page_never_shows_a_reflection_or_a_persons_name(cast, browser):
    reviews = team(manager("boss"), cast.year, [0.11, 0.23, 0.37, 0.41, 0.59])
    page = browser("admin").get("/reports/calibration/", {"cycle": cast.year.pk}).content.decode()
    assert "My own words" not in page
    for review in reviews:
        assert review.goal.owner.name not in page
        assert review.goal.title not in page


def test_the_calibration_page_says_when_the_organisation_is_too_small(cast, browser):
    team(manager("boss"), cast.year, [0.5] * 4)
    page = browser("hr").get("/reports/calibration/", {"cycle": cast.year.pk}).content.decode()
    assert "fewer than 5 people" in page


def test_an_unknown_cycle_on_the_calibration_page_is_an_error_next_to_the_picker(cast, browser):
    response = browser("hr").get("/reports/calibration/", {"cycle": "999999"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
