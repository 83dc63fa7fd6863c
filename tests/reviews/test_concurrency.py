"""Races at a cycle's close (PostgreSQL): two first saves of one goal's review make one review, the later save
updating it; two carry-overs of one goal make one copy, the other refused."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from apps.goals import tree
from apps.goals.carryover import goal_carry_over
from apps.goals.models import Goal
from apps.reviews import services
from apps.reviews.models import Review
from tests.cast import build_cast
from tests.factories import CycleFactory


@pytest.mark.django_db(transaction=True)
def test_two_first_saves_of_a_review_make_one_review(postgres):
    cast = build_cast()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(score: float) -> None:
        try:
            barrier.wait()
            services.review_save(actor=cast.employee, goal=cast.oper, relevance=Review.Relevance.PARTLY, score=score)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=save, args=(score,)) for score in (0.3, 0.6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Review.objects.filter(goal=cast.oper).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_carry_overs_of_one_goal_at_once_make_one_copy(postgres):
    cast = build_cast()
    next_year = CycleFactory(name="FY2028", start=date(2028, 1, 1), end=date(2028, 12, 31))
    barrier = threading.Barrier(2)
    refused: list[BaseException] = []
    errors: list[BaseException] = []

    def carry() -> None:
        try:
            barrier.wait()
            goal_carry_over(actor=cast.leader, goal=cast.intent, cycle=next_year)
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=carry) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(refused) == 1
    assert Goal.objects.filter(carried_from=cast.intent).count() == 1
    assert tree.find_drift() == []
