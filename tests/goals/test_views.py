"""The home page ("my work"): login required, the person's goals with their line of sight, query count pinned."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cycles.models import Cycle
from apps.goals import services
from apps.goals.models import Goal, GoalStatus, Layer
from tests.factories import GoalFactory, PersonFactory, cascade


@pytest.fixture
def employee(db):
    return PersonFactory(username="employee")


def test_home_asks_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_logs_a_person_in(client, employee):
    response = client.post(reverse("login"), {"username": "employee", "password": "a-long-test-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_home_shows_my_goals_with_their_line_of_sight(client, employee):
    intent, translational, operational, _ = cascade()
    GoalFactory(layer=Layer.PERSONAL, parent=operational, owner=employee, title="Close my first deal")
    client.force_login(employee)
    page = client.get(reverse("home")).content.decode()
    assert "Close my first deal" in page
    assert f"{intent.title} › {translational.title} › {operational.title}" in page


def test_an_unlinked_personal_goal_says_so(client, employee):
    GoalFactory(layer=Layer.PERSONAL, owner=employee, unit=employee.unit, title="Learn Mandarin")
    client.force_login(employee)
    assert "Not linked to the strategy yet" in client.get(reverse("home")).content.decode()


def test_draft_intents_are_not_listed_as_strategy(client, employee):
    published = GoalFactory(layer=Layer.INTENT, title="Grow revenue")
    services.goal_update(
        actor=None,
        goal=GoalFactory(layer=Layer.INTENT, cycle=published.cycle, title="Secret plan"),
        status=GoalStatus.DRAFT,
    )
    client.force_login(employee)
    page = client.get(reverse("home")).content.decode()
    assert "Grow revenue" in page and "Secret plan" not in page


def test_home_query_count_does_not_grow_with_goals(client, employee, django_assert_max_num_queries):
    _, _, operational, _ = cascade()
    for n in range(12):
        _, _, op, _ = cascade(cycle=operational.cycle)
        GoalFactory(layer=Layer.PERSONAL, parent=op, owner=employee, title=f"Mine {n}")
    client.force_login(employee)
    # Session, person, three goal lists, the header's unread count, and the wins feed: what the viewer may see
    # (the units they look after, the people who report to them) and the latest wins.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("home"))
    assert response.content.decode().count("Mine ") == 12


def test_home_lists_my_running_goals_without_a_recent_checkin(client, employee):
    year = Cycle.objects.create(
        name="This year",
        start=timezone.localdate() - timedelta(days=100),
        end=timezone.localdate() + timedelta(days=200),
    )
    quiet = GoalFactory(layer=Layer.PERSONAL, owner=employee, unit=employee.unit, cycle=year, title="Quiet goal")
    fresh = GoalFactory(layer=Layer.PERSONAL, owner=employee, unit=employee.unit, cycle=year, title="Fresh goal")
    Goal.objects.filter(pk=quiet.pk).update(last_checkin_at=timezone.now() - timedelta(days=20))
    Goal.objects.filter(pk=fresh.pk).update(last_checkin_at=timezone.now() - timedelta(days=2))
    client.force_login(employee)
    page = client.get(reverse("home")).content.decode()
    section = page.split("Needs a check-in")[1].split("</section>")[0]
    assert "Quiet goal" in section and "Fresh goal" not in section
