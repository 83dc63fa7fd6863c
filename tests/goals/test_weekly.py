"""The weekly check-in page (/check-in/): which goals it shows, what a submit records, errors per row, htmx swaps."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cycles.models import Cycle
from apps.goals.models import CheckIn, Goal, GoalStatus, Layer, Metric, PendingRollup
from tests.cast import build_cast
from tests.eager import set_eager
from tests.factories import CycleFactory, GoalFactory, MetricFactory

URL = "/check-in/"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def employee(client, cast):
    client.force_login(cast.employee)
    return client


@pytest.fixture
def mentor(cast):
    """The employee's goal without metrics, whose progress is entered by hand."""
    return GoalFactory(
        title="Mentor a new hire", layer=Layer.PERSONAL, parent=cast.oper, unit=cast.team, owner=cast.employee
    )


def form_data(response) -> dict:
    """What the browser would send for the page as shown (values, selected options, ticked boxes)."""
    html = response.content.decode()
    data = {"csrfmiddlewaretoken": "x"}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ("on" if 'type="checkbox"' in tag else "")
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    data.pop("csrfmiddlewaretoken")
    return data


def test_the_home_page_links_to_it(employee):
    assert reverse("goals:weekly-checkin") == URL
    assert f'href="{URL}"' in employee.get("/").content.decode()


def test_it_shows_my_active_goals_in_active_cycles_only(employee, cast, mentor):
    closed = CycleFactory(name="FY2026", status=Cycle.Status.CLOSED)
    GoalFactory(title="Old goal", layer=Layer.PERSONAL, cycle=closed, unit=cast.team, owner=cast.employee)
    html = employee.get(URL).content.decode()
    for shown in ("Hire three", "Close my first deal", "Mentor a new hire", "People hired", "Deal size"):
        assert shown in html
    for hidden in ("Learn Mandarin", "Old goal", "Grow APAC", "Automate a report"):  # draft, closed, not mine
        assert hidden not in html


def test_every_field_has_a_label_and_the_first_value_has_the_focus(employee, cast, mentor):
    html = employee.get(URL).content.decode()
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id
    autofocus = re.findall(r"<input[^>]*autofocus[^>]*>", html)
    assert len(autofocus) == 1 and 'name="m' in autofocus[0]


def test_values_are_prefilled_with_the_current_value_and_last_confidence(employee, cast):
    from apps.goals.services import checkin_record

    checkin_record(actor=cast.employee, metric=cast.oper_metric, value=2, confidence=3)
    data = form_data(employee.get(URL))
    prefix = f"m{cast.oper_metric.pk}"
    assert (data[f"{prefix}-value"], data[f"{prefix}-confidence"]) == ("2", "3")
    assert data[f"m{cast.personal_metric.pk}-confidence"] == "7"


def test_untouched_rows_record_nothing(employee, cast, mentor):
    response = employee.post(URL, form_data(employee.get(URL)))
    assert response.status_code == 400
    assert "Nothing to record" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_changed_value_and_a_same_as_last_week_are_recorded_the_rest_not(employee, cast, mentor):
    data = form_data(employee.get(URL))
    data[f"m{cast.oper_metric.pk}-value"] = "2"
    data[f"m{cast.personal_metric.pk}-same"] = "on"
    data[f"g{mentor.pk}-note"] = ""
    response = employee.post(URL, data)
    assert response.status_code == 302
    recorded = {(c.metric_id, c.value) for c in CheckIn.objects.all()}
    assert recorded == {(cast.oper_metric.pk, Decimal("2")), (cast.personal_metric.pk, Decimal("0"))}
    assert "Recorded 2 check-ins." in employee.get(URL).content.decode()


def test_a_goal_row_records_progress_and_health(employee, cast, mentor):
    data = form_data(employee.get(URL))
    data.update({f"g{mentor.pk}-progress": "40", f"g{mentor.pk}-health": "at_risk"})
    assert employee.post(URL, data).status_code == 302
    goal = Goal.objects.get(pk=mentor.pk)
    assert (goal.manual_progress, goal.health_override) == (0.4, "at_risk")


