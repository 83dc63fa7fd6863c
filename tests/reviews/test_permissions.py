"""Who sees a review and who reads its reflection, per role (apps.reviews.permissions and selectors)."""

import pytest

from apps.reviews import permissions, selectors, services
from apps.reviews.models import Review
from tests.cast import ROLES

# Which reviews each role sees (by goal), and whose reflection they read. HR sees no single review: only aggregates.
SEES = {
    "admin": {"personal", "oper", "other_trans"},
    "leader": {"personal", "oper", "other_trans"},
    "manager": {"personal", "oper", "other_trans"},
    "employee": {"personal", "oper", "other_trans"},
    "other_employee": {"oper", "other_trans"},
    "hr": set(),
}
READS_REFLECTION = {
    "admin": {"personal", "oper", "other_trans"},
    "leader": {"personal", "oper"},  # the employee's chain, not the other division's
    "manager": {"personal", "oper"},
    "employee": {"personal", "oper"},
    "other_employee": {"other_trans"},
    "hr": set(),
}


@pytest.fixture
def reviews(cast):
    written = {}
    for name, owner in (("personal", cast.employee), ("oper", cast.employee), ("other_trans", cast.other_employee)):
        written[name] = services.review_save(
            actor=owner, goal=cast.goal(name), relevance=Review.Relevance.PARTLY, reflection=f"{name} words"
        )
    return written


@pytest.mark.parametrize("role", ROLES)
def test_reviews_visible_per_role(cast, reviews, fresh, role):
    person = fresh(cast.person(role))
    seen = {review.goal_id for review in selectors.reviews_visible_to(person)}
    assert seen == {reviews[name].goal_id for name in SEES[role]}


@pytest.mark.parametrize("role", ROLES)
def test_per_object_visibility_agrees_with_the_filter(cast, reviews, fresh, role):
    person = fresh(cast.person(role))
    seen = {name for name, review in reviews.items() if permissions.can_view_review_of(person, review.goal)}
    assert seen == SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_reflection_readers_per_role(cast, reviews, fresh, role):
    person = fresh(cast.person(role))
    reads = {name for name, review in reviews.items() if permissions.reflection_visible(person, review.goal)}
    assert reads == READS_REFLECTION[role]
