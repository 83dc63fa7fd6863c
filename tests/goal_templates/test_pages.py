"""The template pages: the library, a new template, assigning from a template's page, and "Save as template" on the
goal page."""

import pytest
from django.urls import reverse

from apps.goal_templates import services
from apps.goal_templates.models import GoalTemplate
from apps.goals.models import Goal, Layer
from tests.factories import PersonFactory
from tests.picking import as_one_types

from .conftest import METRICS

pytestmark = pytest.mark.django_db


def login(client, person):
    client.force_login(person)
    return client


def detail(template) -> str:
    return reverse("goal_templates:detail", args=[template.pk])


def test_everyone_reads_the_library(client, cast, template):
    page = login(client, cast.employee).get(reverse("goal_templates:list"))
    assert page.status_code == 200
    assert "Sell more" in page.content.decode()


def test_new_template_shows_only_to_those_who_may_make_one(client, cast, template):
    assert "New template" not in login(client, cast.employee).get(reverse("goal_templates:list")).content.decode()
    assert "New template" in login(client, cast.manager).get(reverse("goal_templates:list")).content.decode()


def test_an_employee_may_not_open_the_new_template_page(client, cast):
    assert login(client, cast.employee).get(reverse("goal_templates:new")).status_code == 403


def test_a_manager_makes_a_template_with_a_metric_from_the_page(client, cast):
    data = {
        "title": "Ship weekly",
        "layer": "personal",
        "description": "",
        "why": "",
        "metrics-TOTAL_FORMS": "3",
        "metrics-INITIAL_FORMS": "0",
        "metrics-0-name": "Releases",
        "metrics-0-unit": "number",
        "metrics-0-start": "0",
        "metrics-0-target": "12",
        "metrics-0-weight": "1",
        "metrics-1-unit": "number",
        "metrics-2-unit": "number",
    }
    response = login(client, cast.manager).post(reverse("goal_templates:new"), data)
    template = GoalTemplate.objects.get()
    assert response.status_code == 302 and response.url == detail(template)
    assert list(template.metrics.values_list("name", flat=True)) == ["Releases"]


