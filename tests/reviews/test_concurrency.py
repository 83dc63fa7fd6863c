"""Two first saves of one goal's review at the same moment (PostgreSQL): one review, the later save updating it."""

import threading

import pytest
from django.db import close_old_connections, connection

from apps.reviews import services
from apps.reviews.models import Review
from tests.cast import build_cast


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
