"""Archiving from the pages: a confirmation that names what goes with the goal, an Undo right after, and an
"Archived" list on the strategy list, the map and My goals from which whoever may archive restores."""

import pytest
from django.urls import reverse

from apps.goals import services
from apps.goals.models import Goal
from tests.cast import build_cast
from tests.factories import MetricFactory


@pytest.fixture
def cast(db):
    return build_cast()


def archive_url(goal) -> str:
    return reverse("goals:archive", args=[goal.pk])


def restore_url(goal) -> str:
    return reverse("goals:restore", args=[goal.pk])


def signed_in(client, cast, role):
    client.force_login(cast.person(role))
    return client


def archived(goal) -> bool:
    return Goal.objects.get(pk=goal.pk).archived_at is not None


def test_the_confirmation_names_the_goal_its_metrics_and_what_stays(client, cast):
    metric = MetricFactory(goal=cast.personal, name="Deals closed")
    services.checkin_record(actor=cast.employee, metric=metric, value=1, confidence=7)
    page = signed_in(client, cast, "employee").get(archive_url(cast.personal)).content.decode()
    assert "Archive “Close my first deal”?" in page
    assert "Deals closed" in page and "1 check-in" in page and "stops counting towards “Hire three”" in page
    assert f'action="{archive_url(cast.personal)}"' in page
    assert not archived(cast.personal)  # a GET changes nothing


def test_the_confirmation_says_which_goals_under_it_block_it(client, cast):
    page = signed_in(client, cast, "manager").get(archive_url(cast.trans)).content.decode()
    assert "It cannot be archived yet" in page and "Hire three" in page
    assert f'action="{archive_url(cast.trans)}"' not in page


def test_archiving_lands_on_the_page_it_came_from_with_an_undo(client, cast):
    my_goals = reverse("goals:mine")
    response = signed_in(client, cast, "employee").post(archive_url(cast.personal), {"next": my_goals}, follow=True)
    assert response.redirect_chain[-1][0] == my_goals and archived(cast.personal)
    page = response.content.decode()
    assert f'action="{restore_url(cast.personal)}"' in page and ">Undo</button>" in page


def test_undo_restores_the_goal_and_returns_to_the_page(client, cast):
    signed_in(client, cast, "employee").post(archive_url(cast.personal), {})
    response = client.post(restore_url(cast.personal), {"next": reverse("goals:mine")})
    assert response.status_code == 302 and response["Location"] == reverse("goals:mine")
    assert not archived(cast.personal)


def test_my_goals_lists_archived_goals_with_a_restore_button(client, cast):
    services.goal_archive(actor=None, goal=cast.personal)
    client = signed_in(client, cast, "employee")
    assert "Close my first deal" not in client.get(reverse("goals:mine")).content.decode()
    page = client.get(reverse("goals:mine") + "?archived=1").content.decode()
    assert "Close my first deal" in page and f'action="{restore_url(cast.personal)}"' in page
    client.post(restore_url(cast.personal), {"next": reverse("goals:mine") + "?archived=1"})
    assert not archived(cast.personal)


def test_the_strategy_list_lists_archived_intents_with_a_restore_button(client, cast):
    services.goal_archive(actor=None, goal=cast.draft_intent)
    client = signed_in(client, cast, "leader")
    url = reverse("goals:strategy") + f"?cycle={cast.year.pk}"
    assert "Enter a new market" not in client.get(url).content.decode()
    page = client.get(url + "&archived=1").content.decode()
    assert "Enter a new market" in page and f'action="{restore_url(cast.draft_intent)}"' in page
    client.post(restore_url(cast.draft_intent), {})
    assert not archived(cast.draft_intent)


def test_the_map_lists_archived_goals_with_a_restore_button(client, cast):
    services.goal_archive(actor=None, goal=cast.personal)
    client = signed_in(client, cast, "employee")
    url = reverse("goals:map") + f"?cycle={cast.year.pk}&archived=1"
    page = client.get(url).content.decode()
    assert "Close my first deal" in page and f'action="{restore_url(cast.personal)}"' in page
    assert f'href="{reverse("goals:detail", args=[cast.oper.pk])}"' not in page  # goals in use are not listed


def test_who_may_not_archive_sees_no_restore_button_and_cannot_restore(client, cast):
    services.goal_archive(actor=None, goal=cast.personal)
    client = signed_in(client, cast, "manager")  # sees their report's goal, may not change it
    page = client.get(reverse("goals:map") + f"?cycle={cast.year.pk}&archived=1").content.decode()
    assert "Close my first deal" in page and f'action="{restore_url(cast.personal)}"' not in page
    assert client.post(restore_url(cast.personal), {}).status_code == 403
    assert client.get(archive_url(cast.personal)).status_code == 403
    assert archived(cast.personal)


def test_someone_who_may_not_see_the_goal_gets_404(client, cast):
    client = signed_in(client, cast, "other_employee")
    assert client.post(archive_url(cast.personal), {}).status_code == 404
    services.goal_archive(actor=None, goal=cast.personal)
    assert client.post(restore_url(cast.personal), {}).status_code == 404
    page = client.get(reverse("goals:map") + f"?cycle={cast.year.pk}&archived=1").content.decode()
    assert "Close my first deal" not in page


def test_a_goal_with_goals_under_it_is_not_archived_and_says_why(client, cast):
    response = signed_in(client, cast, "manager").post(archive_url(cast.trans), {}, follow=True)
    assert not archived(cast.trans)
    assert "still has 1 goal(s) under it" in response.content.decode()