def test_a_personal_template_with_a_why_shows_the_error_next_to_why(client, cast):
    data = {
        "title": "T",
        "layer": "personal",
        "why": "Because.",
        "metrics-TOTAL_FORMS": "0",
        "metrics-INITIAL_FORMS": "0",
    }
    response = login(client, cast.manager).post(reverse("goal_templates:new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["why"]
    assert not GoalTemplate.objects.exists()


def test_a_metric_without_a_target_is_an_error_next_to_it(client, cast):
    data = {
        "title": "T",
        "layer": "personal",
        "metrics-TOTAL_FORMS": "1",
        "metrics-INITIAL_FORMS": "0",
        "metrics-0-name": "Releases",
        "metrics-0-unit": "number",
        "metrics-0-start": "0",
    }
    response = login(client, cast.manager).post(reverse("goal_templates:new"), data)
    assert response.context["formset"].forms[0].errors["target"]
    assert not GoalTemplate.objects.exists()


def test_the_assign_form_shows_to_a_manager_and_not_to_an_employee(client, cast, template):
    assert 'id="assign-h"' in login(client, cast.manager).get(detail(template)).content.decode()
    assert 'id="assign-h"' not in login(client, cast.employee).get(detail(template)).content.decode()


def test_an_employee_cannot_post_an_assignment(client, cast, template):
    response = login(client, cast.employee).post(detail(template), {"usernames": "employee", "parent": cast.trans.pk})
    assert response.status_code == 403


def test_a_manager_assigns_to_people_by_username(client, cast, template):
    colleague = PersonFactory(username="colleague", unit=cast.team, manager=cast.manager)
    response = login(client, cast.manager).post(
        detail(template), {"usernames": "employee, colleague\nemployee", "parent": cast.trans.pk}
    )
    assert response.status_code == 302
    owners = set(Goal.objects.filter(title="Sell more").values_list("owner", flat=True))
    assert owners == {cast.employee.pk, colleague.pk}


def test_a_manager_assigns_to_everyone_in_their_unit_but_themselves(client, cast, template):
    colleague = PersonFactory(username="colleague", unit=cast.team, manager=cast.manager)
    login(client, cast.manager).post(detail(template), {"unit": cast.team.pk, "parent": cast.trans.pk})
    owners = set(Goal.objects.filter(title="Sell more").values_list("owner", flat=True))
    assert owners == {cast.employee.pk, colleague.pk}


def test_the_unit_choice_is_limited_to_the_units_one_leads(client, cast, template):
    response = login(client, cast.manager).post(detail(template), {"unit": cast.ops_team.pk, "parent": cast.trans.pk})
    assert response.context["form"].errors["unit"]
    assert not Goal.objects.filter(title="Sell more").exists()


def test_an_unknown_username_is_named_next_to_the_field(client, cast, template):
    response = login(client, cast.manager).post(
        detail(template), {"usernames": "employee nobody", "parent": cast.trans.pk}
    )
    assert "nobody" in response.context["form"].errors["usernames"][0]
    assert not Goal.objects.filter(title="Sell more").exists()


def test_someone_outside_the_chain_is_refused_on_the_form(client, cast, template):
    response = login(client, cast.manager).post(
        detail(template), {"usernames": "employee other_employee", "parent": cast.trans.pk}
    )
    assert str(cast.other_employee.pk) in response.context["form"].non_field_errors()[0]
    assert not Goal.objects.filter(title="Sell more").exists()


def test_the_parent_follows_the_cascade_rules_on_the_form(client, cast):
    template = services.template_create(actor=cast.manager, title="Ops", layer=Layer.OPERATIONAL)
    response = login(client, cast.manager).post(detail(template), {"usernames": "employee"})
    assert response.context["form"].errors["parent"]


def test_nobody_chosen_is_an_error(client, cast, template):
    response = login(client, cast.manager).post(detail(template), {"parent": cast.trans.pk})
    assert response.context["form"].non_field_errors()


def test_the_parent_options_answer_matches(client, cast, template):
    url = reverse("goal_templates:parent-options", args=[template.pk]) + "?parent_q=APAC"
    response = login(client, cast.manager).get(url)
    assert "Grow APAC" in response.content.decode()


def test_the_goal_page_offers_save_as_template_to_a_manager(client, cast):
    page = login(client, cast.manager).get(reverse("goals:detail", args=[cast.oper.pk]))
    assert "Save as template" in page.content.decode()


def test_the_goal_page_offers_no_save_as_template_to_an_employee(client, cast):
    page = login(client, cast.employee).get(reverse("goals:detail", args=[cast.oper.pk]))
    assert "Save as template" not in page.content.decode()


def test_the_goal_page_offers_no_save_as_template_for_an_intent(client, cast):
    page = login(client, cast.leader).get(reverse("goals:detail", args=[cast.intent.pk]))
    assert "Save as template" not in page.content.decode()


def test_the_panel_costs_one_query_at_most(rf, cast, django_assert_max_num_queries):
    from apps.goal_templates.views import save_as_template_panel

    request = rf.get("/")
    request.user = cast.manager
    cast.manager.__dict__.pop("_access", None)
    with django_assert_max_num_queries(1):
        assert save_as_template_panel(request, cast.oper)


def test_save_as_template_makes_one_and_opens_it(client, cast):
    response = login(client, cast.manager).post(reverse("goal_templates:from-goal", args=[cast.oper.pk]))
    template = GoalTemplate.objects.get()
    assert response.status_code == 302 and response.url == detail(template)
    assert (template.title, template.metrics.count()) == ("Hire three", 1)


def test_a_goal_one_cannot_see_cannot_be_saved_as_template(client, cast):
    response = login(client, cast.manager).post(reverse("goal_templates:from-goal", args=[cast.other_personal.pk]))
    assert response.status_code == 404
    assert not GoalTemplate.objects.exists()


def test_the_author_archives_a_template_from_its_page(client, cast, template):
    response = login(client, cast.manager).post(reverse("goal_templates:archive", args=[template.pk]))
    assert response.status_code == 302
    assert login(client, cast.manager).get(detail(template)).status_code == 404


def test_someone_else_may_not_archive_it(client, cast, template):
    assert login(client, cast.employee).post(reverse("goal_templates:archive", args=[template.pk])).status_code == 403


def test_a_template_page_lists_its_metrics(client, cast, template):
    text = login(client, cast.employee).get(detail(template)).content.decode()
    assert all(metric["name"] in text for metric in METRICS)


def test_in_a_large_organisation_the_unit_is_searched_among_those_one_may_give_goals_to(
    client, cast, template, monkeypatch
):
    from apps.core import picker

    monkeypatch.setattr(picker, "THRESHOLD", 0)
    page = login(client, cast.leader).get(detail(template)).content.decode()
    assert '<select name="unit"' not in page and 'name="unit_q"' in page
    assert f'name="unit" value="{cast.team.pk}"' in as_one_types(client, page, "unit", "apac")
    url = reverse("goal_templates:unit-options")
    sales = client.get(url, {"unit_q": "apac"}).content.decode()
    assert f'value="{cast.team.pk}"' in sales  # under Sales, which the leader leads
    assert f'value="{cast.ops_team.pk}"' not in client.get(url, {"unit_q": "ops"}).content.decode()  # not theirs
    assert login(client, cast.employee).get(url, {"unit_q": "apac"}).status_code == 403
    found = login(client, cast.leader).post(detail(template), {"unit_q": "apac", "unit_find": "1", "usernames": "x"})
    assert found.status_code == 200 and f'value="{cast.team.pk}"' in found.content.decode()  # as typed, no errors
    assert 'class="error"' not in found.content.decode() and not Goal.objects.filter(title="Sell more").exists()
    response = client.post(detail(template), {"unit": cast.team.pk, "parent": cast.trans.pk})
    assert response.status_code == 302 and Goal.objects.filter(title="Sell more").exists()
