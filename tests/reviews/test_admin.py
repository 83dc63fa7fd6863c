"""Reviews in the admin: read only; the reflection shown to admins alone."""

import pytest
from django.contrib.auth.models import Permission

from apps.org.models import Person
from apps.reviews import services
from apps.reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(cast):
    return services.review_save(
        actor=cast.employee, goal=cast.oper, relevance=Review.Relevance.SUPPORTED, reflection="Mine alone."
    )


def test_an_admin_reads_a_review_with_its_reflection(client, cast, review):
    client.force_login(cast.admin)
    page = client.get(f"/admin/reviews/review/{review.pk}/change/")
    assert page.status_code == 200 and "Mine alone." in page.content.decode()


def test_other_staff_read_a_review_without_its_reflection(client, cast, review):
    hr = Person.objects.get(pk=cast.hr.pk)
    hr.is_staff = True
    hr.save(update_fields=["is_staff"])
    hr.user_permissions.add(Permission.objects.get(codename="view_review"))
    client.force_login(hr)
    page = client.get(f"/admin/reviews/review/{review.pk}/change/")
    assert page.status_code == 200 and "Mine alone." not in page.content.decode()


def test_reviews_cannot_be_changed_in_the_admin(client, cast, review):
    client.force_login(cast.admin)
    response = client.post(f"/admin/reviews/review/{review.pk}/change/", {"score": 0, "relevance": "did_not"})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).relevance == "supported"
