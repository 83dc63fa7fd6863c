"""apps.reviews.services: who writes and signs off a review, and what a review may say."""

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.history import history_of
from apps.cycles.models import Cycle
from apps.goals import services as goal_services
from apps.goals.models import Goal, GoalStatus
from apps.notifications.models import Notification
from apps.reviews import services
from apps.reviews.models import Review


def _save(cast, goal=None, actor=None, **fields):
    fields.setdefault("relevance", Review.Relevance.SUPPORTED)
    return services.review_save(actor=actor or cast.employee, goal=goal or cast.oper, **fields)


def test_owner_reviews_their_goal_with_the_score_prefilled_from_progress(cast):
    Goal.objects.filter(pk=cast.oper.pk).update(progress=0.4)

    review = _save(cast, reflection="Hiring took longer than planned.")

    assert (review.score, review.relevance, review.author_id) == (0.4, "supported", cast.employee.pk)
    assert review.reflection == "Hiring took longer than planned."


def test_owner_may_set_another_score_than_progress(cast):
    assert _save(cast, score=0.9).score == 0.9


@pytest.mark.parametrize("score", [1.5, -0.1, math.nan, math.inf, "high", True])
def test_score_outside_zero_to_one_is_refused_by_name(cast, score):
    with pytest.raises(ValidationError) as refused:
        _save(cast, score=score)
    assert "score" in refused.value.message_dict
    assert not Review.objects.exists()


def test_unknown_relevance_is_refused_by_name(cast):
    with pytest.raises(ValidationError) as refused:
        _save(cast, relevance="maybe")
    assert "relevance" in refused.value.message_dict


def test_second_save_changes_the_one_review_and_keeps_the_history(cast):
    first = _save(cast, score=0.5)
    second = _save(cast, score=0.7, relevance=Review.Relevance.PARTLY)

    assert second.pk == first.pk and Review.objects.count() == 1
    changes = [change.changes for change in history_of(second).order_by("pk")]
    assert changes[-1] == {"score": [0.5, 0.7], "relevance": ["supported", "partly"]}


def test_someone_who_may_not_change_the_goal_cannot_review_it(cast):
    with pytest.raises(PermissionDenied):
        _save(cast, actor=cast.other_employee)


def test_hr_cannot_review_a_goal(cast):
    with pytest.raises(PermissionDenied):
        _save(cast, actor=cast.hr)


def test_manager_who_may_change_the_goal_reviews_it_without_a_reflection(cast):
    review = _save(cast, actor=cast.manager, score=0.3)
    assert review.author_id == cast.manager.pk


def test_only_the_owner_writes_the_reflection(cast):
    with pytest.raises(PermissionDenied) as refused:
        _save(cast, actor=cast.manager, reflection="They could have tried harder.")
    assert "reflection" in refused.value.fields


def test_a_change_by_the_manager_keeps_the_owners_reflection(cast):
    _save(cast, reflection="My words.")
    review = _save(cast, actor=cast.manager, score=0.2, reflection=None)
    assert review.reflection == "My words."


def test_a_draft_cannot_be_reviewed(cast):
    with pytest.raises(ValidationError) as refused:
        _save(cast, goal=cast.draft_personal)
    assert "goal" in refused.value.message_dict


def test_an_archived_goal_cannot_be_reviewed(cast):
    goal_services.goal_archive(actor=None, goal=cast.personal)
    with pytest.raises(ValidationError) as refused:
        _save(cast, goal=cast.personal)
    assert "archived" in refused.value.message_dict["goal"][0]


def test_reviews_of_a_closed_cycle_no_longer_change(cast):
    Cycle.objects.filter(pk=cast.year.pk).update(status=Cycle.Status.CLOSED)
    with pytest.raises(ValidationError) as refused:
        _save(cast)
    assert "closed" in refused.value.message_dict["goal"][0]


def test_a_cancelled_goal_may_be_reviewed(cast):
    Goal.objects.filter(pk=cast.oper.pk).update(status=GoalStatus.CANCELLED)
    assert _save(cast).pk


def test_the_owners_manager_is_told_a_review_waits(cast):
    review = _save(cast)
    notice = Notification.objects.get(person=cast.manager, kind=Notification.Kind.REVIEW_WAITING)
    assert notice.goal_id == review.goal_id and str(cast.year.pk) in notice.url


def test_an_owner_without_a_manager_has_their_units_lead_told(cast):
    review = _save(cast, goal=cast.trans, actor=cast.manager)  # manager's manager is the leader
    assert Notification.objects.filter(person=cast.leader, goal=review.goal).exists()


# --- Sign-off ---------------------------------------------------------------------------------


def test_the_owners_manager_signs_the_review_off(cast):
    review = services.review_sign_off(actor=cast.manager, review=_save(cast))
    assert review.signed_off_by_id == cast.manager.pk and review.signed_off_at is not None
    assert history_of(review).order_by("pk").last().changes["signed_off_by"] == [None, cast.manager.pk]


def test_someone_higher_in_the_chain_signs_off(cast):
    assert services.review_sign_off(actor=cast.leader, review=_save(cast)).signed_off_by_id == cast.leader.pk


def test_an_admin_signs_off(cast):
    assert services.review_sign_off(actor=cast.admin, review=_save(cast)).signed_off_by_id == cast.admin.pk


@pytest.mark.parametrize("role", ["employee", "other_employee", "hr"])
def test_the_owner_and_people_outside_the_chain_cannot_sign_off(cast, role):
    review = _save(cast)
    with pytest.raises(PermissionDenied):
        services.review_sign_off(actor=cast.person(role), review=review)
    review.refresh_from_db()
    assert review.signed_off_at is None


def test_an_admin_cannot_sign_off_their_own_review(cast):
    intent_review = _save(cast, goal=cast.intent, actor=cast.leader)
    Goal.objects.filter(pk=cast.intent.pk).update(owner=cast.admin)
    with pytest.raises(PermissionDenied):
        services.review_sign_off(actor=cast.admin, review=Review.objects.get(pk=intent_review.pk))


def test_a_review_is_signed_off_once(cast):
    review = services.review_sign_off(actor=cast.manager, review=_save(cast))
    with pytest.raises(ValidationError):
        services.review_sign_off(actor=cast.leader, review=review)


def test_a_signed_off_review_cannot_change(cast):
    services.review_sign_off(actor=cast.manager, review=_save(cast, score=0.5))
    with pytest.raises(ValidationError) as refused:
        _save(cast, score=0.9)
    assert "signed off" in refused.value.message_dict["non_field_errors"][0]
    assert Review.objects.get().score == 0.5


def test_a_withdrawn_sign_off_lets_the_review_change(cast):
    review = services.review_sign_off(actor=cast.manager, review=_save(cast, score=0.5))
    services.review_withdraw_sign_off(actor=cast.manager, review=review)

    assert _save(cast, score=0.9).score == 0.9
    assert Review.objects.get().signed_off_by_id is None


def test_the_owner_cannot_withdraw_a_sign_off(cast):
    review = services.review_sign_off(actor=cast.manager, review=_save(cast))
    with pytest.raises(PermissionDenied):
        services.review_withdraw_sign_off(actor=cast.employee, review=review)