def test_one_bad_row_records_nothing_and_is_marked(employee, cast, mentor):
    data = form_data(employee.get(URL))
    data[f"m{cast.oper_metric.pk}-value"] = "2"
    data[f"m{cast.personal_metric.pk}-value"] = "lots"
    response = employee.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was recorded" in html
    bad = re.search(rf'<input[^>]*name="m{cast.personal_metric.pk}-value"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in bad and "autofocus" in bad
    assert f'id="m{cast.personal_metric.pk}-errors"' in html and "Enter a number." in html
    assert not CheckIn.objects.exists()
    assert Metric.objects.get(pk=cast.oper_metric.pk).current == 0


def test_a_rule_of_the_service_comes_back_on_its_row(employee, cast, mentor):
    data = form_data(employee.get(URL))
    data[f"g{mentor.pk}-progress"] = "50"
    # Meanwhile someone gave the goal a metric: its progress is no longer entered by hand.
    MetricFactory(goal=mentor)
    response = employee.post(URL, data)
    # The page now shows the goal with a metric row, so its goal row is gone: the form is rebuilt from the database.
    assert response.status_code == 400
    assert not CheckIn.objects.filter(goal=mentor).exists()


def test_htmx_answers_with_out_of_band_sections_and_fresh_figures(transactional_db, client, cast, mentor):
    client.force_login(cast.employee)
    data = form_data(client.get(URL))
    data[f"m{cast.oper_metric.pk}-value"] = "3"
    response = client.post(URL, data, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recorded 1 check-in." in html
    section = re.search(rf'<section[^>]*id="weekly-goal-{cast.oper.pk}"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in section
    assert 'aria-label="100% done' in html  # 3 of 3 people hired: rolled up before the answer (eager)
    assert "weekly-poll" not in html
    assert f'name="m{cast.oper_metric.pk}-same" ' in html and "checked" not in html


def test_htmx_errors_come_back_in_place_with_a_200(employee, cast, mentor):
    data = form_data(employee.get(URL))
    data[f"m{cast.oper_metric.pk}-value"] = ""
    response = employee.post(URL, data, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "This field is required." in html
    assert "autofocus" in html


def test_with_a_worker_the_page_polls_until_the_figures_are_rolled_up(client, cast, mentor, monkeypatch):
    client.force_login(cast.employee)
    PendingRollup.objects.all().delete()
    data = form_data(client.get(URL))
    data[f"m{cast.oper_metric.pk}-value"] = "3"
    set_eager(False)
    monkeypatch.setattr("apps.goals.dirty.wake", lambda: None)
    try:
        html = client.post(URL, data, **HX).content.decode()
    finally:
        set_eager(True)
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="load delay:1s"', html).group(1).replace("&amp;", "&")
    assert f"goal={cast.oper.pk}" in poll

    still = client.get(poll).content.decode()
    assert "try=2" in still and f'id="figures-{cast.oper.pk}"' not in still

    from apps.goals import dirty

    dirty.drain()
    done = client.get(poll).content.decode()
    assert "weekly-poll" not in done
    figures = re.search(rf'<p[^>]*id="figures-{cast.oper.pk}"[^>]*>', done).group(0)
    assert 'hx-swap-oob="true"' in figures


def test_polling_stops_after_its_bound(employee, cast):
    PendingRollup.objects.create(goal_id=cast.oper.pk)
    answer = employee.get(f"/check-in/figures/?goal={cast.oper.pk}&try=10").content.decode()
    assert "weekly-poll" not in answer


def test_polling_shows_only_my_goals(employee, cast):
    answer = employee.get(f"/check-in/figures/?goal={cast.other_personal.pk}").content.decode()
    assert "figures-" not in answer


def test_the_page_query_count_does_not_grow_with_metrics(employee, cast, django_assert_max_num_queries):
    for _ in range(5):
        MetricFactory(goal=cast.personal)
    # session and user (2), the goals (1), their metrics (1)
    with django_assert_max_num_queries(6):
        employee.get(URL)


def test_someone_without_goals_is_told_so(client, cast):
    client.force_login(cast.hr)
    assert "nothing to check in on" in client.get(URL).content.decode()


def test_a_draft_goal_is_not_on_the_page(employee, cast):
    Goal.objects.filter(pk=cast.personal.pk).update(status=GoalStatus.DRAFT)
    assert "Close my first deal" not in employee.get(URL).content.decode()


def test_an_in_place_check_in_on_my_goals_updates_the_goal_headline(transactional_db, client, cast):
    """The single check-in of My goals (and the goal page) swaps the goal's headline out of band too."""
    client.force_login(cast.employee)
    assert f'id="goal-figures-{cast.personal.pk}"' in client.get("/my-goals/").content.decode()
    url = f"/metrics/{cast.personal_metric.pk}/checkin/"
    html = client.post(url, {"value": "500", "confidence": "7", "note": ""}, **HX).content.decode()
    headline = re.search(rf'<p[^>]*id="goal-figures-{cast.personal.pk}"[^>]*>(.*?)</p>', html, re.S)
    assert 'hx-swap-oob="true"' in headline.group(0)
    assert "50%" in headline.group(1)  # 500 of 1000, rolled up before the answer (eager)
